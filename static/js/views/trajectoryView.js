// The trajectories view: one layer's states projected to 2-D (or a pair of 3 axes), the corpus
// sample as a faint point cloud coloured by a choice of the user, and typed sentences as paths.

import * as api from "../api.js";
import { renderControls } from "./controls.js";
import { setLoading, showError, appendError, clear } from "./status.js";
import { exportButtons } from "./exporter.js";
import { findModel, validLayer, clusterParams, modelOption, layerOptions, viewHandle, viewFrame } from "./common.js";
import { trajectoryPlot, PATH_COLORS, CATEGORY_COLORS } from "../charts/index.js";
import { COLOUR_MODES, axisPair, axisPairs, colourModes, pointValues, qualityText, wordClusterIndex } from "../data/trajectory.js";
import { modelShape } from "../data/format.js";

const SAMPLE_CHOICES = Object.freeze([1000, 3000, 10000, 30000]);

/** Request parameters of the projection for one model, from the view state. */
export function projectionParams(model, state) {
  return {
    split: model.default_split ?? null,
    layer: validLayer(model, state.layer),
    state: model.kinds.includes("c") && state.state === "c" ? "c" : "h",
    method: state.method, dims: state.dims, sample: state.sample,
  };
}

export function createTrajectoryView(root, app) {
  const viewState = app.viewState;
  const specs = app.specs.trajectories;   // the server's declaration of each parameter
  const { group, canvas, head, titleRow, title } = viewFrame(root, "trajectories");
  const projControls = group("Projection");
  const cloudControls = group("Cloud");

  const actions = titleRow.append("div").attr("class", "actions");
  const quality = head.append("div").attr("class", "quality traj-quality");
  const form = canvas.append("form").attr("class", "sentence-input traj-input").attr("autocomplete", "off");
  const inputs = [
    form.append("input").attr("type", "text").attr("name", "text").attr("aria-label", "sentence").attr("placeholder", "Type a sentence…"),
    form.append("input").attr("type", "text").attr("name", "text2").attr("aria-label", "second sentence")
      .attr("placeholder", "…and another one to overlay (e.g. the same with one word changed)"),
  ];
  form.append("button").attr("type", "submit").attr("class", "button primary run").text("Draw");
  const legend = canvas.append("div").attr("class", "traj-legend");
  const body = canvas.append("div").attr("class", "canvas-body traj-host");
  const messages = canvas.append("div").attr("class", "traj-messages");
  const side = root.append("aside").attr("class", "details").append("div").attr("class", "panel-inner");
  side.append("h3").attr("class", "panel-title").text("How to read it");
  side.append("p").attr("class", "note").text(
    "Every dot is the state of one token of the evaluated split after reading it, projected onto the axes fitted on this sample. " +
    "A sentence is a path: the model reads it from the zero state and its state after each token is one point (the big dot is the first token). " +
    "Where a path turns, the state changes a lot; paths that end in the same region end in similar states.");
  side.append("p").attr("class", "note").text(
    "PCA keeps distances (the axes are the directions of largest variance); UMAP keeps neighbourhoods and bends distances; " +
    "the autoencoder is a small network with a 2- or 3-unit bottleneck, as in the source article. The line under the title says how much the picture keeps.");

  const plot = trajectoryPlot();
  const svg = body.append("svg");
  let token = 0;
  let drawn = null;   // {model, layer, method} of the picture, for file names

  form.on("submit", (event) => {
    event.preventDefault();
    const [a, b] = inputs.map((i) => i.property("value").trim() || null);
    viewState.set({ text: a, text2: b });
  });
  exportButtons(actions, { svg: () => (drawn ? svg.node() : null), toast: app.toast,
    stem: () => `rnnvis-trajectories-${drawn.model}-L${drawn.layer}-${drawn.state}-${drawn.method}` });

  function controls(state, model) {
    const units = model ? model.layers[validLayer(model, state.layer)] : 1;
    renderControls(projControls, [
      { key: "model", label: "Model", type: "select", options: () => app.models.map(modelOption) },
      { key: "layer", label: "Layer", type: "segmented", options: () => layerOptions(model), value: () => (model ? validLayer(model, state.layer) : 0) },
      { key: "state", label: "State", type: "segmented",
        options: () => (model?.kinds.includes("c") ? ["h", "c"] : ["h"]).map((k) => ({ value: k, label: k })),
        value: () => (model ? projectionParams(model, state).state : "h"), help: "the state's value (not its update)" },
      { key: "method", label: "Method", type: "segmented",
        options: () => specs.method.choices.map((m) => ({ value: m, label: m === "autoencoder" ? "AE" : m.toUpperCase(), title: specs.method.choice_help[m] })),
        extra: (el, s) => el.append("span").attr("class", "control-note").text(specs.method.choice_help[s.method]) },
      { key: "dims", label: "Axes", type: "segmented", help: specs.dims.help,
        options: () => Array.from({ length: specs.dims.max - specs.dims.min + 1 }, (_, i) => specs.dims.min + i)
          .map((d) => ({ value: d, label: `${d}` })) },
      { key: "axes", label: "Pair shown", type: "segmented", hidden: (s) => s.dims < 3,
        options: (s) => axisPairs(s.dims).map(([i, j], k) => ({ value: k, label: `${i + 1}–${j + 1}` })),
        value: (s) => (s.axes < axisPairs(s.dims).length ? s.axes : 0) },
      { key: "sample", label: "Sample", type: "select", help: specs.sample.help,
        options: (s) => [...new Set([...SAMPLE_CHOICES, s.sample])].filter((v) => v >= specs.sample.min && v <= specs.sample.max)
          .sort((a, b) => a - b).map((v) => ({ value: v, label: v.toLocaleString("en") })) },
    ], state, (key, value) => {
      const patch = { [key]: value };
      if (key === "model") { const m = findModel(app, value); patch.layer = m ? validLayer(m, state.layer) : 0; patch.colourUnit = null; patch.docs = 0; }
      if (key === "dims") patch.axes = 0;
      viewState.set(patch);
    });
    const modes = colourModes(model?.task);
    renderControls(cloudControls, [
      { key: "colour", label: "Colour by", type: "select",
        options: () => modes.map((m) => ({ value: m, label: COLOUR_MODES[m] })),
        value: (s) => (modes.includes(s.colour) ? s.colour : "cluster") },
      { key: "colourUnit", label: "Unit", type: "range", min: 0, max: Math.max(0, units - 1), step: 1,
        hidden: (s) => s.colour !== "unit", value: (s) => Math.min(s.colourUnit ?? 0, units - 1),
        format: (v) => `unit ${v}` },
      { key: "docs", label: "Class paths", type: "segmented", hidden: () => model?.task !== "classification",
        help: specs.docs.help,
        options: () => [0, 1, 3, 5].filter((v) => v <= specs.docs.max).map((v) => ({ value: v, label: v ? `${v} per class` : "none" })) },
    ], state, (key, value) => viewState.set({ [key]: value }));
  }

  function renderLegend(spec, paths, classes) {
    legend.selectAll("*").remove();
    if (spec.kind === "category") {
      const labels = spec.labels.length ? spec.labels : [];
      labels.slice(0, CATEGORY_COLORS.length).forEach((label, i) => {
        const item = legend.append("span").attr("class", "legend-item");
        item.append("span").attr("class", "dot").style("background", CATEGORY_COLORS[i]);
        item.append("span").text(label);
      });
      if (spec.values.some((v) => v === null)) legend.append("span").attr("class", "legend-item muted").text("grey: words in no cluster");
    } else if (spec.kind === "number") {
      legend.append("span").attr("class", "legend-item").html("<span class=\"ramp\"></span> low → high (2–98% of the sample)");
    }
    for (const p of paths.filter((x) => x.legend)) {
      const item = legend.append("span").attr("class", "legend-item path-key");
      item.append("span").attr("class", "line").style("background", p.color);
      item.append("span").text(p.legend);
    }
    if (classes) legend.append("span").attr("class", "legend-item muted").text("thin paths: documents of each class, coloured by class");
  }

  async function update(state) {
    const my = ++token;
    const model = findModel(app, state.model);
    controls(state, model);
    if (!model) { showError(messages, new Error(`unknown model ${JSON.stringify(state.model)}`), "No such model"); return; }
    const params = projectionParams(model, state);
    const axes = axisPair(params.dims, state.axes);
    const mode = colourModes(model.task).includes(state.colour) ? state.colour : "cluster";
    const units = model.layers[params.layer];
    const unit = mode === "unit" ? Math.min(state.colourUnit ?? 0, units - 1) : null;
    const docs = model.task === "classification" ? state.docs : 0;
    title.text(`${model.name} — layer ${params.layer}, ${params.state}: trajectories`).attr("title", modelShape(model));
    inputs.forEach((input, i) => {
      if (document.activeElement !== input.node()) input.property("value", [state.text, state.text2][i] ?? "");
    });
    clear(messages);
    setLoading(body, true, `fitting ${params.method} on ${params.sample.toLocaleString("en")} states…`);
    let cloud;
    let clusters = null;
    try {
      [cloud, clusters] = await Promise.all([
        api.getTrajectories(model.name, { ...params, unit, docs }),
        mode === "cluster" ? api.getCoclusters(model.name, clusterParams(model, { ...state, state: params.state }, params.layer))
          .catch((err) => { appendError(messages, err, "no co-clusters to colour by"); return null; }) : null,
      ]);
    } catch (err) {
      if (my !== token) return;
      setLoading(body, false);
      quality.text("");
      svg.selectAll("*").remove();
      drawn = null;
      showError(messages, err, "Could not project the states");
      return;
    }
    if (my !== token) return;
    quality.text(`${params.method.toUpperCase()} fitted on ${cloud.sample.toLocaleString("en")} of ${cloud.tokens.toLocaleString("en")} positions · ${qualityText(params.method, cloud.quality)}`);

    // the sentences: typed ones, or the first sentence of the corpus
    let texts = [state.text, state.text2].filter(Boolean);
    if (!texts.length) {
      const { sentences } = await api.getSentences(model.name, { split: params.split, n: 1 }).catch(() => ({ sentences: [] }));
      texts = sentences.slice(0, 1);
    }
    const projected = await Promise.all(texts.map((t) => api.projectText(model.name, t, params).then(
      (r) => ({ text: t, r }), (err) => ({ text: t, err }))));
    if (my !== token) return;
    setLoading(body, false);
    const paths = [];
    projected.forEach(({ text, r, err }, i) => {
      if (err) { appendError(messages, err, `could not project “${text.slice(0, 60)}”`); return; }
      const oov = r.oov.filter(Boolean).length;
      paths.push({ id: `text-${i}`, label: text, coords: r.coords, words: r.tokens, color: PATH_COLORS[i % PATH_COLORS.length],
        legend: `“${text.length > 48 ? text.slice(0, 45) + "…" : text}”${oov ? ` (${oov} OOV)` : ""}${r.class_probs ? ` → ${r.classes[r.class_probs.indexOf(Math.max(...r.class_probs))]}` : ""}` });
    });
    (cloud.class_paths ?? []).forEach((p, k) => paths.unshift({ id: `doc-${p.doc}`, label: `document ${p.doc} (${cloud.classes[p.cls]})`,
      coords: p.coords, words: p.words, color: CATEGORY_COLORS[p.cls % CATEGORY_COLORS.length], width: 1, labels: false }));
    const spec = pointValues(cloud.points, mode, { clusters: clusters ? wordClusterIndex(clusters) : null, classes: cloud.classes });
    const axisLabels = axes.map((a) => (params.method === "pca" ? `PC${a + 1} (${(100 * cloud.quality.explained_variance[a]).toFixed(1)}%)` : `axis ${a + 1}`));
    plot.width(Math.max(420, Math.min(1100, body.node().clientWidth))).height(560).axes(axes).axisLabels(axisLabels)
      .cloud({ ...cloud.points, colour: spec }).paths(paths);
    svg.call(plot);
    drawn = { model: model.name, layer: params.layer, state: params.state, method: params.method };
    renderLegend(spec, paths, (cloud.class_paths ?? []).length > 0);
  }

  return viewHandle(root, update, {
    onResize: () => { if (drawn) svg.call(plot.width(Math.max(420, Math.min(1100, body.node().clientWidth)))); },
    onDestroy: () => { token += 1; },
  });
}
