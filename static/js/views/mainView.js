// The main view: one model and layer as memory chips, word clouds and links, with details.

import * as api from "../api.js";
import { createClusterView } from "./clusterView.js";
import { createDetailPanel } from "./detailPanel.js";
import { renderControls } from "./controls.js";
import { setLoading, showError, clear } from "./status.js";
import { exportButtons } from "./exporter.js";
import { findModel, validLayer, clusterParams, clusterSpecs, displaySpecs, renderQuality, renderLegend, viewHandle, viewFrame } from "./common.js";
import { toggleLimited } from "../data/options.js";
import { unitKey, MAX_WORDS, MAX_UNITS } from "../data/urlstate.js";
import { clipLimit } from "../data/scales.js";
import { kindLabel, modelShape } from "../data/format.js";

/** Fetch a word's statistics for one model and layer, as {stats} or {error}. */
export function wordSide(model, word, params) {
  return api.getWord(model.name, word, { layer: params.layer, state: params.state, split: params.split })
    .then((stats) => ({ stats, error: null }), (error) => ({ stats: null, error }));
}

/** Details of selected units: [{key, title, sub, stats | error}] (fetched for their own model). */
export function unitCards(app, state) {
  return state.units.map((u) => {
    const model = findModel(app, u.model);
    const kind = model && model.kinds.includes(state.state) ? state.state : "h";
    const card = { key: unitKey(u), title: `unit ${u.unit}`, sub: `${u.model} · L${u.layer} · ${kind}`, stats: null, error: null,
      // the Units view of this unit: its contexts, histogram and rankings
      href: app.codec.serializeState({ ...app.viewState.get(), view: "units", model: u.model, layer: u.layer, state: kind, focus: [u.unit], phrase: null }) };
    card.promise = model
      ? api.getUnit(u.model, u.unit, { layer: u.layer, state: kind, split: model.default_split ?? null })
        .then((s) => { card.stats = s; }, (e) => { card.error = e; })
      : Promise.resolve().then(() => { card.error = new Error(`unknown model ${u.model}`); });
    return card;
  });
}

/** Word and unit selection handlers shared by the views. */
export function selectionHandlers(app) {
  const viewState = app.viewState;
  return {
    toggleWord: (word) => viewState.set({ words: toggleLimited(viewState.get().words, word, MAX_WORDS) }),
    toggleUnit: (model, layer, unit) => viewState.set({ units: toggleLimited(viewState.get().units, { model, layer, unit }, MAX_UNITS, unitKey) }),
    removeWord: (word) => viewState.set({ words: viewState.get().words.filter((w) => w !== word) }),
    removeUnit: (key) => viewState.set({ units: viewState.get().units.filter((u) => unitKey(u) !== key) }),
  };
}

export function createMainView(root, app) {
  const viewState = app.viewState;
  const sel = selectionHandlers(app);
  const { group, canvas, head, titleRow, title } = viewFrame(root, "main");
  const modelControls = group("Co-clusters");
  const displayControls = group("Display");

  const actions = titleRow.append("div").attr("class", "actions");
  const quality = head.append("div").attr("class", "quality");
  const legend = head.append("div").attr("class", "legend-row");
  const status = head.append("div").attr("class", "hover-status muted");
  const body = canvas.append("div").attr("class", "canvas-body");
  const host = body.append("div").attr("class", "cluster-host");
  const details = createDetailPanel(root.append("aside").attr("class", "details").append("div").attr("class", "panel-inner"));

  let info = {};
  let data = null;
  let token = 0;
  let model = null;
  let params = null;

  const view = createClusterView(host, {
    onWord: sel.toggleWord,
    onUnit: (unit) => sel.toggleUnit(model.name, params.layer, unit),
    onHover: (focus) => {
      if (!focus || !data) { status.text(""); return; }
      const i = focus.chip ?? focus.cloud;
      const nWords = data.word_clusters[i].length;
      status.text(`cluster ${i + 1}: ${data.unit_clusters[i].length} units, ${nWords} words — links show every cluster pair above the filter`);
    },
  });

  exportButtons(actions, { svg: () => (data ? view.svg() : null), stem: fileStem, toast: app.toast });

  function fileStem() {
    return data ? `rnnvis-${data.model}-L${data.layer}-${data.state}-k${data.k}-${data.mode}` : "rnnvis";
  }

  function controls(state) {
    const kinds = model ? model.kinds : ["h"];
    renderControls(modelControls, clusterSpecs(app, { kinds, info: () => info }), state, (key, value) => {
      const patch = { [key]: value };
      if (key === "model") {
        const m = findModel(app, value);
        patch.layer = m ? validLayer(m, state.layer) : 0;
        patch.k = null;
      }
      viewState.set(patch);
    });
    renderControls(displayControls, displaySpecs(), state, (key, value) => viewState.set({ [key]: value }));
  }

  async function update(state) {
    const my = ++token;
    model = findModel(app, state.model);
    if (!model) {
      controls(state);
      showError(host, new Error(`unknown model ${JSON.stringify(state.model)}; pick one in the list`), "No such model");
      return;
    }
    params = clusterParams(model, state);
    title.text(`${model.name} — layer ${params.layer}, ${kindLabel(params.state)}`)
      .attr("title", `${modelShape(model)} · ${model.dataset} · ${model.description ?? ""}`);
    controls(state);

    // words and units start loading at once; the co-clusters may take a moment
    const words = state.words.map((word) => ({ word, stats: null, error: null }));
    const wordPromises = words.map((w) => wordSide(model, w.word, params).then((r) => Object.assign(w, r)));
    const units = unitCards(app, state);
    const renderDetails = () => details.update({
      words: words.map((w) => ({ word: w.word, sides: [{ label: model.name, stats: w.stats, error: w.error }] })),
      units,
      selectedWords: new Set(state.words),
      onRemoveWord: sel.removeWord,
      onRemoveUnit: sel.removeUnit,
      onWord: sel.toggleWord,
    });
    renderDetails();

    setLoading(body, true, `co-clustering ${model.name}, layer ${params.layer}…`);
    try {
      data = await api.getCoclusters(model.name, params);
    } catch (err) {
      if (my !== token) return;
      setLoading(body, false);
      data = null;
      info = {};
      controls(state);
      quality.selectAll("*").remove();
      legend.selectAll("*").remove();
      showError(host, err, "Could not compute the co-clusters");
      return;
    }
    if (my !== token) return;
    setLoading(body, false);
    info = { k: data.k, suggested_k: data.suggested_k, k_range: data.k_range, mode: data.mode };
    controls(state);
    if (host.select("svg.cluster-svg").empty() || host.select(".error-box").size()) {
      clear(host);
      host.node().appendChild(view.svg());
    }
    renderQuality(quality, data);
    // the bootstrap ARI takes several refits: it arrives after the view is drawn
    api.completeStability(model.name, params, data)
      .then((changed) => { if (changed && my === token) renderQuality(quality, data); })
      .catch(() => { if (my === token) { data.quality.bootstrap_pending = false; renderQuality(quality, data); } });
    const draw = () => {
      const stats = words.filter((w) => w.stats);
      const limit = clipLimit(stats.flatMap((w) => w.stats.mean), state.clip);
      const selectedUnits = new Set(state.units.filter((u) => u.model === model.name && u.layer === params.layer).map((u) => u.unit));
      view.update({ data, words, selectedUnits, limit, threshold: state.threshold, widthScale: state.widthScale,
        width: host.node().clientWidth });
      renderLegend(legend, state.words.map((word) => ({ word })), limit);
    };
    draw();
    await Promise.all([...wordPromises, ...units.map((u) => u.promise)]);
    if (my !== token) return;
    draw();
    renderDetails();
  }

  return viewHandle(root, update, {
    onResize: () => { if (data) view.redraw(host.node().clientWidth); },
    onDestroy: () => { token += 1; },
  });
}

