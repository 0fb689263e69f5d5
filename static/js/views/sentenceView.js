// The sentence view: type a text (or pick one from the corpus); a glyph per token shows, per unit
// cluster, the positive and negative state and its change. Clicking a token compares this
// occurrence's response with the word's average response.

import * as api from "../api.js";
import { CHART } from "../events.js";
import { renderControls } from "./controls.js";
import { setLoading, showError, appendError, clear, note } from "./status.js";
import { findModel, validLayer, clusterParams, clusterSpecs, viewHandle, viewFrame } from "./common.js";
import { tokenGlyphs, responseProfile } from "../charts/index.js";
import { glyphValues, tokenResponse, isUpdateKind } from "../data/glyph.js";
import { wordProfile } from "../data/profile.js";
import { SIGN_COLORS, formatNumber } from "../data/scales.js";
import { kindLabel, sentenceSupport } from "../data/format.js";

const DEFAULT_TEXT = "the company said its profit rose sharply in the third quarter";

export function createSentenceView(root, app) {
  const viewState = app.viewState;
  const { group, canvas, title } = viewFrame(root, "sentence");
  const modelControls = group("Model");

  const form = canvas.append("form").attr("class", "sentence-input").attr("autocomplete", "off");
  const textarea = form.append("textarea").attr("name", "text").attr("rows", 2)
    .attr("placeholder", "Type a sentence…").attr("aria-label", "sentence");
  const row = form.append("div").attr("class", "sentence-row");
  const runButton = row.append("button").attr("type", "submit").attr("class", "button primary run").text("Run");
  const picker = row.append("select").attr("class", "sentence-picker").attr("aria-label", "pick a sentence from the corpus");
  const legend = canvas.append("div").attr("class", "glyph-legend");
  const glyphBody = canvas.append("div").attr("class", "canvas-body glyph-host");
  const detail = canvas.append("div").attr("class", "token-detail");
  const side = root.append("aside").attr("class", "details").append("div").attr("class", "panel-inner");
  side.append("h3").attr("class", "panel-title").text("How to read the glyphs");
  side.append("p").attr("class", "note").html(
    "Each token is a column; each row is a unit cluster (the memory chips of the Memory view, same order). " +
    "In a cell, the <b style=\"color:" + SIGN_COLORS.positive + "\">red bar</b> is the mean positive state of the cluster's units, " +
    "the <b style=\"color:" + SIGN_COLORS.negative + "\">blue bar</b> the mean negative state (mean of max(x, 0) and min(x, 0) over the units), " +
    "and the thin dark bar the mean change since the previous token (up: grew). Bars share one scale over the sentence.");
  side.append("p").attr("class", "note").html("Click a token to compare this occurrence's response with the word's average over the corpus. " +
    "<span style=\"color:var(--bad)\"><i>Red italic</i></span> tokens are out of the vocabulary (read as &lt;unk&gt;).");

  const glyphs = tokenGlyphs().on(CHART.CLICK, (event, d) => viewState.set({ token: d.index === viewState.get().token ? null : d.index }));
  let token = 0;
  let lastRun = null; // {key, result}
  let model = null;

  form.on("submit", (event) => {
    event.preventDefault();
    const text = textarea.property("value").trim();
    if (text) viewState.set({ text, token: null });
  });
  textarea.on("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.node().requestSubmit(); }
  });
  picker.on("change", function () {
    if (this.value) viewState.set({ text: this.value, token: null });
  });

  function controls(state, info) {
    const kinds = model ? model.kinds : ["h"];
    renderControls(modelControls, clusterSpecs(app, { kinds, info: () => info }), state, (key, value) => {
      const patch = { [key]: value };
      if (key === "model") { const m = findModel(app, value); patch.layer = m ? validLayer(m, state.layer) : 0; patch.k = null; patch.token = null; }
      viewState.set(patch);
    });
  }

  async function fillPicker(m) {
    picker.selectAll("option").data([{ value: "", label: "…or pick a sentence from the evaluation corpus" }]).join("option")
      .attr("value", (d) => d.value).text((d) => d.label);
    try {
      const { sentences } = await api.getSentences(m.name, { split: m.default_split ?? null, n: 30 });
      if (model !== m) return;
      picker.selectAll("option")
        .data([{ value: "", label: `…or pick one of ${sentences.length} sentences from the ${m.default_split ?? "evaluation"} corpus` },
          ...sentences.map((s) => ({ value: s, label: s.length > 110 ? s.slice(0, 107) + "…" : s }))])
        .join("option").attr("value", (d) => d.value).text((d) => d.label);
    } catch (err) {
      picker.selectAll("option").data([{ value: "", label: `no corpus sentences: ${err.message}` }]).join("option")
        .attr("value", "").text((d) => d.label);
    }
  }

  /** Grey the form out, with the reason, for a model that cannot run text (states only). */
  function showUnavailable(reason) {
    legend.html("");
    clear(detail);
    glyphBody.selectAll("*").remove();
    const box = glyphBody.append("div").attr("class", "unavailable").attr("role", "status");
    box.append("h3").text(`Sentence evaluation is not available for ${model.name}`);
    box.append("p").text(`${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`);
    box.append("p").attr("class", "note").text("Its recorded states, co-clusters and word and unit details are in the Memory and Compare views.");
  }

  async function update(state) {
    const my = ++token;
    const m = findModel(app, state.model);
    const support = sentenceSupport(m);
    if (m !== model) { model = m; if (m && support.available) fillPicker(m); }
    if (!model) { showError(glyphBody, new Error(`unknown model ${JSON.stringify(state.model)}`), "No such model"); return; }
    form.classed("is-disabled", !support.available).attr("title", support.available ? null : support.reason);
    for (const el of [textarea, runButton, picker]) el.property("disabled", !support.available);
    const params = clusterParams(model, state);
    const text = state.text ?? DEFAULT_TEXT;
    if (document.activeElement !== textarea.node()) textarea.property("value", text);
    title.text(`${model.name} — layer ${params.layer}, ${kindLabel(params.state)}`);
    controls(state, {});
    if (!support.available) { showUnavailable(support.reason); return; }
    legend.html(
      `<span><span class="glyph-key" style="background:${SIGN_COLORS.positive}"></span>mean positive ${params.state}</span>` +
      `<span><span class="glyph-key" style="background:${SIGN_COLORS.negative}"></span>mean negative ${params.state}</span>` +
      `<span><span class="glyph-key" style="background:#7f1d1d;width:4px"></span><span class="glyph-key" style="background:#1e3a8a;width:4px"></span>mean change (${isUpdateKind(params.state) ? "d" + params.state : "vs. previous token"})</span>` +
      `<span class="muted">rows: unit clusters 1…k of layer ${params.layer}</span>`);

    setLoading(glyphBody, true, "running the model…");
    let clusters;
    let result;
    try {
      const runKey = `${model.name}\u0000${params.state}\u0000${text}`;
      const [c, r] = await Promise.all([
        api.getCoclusters(model.name, params),
        lastRun && lastRun.key === runKey ? lastRun.result : api.evaluateText(model.name, text, [params.state]),
      ]);
      clusters = c;
      result = r;
      lastRun = { key: runKey, result };
    } catch (err) {
      if (my !== token) return;
      setLoading(glyphBody, false);
      showError(glyphBody, err, "Could not evaluate the sentence");
      clear(detail);
      return;
    }
    if (my !== token) return;
    setLoading(glyphBody, false);
    controls(state, { k: clusters.k, suggested_k: clusters.suggested_k, k_range: clusters.k_range, mode: clusters.mode });
    const layer = result.layers[params.layer];
    let g;
    try {
      g = glyphValues(layer, params.state, clusters.unit_clusters);
    } catch (err) {
      showError(glyphBody, err, "This state is not in the answer");
      return;
    }
    glyphBody.selectAll(".error-box").remove();
    const svg = glyphBody.selectAll("svg.glyph-chart").data([0]).join("svg").attr("class", "glyph-chart");
    const selected = state.token !== null && state.token < result.tokens.length ? state.token : null;
    glyphs.data({ tokens: result.tokens, oov: result.oov, values: g.values, max: g.max })
      .width(Math.max(400, glyphBody.node().clientWidth))
      .selected(selected);
    svg.call(glyphs);
    await renderDetail(my, result, layer, params, selected);
  }

  async function renderDetail(my, result, layer, params, t) {
    clear(detail);
    if (Array.isArray(result.class_probs)) {
      detail.append("p").attr("class", "class-probs")
        .text(`predicted class probabilities: ${result.class_probs.map((p, i) => `${result.classes?.[i] ?? i}: ${formatNumber(p, 2)}`).join(", ")}`);
    }
    if (t === null) {
      note(detail, `${result.tokens.length} tokens${result.oov.some(Boolean) ? `, ${result.oov.filter(Boolean).length} out of the vocabulary` : ""}. Click a token to compare it with the word's average.`);
      return;
    }
    const word = result.tokens[t];
    const h = detail.append("h3");
    h.append("span").text(`“${word}” here vs. its average`);
    if (result.oov[t]) {
      h.append("span").attr("class", "oov-badge").text("OOV");
      note(detail, `“${word}” is not in the model's vocabulary: the model read it as <unk>, so it has no average response of its own.`);
      return;
    }
    const prob = result.next_prob ? result.next_prob[t - 1] : null;
    detail.append("p").attr("class", "note").text(
      `token ${t + 1} of ${result.tokens.length}` + (Number.isFinite(prob) ? ` · the model gave it p = ${formatNumber(prob)} from the previous words` : "") +
      `. Dots: this occurrence's ${isUpdateKind(params.state) ? "update d" + params.state : params.state}; line and bands: the word's mean and spread over the corpus.`);
    const host = detail.append("div").attr("class", "side-chart");
    setLoading(host, true, "loading…");
    try {
      const stats = await api.getWord(model.name, word, { layer: params.layer, state: params.state, split: params.split });
      if (my !== token) return;
      setLoading(host, false);
      const rows = wordProfile(stats, tokenResponse(layer, params.state, t));
      host.append("svg").call(responseProfile().data(rows).width(Math.min(760, detail.node().clientWidth)).height(200));
      host.append("p").attr("class", "band-legend").html(
        `<span class="key key-mean"></span>mean over ${stats.count} occurrences <span class="key key-inner"></span>25–75% <span class="key key-outer"></span>9–91% ` +
        `<span class="key" style="background:var(--select);height:8px;width:8px;border-radius:50%"></span>this occurrence`);
    } catch (err) {
      if (my !== token) return;
      setLoading(host, false);
      appendError(host, err, `no average response for “${word}”`);
    }
  }

  return viewHandle(root, update, {
    onResize: () => update(viewState.get()),
    wait: 200,
    onDestroy: () => { token += 1; },
  });
}

