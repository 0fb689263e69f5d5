// The Units view: from a question ("which unit tells x-after-A from x-after-B?") to one unit and
// what it does. A ranked list of units for a contrast; for the focused units, their strongest
// contexts as coloured text, histogram and quantile samples; pattern search from a phrase; typed
// text; and the gate-saturation scatter of the layer.

import d3 from "../../vendor/d3.js";
import * as api from "../api.js";
import { CHART } from "../events.js";
import { renderControls } from "./controls.js";
import { setLoading, showError, appendError, clear, note } from "./status.js";
import { findModel, validLayer, validKind, modelOption, layerOptions, viewHandle, viewFrame } from "./common.js";
import { textHeatmap, histogramPair, saturationScatter, divergingLegend, GATE_COLORS } from "../charts/index.js";
import { rankingRows, heatCells, sharedLimit, toggleFocus, parsePhrase, formatPhrase, phraseBetween,
  saturationPoints } from "../data/units.js";
import { formatNumber } from "../data/scales.js";
import { kindLabel, sentenceSupport } from "../data/format.js";

const GATE_KINDS = new Set(["i", "f", "o", "z", "r"]);

/** "" for a character-level passage, " " for words. */
function joinerFor(tokens) {
  return tokens.every((t) => t.length <= 1 || t === "<eos>") ? "" : " ";
}

export function createUnitsView(root, app) {
  const viewState = app.viewState;
  const spec = app.specs.ranking;
  const { sidebar, group, canvas, head, title } = viewFrame(root, "units");
  const modelControls = group("Model");
  const rankControls = group("Rank units by");
  const grammar = sidebar.append("details").attr("class", "grammar");
  grammar.append("summary").text("Patterns and targets");
  grammar.append("div").attr("class", "note").html(
    "<b>pattern</b>: <code>x after A</code> (x's of lines that began with A), <code>a next X</code>, " +
    "<code>{buy,sell}</code>, <code>!the</code>, <code>* inside ( )</code>, <code>x | y</code>. " +
    "Quote a token with special characters: <code>\"|\"</code>.<br><b>target</b>: <code>position</code>, " +
    "<code>depth ( )</code>, <code>count a b</code> (a's minus b's so far in the sentence).");

  const subtitle = head.append("div").attr("class", "quality-line units-subtitle");
  const body = canvas.append("div").attr("class", "canvas-body units-body");
  const rankingBox = body.append("div").attr("class", "ranking");
  const focusBox = body.append("div").attr("class", "unit-focus");
  const searchBox = body.append("div").attr("class", "pattern-search");
  const typedBox = body.append("div").attr("class", "typed-heatmap");

  const side = root.append("aside").attr("class", "details").append("div").attr("class", "panel-inner");
  side.append("h3").attr("class", "panel-title").text("Gate saturation");
  const satBox = side.append("div").attr("class", "saturation");
  side.append("p").attr("class", "note").text(
    "One point per unit and gate: the share of steps the gate is nearly closed (< 0.1, x) and " +
    "nearly open (> 0.9, y), as in Karpathy et al. (2015). Click a point to focus its unit.");

  let token = 0;
  let model = null;
  let anchor = null; // first token clicked for a phrase: corpus position

  const setFocus = (unit, additive) => viewState.set({ focus: toggleFocus(viewState.get().focus, unit, additive) });

  function renderSideControls(state, params) {
    renderControls(modelControls, [
      { key: "model", label: "Model", type: "select", options: () => app.models.map(modelOption) },
      { key: "layer", label: "Layer", type: "segmented", options: () => layerOptions(model), value: () => params.layer },
      { key: "state", label: "State", type: "select", options: () => model.kinds.map((k) => ({ value: k, label: kindLabel(k, { values: true }) })), value: () => params.state,
        help: "h and c: the state's value; gates: their value (0-1)" },
    ], state, (key, value) => {
      const patch = { [key]: value, focus: [], phrase: null };
      if (key === "model") { const m = findModel(app, value); patch.layer = m ? validLayer(m, state.layer) : 0; patch.a = null; patch.b = null; }
      viewState.set(patch);
    });
    renderControls(rankControls, [
      { key: "rank", label: "Contrast", type: "select", help: spec.rank.help,
        options: () => spec.rank.choices.map((c) => ({ value: c, label: c.replace("_", " "), title: spec.rank.choice_help[c] })),
        extra: (el, s) => el.append("span").attr("class", "control-note").text(spec.rank.choice_help[s.rank]) },
      { key: "a", label: "a", type: "text", maxLength: spec.a.max_length, placeholder: placeholderA(state.rank), help: spec.a.help },
      { key: "b", label: "b", type: "text", maxLength: spec.b.max_length, placeholder: "(optional)", help: spec.b.help,
        hidden: (s) => s.rank === "target" || s.rank === "word" },
      { key: "score", label: "Score", type: "segmented", hidden: (s) => s.rank === "target",
        options: () => spec.score.choices.map((c) => ({ value: c, label: c === "auc" ? "AUC" : "Hellinger", title: spec.score.choice_help[c] })) },
    ], state, (key, value) => viewState.set({ [key]: value, focus: [], phrase: null }));
  }

  function placeholderA(rank) {
    return { words: "a word", word: "a word", pair: "input word", pattern: "x after A", class: "a class",
      class_tokens: "a class", target: "count a b" }[rank] ?? "";
  }

  async function update(state) {
    const my = ++token;
    model = findModel(app, state.model);
    if (!model) { showError(rankingBox, new Error(`unknown model ${JSON.stringify(state.model)}`), "No such model"); return; }
    const params = { layer: validLayer(model, state.layer), state: validKind(model, state.state), split: model.default_split ?? null };
    renderSideControls(state, params);
    title.text(`${model.name} — layer ${params.layer}, ${kindLabel(params.state, { values: true })}`);
    const jobs = [renderRanking(my, state, params), renderFocus(my, state, params), renderSaturation(my, state, params)];
    renderTyped(state, params);
    await Promise.all(jobs);
  }

  async function renderRanking(my, state, params) {
    clear(rankingBox);
    if (!state.a) {
      subtitle.text("Pick a contrast: which positions should the units tell apart?");
      const box = rankingBox.append("div").attr("class", "empty-contrast");
      box.append("p").text("Rank every unit of this layer by how well it separates two sets of positions, or follows a per-token target. Try:");
      box.selectAll("button").data(model.contrasts ?? []).join("button").attr("type", "button").attr("class", "button example")
        .text((d) => d.label).on("click", (event, d) => viewState.set({ rank: d.rank, a: d.a, b: d.b, focus: [], phrase: null }));
      return;
    }
    setLoading(rankingBox, true, "ranking units…");
    let answer;
    try {
      answer = await api.getRanking(model.name, { ...params, rank: state.rank, a: state.a, b: state.b, score: state.score, top: 30 });
    } catch (err) {
      if (my !== token) return;
      setLoading(rankingBox, false);
      subtitle.text("");
      showError(rankingBox, err, "Cannot rank the units");
      return;
    }
    if (my !== token) return;
    setLoading(rankingBox, false);
    subtitle.text(answer.score === "correlation"
      ? `ranked by |r| with “${answer.label_a}” over ${answer.n_used.toLocaleString()} positions`
      : `${answer.label_a} (n = ${answer.n_a.toLocaleString()}) vs ${answer.label_b} (n = ${answer.n_b.toLocaleString()}), ranked by ${answer.score === "auc" ? "|AUC − 0.5|" : "Hellinger distance"}`);
    const rows = rankingRows(answer);
    // nothing focused yet: the best unit is the first thing worth reading
    if (!state.focus.length && rows.length) {
      viewState.set({ focus: [rows[0].unit] }, { replace: true });
      return;
    }
    const focus = new Set(state.focus);
    const table = rankingBox.append("table").attr("class", "ranking-table");
    table.append("thead").append("tr").selectAll("th").data(["#", "unit", "score", "", answer.score === "correlation" ? "" : "histograms (red: a, blue: b)"])
      .join("th").text((d) => d);
    const tr = table.append("tbody").selectAll("tr").data(rows).join("tr")
      .attr("class", "rank-row").classed("focused", (r) => focus.has(r.unit)).attr("data-unit", (r) => r.unit)
      .attr("tabindex", 0).attr("role", "button").attr("aria-label", (r) => `unit ${r.unit}, ${r.main}`)
      .attr("title", "click: focus this unit; shift-click: add it")
      .on("click", (event, r) => setFocus(r.unit, event.shiftKey || event.metaKey || event.ctrlKey))
      .on("keydown", (event, r) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); setFocus(r.unit, event.shiftKey); } });
    tr.append("td").attr("class", "num").text((r) => r.rank);
    tr.append("td").attr("class", "unit-id").text((r) => r.unit);
    tr.append("td").attr("class", "main").text((r) => r.main);
    tr.append("td").attr("class", "muted").text((r) => r.detail);
    tr.append("td").each(function (r) {
      if (r.histA) d3.select(this).append("svg").call(histogramPair().a(r.histA).b(r.histB).range(r.range));
    });
  }

  async function renderFocus(my, state, params) {
    clear(focusBox);
    clear(searchBox);
    if (!state.focus.length) {
      note(focusBox, "Click a unit in the list (or a point in the gate-saturation scatter) to see its strongest contexts.");
      return;
    }
    const unit = state.focus[0];
    setLoading(focusBox, true, `unit ${unit}: contexts…`);
    let ctx;
    try {
      ctx = await api.getContexts(model.name, unit, { ...params, k: 8, window: 10 });
    } catch (err) {
      if (my !== token) return;
      setLoading(focusBox, false);
      showError(focusBox, err, `No contexts for unit ${unit}`);
      return;
    }
    if (my !== token) return;
    setLoading(focusBox, false);
    const headRow = focusBox.append("div").attr("class", "focus-head");
    headRow.append("h2").text(`Unit ${unit}`);
    headRow.append("span").attr("class", "muted").text(
      `${kindLabel(params.state, { values: true })} · mean ${formatNumber(ctx.mean)} · std ${formatNumber(ctx.std)} · range ${formatNumber(ctx.histogram.range[0])} … ${formatNumber(ctx.histogram.range[1])}` +
      (state.focus.length > 1 ? ` · also focused: ${state.focus.slice(1).join(", ")}` : ""));
    const limit = Math.max(Math.abs(ctx.histogram.range[0]), Math.abs(ctx.histogram.range[1])) || 1;
    const top = focusBox.append("div").attr("class", "focus-top");
    const hist = top.append("div").attr("class", "focus-hist");
    hist.append("div").attr("class", "muted").text("values over the split");
    hist.append("svg").call(histogramPair().a(ctx.histogram.counts).range(ctx.histogram.range).width(260).height(70).axis(true).marks([0]));
    top.append("div").attr("class", "focus-legend").append("svg").call(divergingLegend().limit(limit).width(220).title(`unit ${unit} value`));
    top.append("p").attr("class", "note").text("Click a token to start a phrase for pattern search; shift-click another to end it.");
    const selected = phraseSet(state);
    const joiner = joinerFor(ctx.positive[0]?.tokens ?? []);
    const section = (label, items, cls) => {
      const box = focusBox.append("div").attr("class", `contexts ${cls}`);
      box.append("h3").text(label);
      for (const c of items) {
        const row = box.append("div").attr("class", "context-row");
        row.append("span").attr("class", "ctx-value").text(formatNumber(c.value, 3));
        const div = row.append("div").attr("class", "ctx-text");
        const cells = heatCells(c.tokens, c.values, { limit, focus: c.offset, resets: c.resets });
        div.call(textHeatmap().cells(cells).joiner(joiner).selected(shiftSet(selected, c.start))
          .on(CHART.CLICK, (event, cell) => pickToken(c.start + cell.index, event.shiftKey)));
      }
    };
    section("Strongest positive", ctx.positive, "positive");
    section("Strongest negative", ctx.negative, "negative");
    const bands = focusBox.append("div").attr("class", "contexts bands");
    bands.append("h3").text("Random samples by quantile band");
    for (const band of ctx.bands) {
      for (const c of band.contexts) {
        const row = bands.append("div").attr("class", "context-row");
        row.append("span").attr("class", "ctx-value").attr("title", `${band.quantiles[0] * 100}–${band.quantiles[1] * 100}% band`)
          .text(`${Math.round(band.quantiles[0] * 100)}–${Math.round(band.quantiles[1] * 100)}%`);
        row.append("div").attr("class", "ctx-text").call(textHeatmap()
          .cells(heatCells(c.tokens, c.values, { limit, focus: c.offset, resets: c.resets })).joiner(joiner)
          .on(CHART.CLICK, (event, cell) => pickToken(c.start + cell.index, event.shiftKey)));
      }
    }
    await renderSearch(my, state, params, joiner);
  }

  function phraseSet(state) {
    const p = parsePhrase(state.phrase);
    return p ? new Set(Array.from({ length: p.length }, (_, i) => p.start + i)) : new Set();
  }

  function shiftSet(set, start) {
    return new Set([...set].map((pos) => pos - start));
  }

  function pickToken(pos, extend) {
    if (extend && anchor !== null) {
      viewState.set({ phrase: formatPhrase(phraseBetween(anchor, pos, app.specs.search.length.max)) });
    } else {
      anchor = pos;
      viewState.set({ phrase: formatPhrase({ start: pos, length: 1 }) });
    }
  }

  async function renderSearch(my, state, params, joiner) {
    clear(searchBox);
    searchBox.append("h3").text("Pattern search");
    const phrase = parsePhrase(state.phrase);
    if (!phrase) {
      note(searchBox, `Select a phrase in the contexts above: the focused units (${state.focus.join(", ")}) are thresholded into on/off over it, and the split is searched for the windows where they switch the same way.`);
      return;
    }
    setLoading(searchBox, true, "searching…");
    let out;
    try {
      out = await api.searchPattern(model.name, { ...params, units: state.focus, start: phrase.start, length: phrase.length, k: 8, window: 4 });
    } catch (err) {
      if (my !== token) return;
      setLoading(searchBox, false);
      appendError(searchBox, err, "Cannot search this phrase");
      return;
    }
    if (my !== token) return;
    setLoading(searchBox, false);
    note(searchBox, `units ${out.units.join(", ")} on at ≥ ${out.thresholds.map((t) => formatNumber(t, 2)).join(", ")}; score = share of the ${phrase.length} × ${out.units.length} on/off cells that agree (1 = same pattern). Rows: one per unit.`);
    const items = [{ label: "phrase", ...out.query }, ...out.results.map((r) => ({ label: formatNumber(r.score, 2), ...r }))];
    for (const item of items) {
      const block = searchBox.append("div").attr("class", `search-hit${item.label === "phrase" ? " query" : ""}`);
      out.units.forEach((u, j) => {
        const row = block.append("div").attr("class", "context-row");
        row.append("span").attr("class", "ctx-value").text(j === 0 ? item.label : "");
        row.append("span").attr("class", "ctx-unit").text(`u${u}`);
        const cells = heatCells(item.tokens, item.values, { unitColumn: j, limit: sharedLimit([item], j) || 1, resets: item.resets });
        const span = new Set(Array.from({ length: item.length }, (_, i) => item.offset + i));
        row.append("div").attr("class", "ctx-text").call(textHeatmap().cells(cells).joiner(joiner).selected(span));
      });
    }
  }

  function renderTyped(state, params) {
    const support = sentenceSupport(model);
    typedBox.classed("is-disabled", !support.available);
    if (!support.available) {
      clear(typedBox);
      typedBox.append("h3").text("Your own text");
      note(typedBox, `Not available: ${support.reason}.`);
      return;
    }
    if (typedBox.select("form").empty()) {
      clear(typedBox);
      typedBox.append("h3").text("Your own text");
      const form = typedBox.append("form").attr("class", "typed-form").attr("autocomplete", "off");
      form.append("input").attr("type", "text").attr("name", "text").attr("aria-label", "text for the heatmap")
        .attr("placeholder", "type a text and press Enter: the focused units colour it");
      form.append("button").attr("type", "submit").attr("class", "button").text("Colour");
      typedBox.append("div").attr("class", "typed-out");
    }
    const out = typedBox.select(".typed-out");
    typedBox.select("form").on("submit", async (event) => {
      event.preventDefault();
      const text = typedBox.select("input").property("value").trim();
      const s = viewState.get();
      if (!text || !s.focus.length) { clear(out); note(out, "Focus a unit and type a text."); return; }
      clear(out);
      setLoading(out, true, "running the model…");
      try {
        const r = await api.getTextHeatmap(model.name, { text, layer: params.layer, state: params.state, units: s.focus });
        setLoading(out, false);
        r.units.forEach((u, j) => {
          const row = out.append("div").attr("class", "context-row");
          row.append("span").attr("class", "ctx-unit").text(`u${u}`);
          row.append("div").attr("class", "ctx-text").call(textHeatmap()
            .cells(heatCells(r.tokens, r.values, { unitColumn: j, limit: sharedLimit([r], j) })).joiner(joinerFor(r.tokens)));
        });
      } catch (err) {
        setLoading(out, false);
        appendError(out, err, "Cannot colour this text");
      }
    });
  }

  async function renderSaturation(my, state, params) {
    clear(satBox);
    if (!["lstm", "gru"].includes(model.cell)) { note(satBox, `A ${model.cell} cell has no gates.`); return; }
    if (!model.kinds.some((k) => GATE_KINDS.has(k))) { note(satBox, `${model.name} holds ${model.kinds.join(", ")} only, no gates.`); return; }
    setLoading(satBox, true, "gates…");
    try {
      const sat = await api.getSaturation(model.name, { layer: params.layer, split: params.split });
      if (my !== token) return;
      setLoading(satBox, false);
      satBox.append("svg").call(saturationScatter().points(saturationPoints(sat)).selected(new Set(state.focus))
        .on(CHART.CLICK, (event, p) => setFocus(p.unit, event.shiftKey)));
      const legend = satBox.append("div").attr("class", "gate-legend");
      for (const gate of Object.keys(sat.gates)) {
        legend.append("span").attr("class", "swatch").style("background", GATE_COLORS[gate]);
        legend.append("span").text(`${gate} `);
      }
    } catch (err) {
      if (my !== token) return;
      setLoading(satBox, false);
      appendError(satBox, err, "No gate statistics");
    }
  }

  return viewHandle(root, update, { onResize: () => {}, onDestroy: () => { token += 1; } });
}
