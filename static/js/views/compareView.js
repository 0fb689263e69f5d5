// Comparison: two models, or two layers of one model, side by side and mirrored.

import * as api from "../api.js";
import { createClusterView } from "./clusterView.js";
import { createDetailPanel } from "./detailPanel.js";
import { createSimilarityPanel } from "./similarityPanel.js";
import { renderControls } from "./controls.js";
import { setLoading, showError, clear } from "./status.js";
import { findModel, validLayer, validKind, clusterParams, clusterSpecs, displaySpecs, renderLegend, modelOption, layerOptions, viewHandle, viewFrame } from "./common.js";
import { selectionHandlers, unitCards, wordSide } from "./mainView.js";
import { clipLimit } from "../data/scales.js";
import { formatQuality, modelShape, kindLabel } from "../data/format.js";

/** The two sides {model, layer} from the state: the right side defaults to the next layer of the
 *  same model if it has several, else to another model. */
export function resolveSides(app, state) {
  const left = findModel(app, state.model);
  let right = findModel(app, state.compare);
  if (!right) {
    right = left && left.layers.length > 1 ? left : app.models.find((m) => m !== left && m.status === "evaluated") ?? left;
  }
  const layerA = left ? validLayer(left, state.layer) : 0;
  let layerB = state.layer2;
  if (layerB === null || layerB === undefined) layerB = right === left ? (layerA + 1) % Math.max(1, right.layers.length) : layerA;
  return { left, right, layerA, layerB: right ? validLayer(right, layerB) : 0 };
}

export function createCompareView(root, app) {
  const viewState = app.viewState;
  const sel = selectionHandlers(app);
  const { sidebar, group, canvas, head, title } = viewFrame(root, "compare");
  const leftControls = group("Left (mirrored)");
  const rightControls = group("Right");
  const presets = sidebar.append("div").attr("class", "presets");
  const sharedControls = group("Both sides");
  const displayControls = group("Display");

  title.text("Comparison");
  const legend = head.append("div").attr("class", "legend-row");
  const matchStatus = head.append("div").attr("class", "hover-status muted");
  const similarity = createSimilarityPanel(canvas.append("div"), app);   // CKA heatmap, unit matching
  const grid = canvas.append("div").attr("class", "compare-grid");
  const details = createDetailPanel(root.append("aside").attr("class", "details").append("div").attr("class", "panel-inner"));

  const sides = ["left", "right"].map((name) => {
    const el = grid.append("div").attr("class", `compare-side ${name}`).attr("data-side", name);
    const sideHead = el.append("div").attr("class", "side-head");
    const body = el.append("div").attr("class", "canvas-body");
    const host = body.append("div").attr("class", "cluster-host");
    const side = { name, el, sideHead, body, host, data: null, model: null, params: null, info: {} };
    side.view = createClusterView(host, {
      mirrored: name === "left",
      onWord: sel.toggleWord,
      onUnit: (unit) => sel.toggleUnit(side.model.name, side.params.layer, unit),
    });
    return side;
  });

  similarity.linkHover(grid, matchStatus);
  let token = 0;

  function controls(state, resolved, kinds) {
    const { left, right } = resolved;
    renderControls(leftControls, [
      { key: "model", label: "Model", type: "select", options: () => app.models.map(modelOption) },
      { key: "layer", label: "Layer", type: "segmented", options: () => layerOptions(left), value: () => resolved.layerA },
    ], state, (key, value) => {
      const patch = { [key]: value };
      if (key === "model") { const m = findModel(app, value); patch.layer = m ? validLayer(m, state.layer) : 0; }
      viewState.set(patch);
    });
    renderControls(rightControls, [
      { key: "compare", label: "Model", type: "select", options: () => app.models.map(modelOption), value: () => right?.name },
      { key: "layer2", label: "Layer", type: "segmented", options: () => layerOptions(right), value: () => resolved.layerB },
    ], state, (key, value) => {
      const patch = { [key]: value };
      if (key === "compare") { const m = findModel(app, value); patch.layer2 = m ? validLayer(m, resolved.layerB) : 0; }
      viewState.set(patch);
    });
    presets.selectAll("*").remove();
    if (left && left.layers.length > 1) {
      presets.append("button").attr("type", "button").attr("class", "link-button preset-layers")
        .text(`compare layers of ${left.name}`)
        .on("click", () => viewState.set({ compare: left.name, layer: 0, layer2: 1 }));
    }
    // one k for both sides; "auto" lets each side use its own suggested k
    const info = () => {
      const [a, b] = sides.map((x) => x.info);
      if (!Number.isFinite(a.suggested_k) || !Number.isFinite(b.suggested_k)) return b.k ? b : a;
      const same = a.suggested_k === b.suggested_k;
      return { ...b, autoLabel: same ? b.k : "auto",
        suggestedText: same ? `suggested k = ${a.suggested_k} on both sides` : `suggested k = ${a.suggested_k} (left), ${b.suggested_k} (right)` };
    };
    renderControls(sharedControls, clusterSpecs(app, { kinds, info, withModel: false, withLayer: false }), state,
      (key, value) => viewState.set({ [key]: value }));
    renderControls(displayControls, displaySpecs(), state, (key, value) => viewState.set({ [key]: value }));
  }

  async function update(state) {
    const my = ++token;
    const resolved = resolveSides(app, state);
    const { left, right, layerA, layerB } = resolved;
    if (!left || !right) {
      controls(state, resolved, ["h"]);
      showError(grid, new Error("pick two models (or one model with two layers)"), "Nothing to compare");
      return;
    }
    if (state.compare === null || state.layer2 === null) {
      viewState.set({ compare: right.name, layer2: layerB }, { replace: true });
      return;
    }
    const kinds = left.kinds.filter((k) => right.kinds.includes(k));
    const kind = validKind({ kinds }, state.state);
    controls(state, resolved, kinds);
    sides[0].model = left;
    sides[1].model = right;
    sides[0].params = { ...clusterParams(left, state, layerA), state: kind };
    sides[1].params = { ...clusterParams(right, state, layerB), state: kind };
    const matched = similarity.update({ left, right, layerA, layerB, state });

    // words: one profile per side
    const words = state.words.map((word) => ({ word, sides: sides.map((s) => ({ label: `${s.model.name} L${s.params.layer}`, stats: null, error: null })) }));
    const wordPromises = words.flatMap((w) => sides.map((s, i) => wordSide(s.model, w.word, s.params).then((r) => Object.assign(w.sides[i], r))));
    const units = unitCards(app, { ...state, state: kind });
    const renderDetails = () => details.update({
      words, units, selectedWords: new Set(state.words),
      onRemoveWord: sel.removeWord, onRemoveUnit: sel.removeUnit, onWord: sel.toggleWord,
    });
    renderDetails();

    const draw = () => {
      const all = words.flatMap((w) => w.sides.filter((s) => s.stats).map((s) => s.stats.mean)).flat();
      const limit = clipLimit(all, state.clip);
      sides.forEach((side, i) => {
        if (!side.data) return;
        const sideWords = words.map((w) => ({ word: w.word, stats: w.sides[i].stats }));
        const selectedUnits = new Set(state.units.filter((u) => u.model === side.model.name && u.layer === side.params.layer).map((u) => u.unit));
        const data = i === 1 ? similarity.arrange(sides[0].data, side.data, state.matchOrder) : side.data;
        side.view.update({ data, words: sideWords, selectedUnits, limit,
          threshold: state.threshold, widthScale: state.widthScale, width: side.host.node().clientWidth });
      });
      renderLegend(legend, state.words.map((word) => ({ word })), limit);
    };
    matched.then(() => { if (my === token && state.matchOrder) draw(); });

    await Promise.all(sides.map(async (side) => {
      side.sideHead.selectAll("*").remove();
      side.sideHead.append("span").attr("class", "side-name").text(`${side.model.name} · layer ${side.params.layer}`);
      side.sideHead.append("span").attr("class", "side-sub").text(`${modelShape(side.model)} · ${kindLabel(kind)}`);
      const q = side.sideHead.append("span").attr("class", "side-quality");
      setLoading(side.body, true, `co-clustering ${side.model.name} L${side.params.layer}…`);
      try {
        const data = await api.getCoclusters(side.model.name, side.params);
        if (my !== token) return;
        side.data = data;
        side.info = { k: data.k, suggested_k: data.suggested_k, k_range: data.k_range, mode: data.mode };
        q.text(`k = ${data.k} · ${formatQuality(data.quality)}`);
        api.completeStability(side.model.name, side.params, data)
          .catch(() => { data.quality.bootstrap_pending = false; })
          .then(() => { if (my === token) q.text(`k = ${data.k} · ${formatQuality(data.quality)}`); });
        if (side.host.select("svg.cluster-svg").empty()) {
          clear(side.host);
          side.host.node().appendChild(side.view.svg());
        }
        setLoading(side.body, false);
        draw(); // this side is ready: draw it without waiting for the other
      } catch (err) {
        if (my !== token) return;
        side.data = null;
        showError(side.host, err, "Could not compute the co-clusters");
      } finally {
        if (my === token) setLoading(side.body, false);
      }
    }));
    if (my !== token) return;
    controls(state, resolved, kinds);
    draw();
    await Promise.all([...wordPromises, ...units.map((u) => u.promise)]);
    if (my !== token) return;
    draw();
    renderDetails();
  }

  return viewHandle(root, update, {
    onResize: () => sides.forEach((s) => s.data && s.view.redraw(s.host.node().clientWidth)),
    onDestroy: () => { token += 1; similarity.destroy(); },
  });
}
