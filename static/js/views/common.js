// Helpers shared by the views: resolving the state against the models, control specs, legends,
// and the view lifecycle.

import { clamp } from "../data/options.js";
import { formatNumber } from "../data/scales.js";
import { modelShape, headlineMetric, kindLabel, formatQuality, qualityVerdict, modelSource } from "../data/format.js";
import { divergingLegend } from "../charts/index.js";

export const TOP_K_CHOICES = Object.freeze([50, 100, 200, 300, 500, 1000]);

/** The model summary named in the state, if the server has it. */
export function findModel(app, name) {
  return app.models.find((m) => m.name === name) ?? null;
}

/** The first model that can be shown (evaluated), else the first one. */
export function defaultModel(models) {
  return models.find((m) => m.status === "evaluated") ?? models[0] ?? null;
}

/** Layer within the model's layers. */
export function validLayer(model, layer) {
  return clamp(layer ?? 0, 0, Math.max(0, (model.layers ?? [1]).length - 1));
}

/** The state kind if the model has it, else h. */
export function validKind(model, kind) {
  return (model.kinds ?? ["h"]).includes(kind) ? kind : "h";
}

/** Request parameters of the co-cluster view for one model/layer. */
export function clusterParams(model, state, layer = state.layer) {
  return {
    layer: validLayer(model, layer),
    state: validKind(model, state.state),
    k: state.k,
    topK: state.topK,
    mode: state.mode,
    split: model.default_split ?? null,
  };
}

export function modelOption(m) {
  const metric = headlineMetric(m);
  const status = m.status === "evaluated" ? "" : ` — ${m.status}`;
  const source = m.origin ? ` · ${m.states_only ? "states" : m.origin.format}` : "";
  return { value: m.name, label: `${m.name} (${modelShape(m)})${source}${status}`,
    title: [m.description, modelSource(m), metric].filter(Boolean).join(" · ") || m.name };
}

export function layerOptions(model) {
  return (model?.layers ?? [1]).map((units, i) => ({ value: i, label: `L${i}`, title: `layer ${i}: ${units} units` }));
}

export function kindOptions(kinds) {
  return kinds.map((k) => ({ value: k, label: kindLabel(k) }));
}

/** Specs of the co-clustering controls; `info` = the last answer's {k, suggested_k, k_range}. */
export function clusterSpecs(app, { kinds, info, modelKey = "model", layerKey = "layer", withModel = true, withLayer = true }) {
  const specs = [];
  const server = app.specs.coclusters;  // the server's declaration of each parameter
  const kRange = [server.k.min, server.k.max];
  if (withModel) {
    specs.push({ key: modelKey, label: "Model", type: "select", options: () => app.models.map(modelOption) });
  }
  if (withLayer) {
    specs.push({ key: layerKey, label: "Layer", type: "segmented",
      options: (s) => layerOptions(findModel(app, s[modelKey])),
      value: (s) => { const m = findModel(app, s[modelKey]); return m ? validLayer(m, s[layerKey]) : 0; } });
  }
  specs.push(
    { key: "state", label: "State", type: "select", options: () => kindOptions(kinds),
      value: (s) => (kinds.includes(s.state) ? s.state : "h"),
      help: "h and c: the update h(t) − h(t−1); gates: their value" },
    { key: "k", label: "Clusters", type: "range", min: kRange[0], max: kRange[1], step: 1,
      bounds: () => info().k_range ?? kRange,
      help: server.k.help,
      value: (s) => s.k ?? info().k ?? info().suggested_k ?? 10,
      format: (v, s) => (s && s.k === null ? `${info().autoLabel ?? v} (suggested)` : `${v}`),
      extra: (el, s) => {
        const i = info();
        if (!Number.isFinite(i.suggested_k)) return;
        el.append("span").attr("class", "suggested").text(i.suggestedText ?? `suggested k = ${i.suggested_k}`);
        if (s.k !== null && (s.k !== i.suggested_k || i.suggestedText)) {
          el.append("button").attr("type", "button").attr("class", "link-button use-suggested")
            .text("use it").on("click", () => app.viewState.set({ k: null }));
        }
      } },
    { key: "topK", label: "Words (top-K)", type: "select", help: server.top_k.help,
      options: (s) => [...new Set([...TOP_K_CHOICES, s.topK])]
        .filter((v) => v >= server.top_k.min && v <= server.top_k.max)
        .sort((a, b) => a - b).map((v) => ({ value: v, label: String(v) })) },
    { key: "mode", label: "Mode", type: "segmented", help: server.mode.help,
      // no mode in the URL: the server's default for the model (its answer says which)
      value: (s) => s.mode ?? info().mode ?? null,
      options: () => server.mode.choices.map((m) => ({ value: m, label: m === "positive" ? "pos" : m === "negative" ? "neg" : m, title: server.mode.choice_help[m] })),
      extra: (el, s) => el.append("span").attr("class", "control-note").text(server.mode.choice_help[s.mode ?? info().mode] ?? "") },
  );
  return specs;
}

/** Specs of the display controls (no server work). */
export function displaySpecs() {
  return [
    { key: "threshold", label: "Link filter", type: "range", min: 0, max: 1, step: 0.05,
      format: (v) => (v === 0 ? "all links" : `≥ ${Math.round(v * 100)}% of strongest`) },
    { key: "widthScale", label: "Link width", type: "range", min: 0.25, max: 3, step: 0.25, format: (v) => `${v}×` },
    { key: "clip", label: "Colour clip", type: "range", min: 0.05, max: 1, step: 0.05,
      format: (v) => `${Math.round(v * 100)}% of max |s|`,
      help: "responses beyond this get the end colour" },
  ];
}

/** The quality line of a co-cluster answer, with a reading of the numbers. */
export function renderQuality(el, data) {
  el.selectAll("*").remove();
  const text = formatQuality(data.quality);
  const v = qualityVerdict(data.quality);
  el.append("span").attr("class", "quality-text").text(text || "no quality figures");
  if (v.structure !== "unknown") {
    const label = { clear: "blocks beyond chance", weak: "weak blocks", none: "no more structure than chance" }[v.structure];
    const n = data.quality.null;
    el.append("span").attr("class", `badge badge-${v.structure === "clear" ? "good" : v.structure === "weak" ? "warn" : "bad"}`)
      .attr("title", `within/between ratio ${formatNumber(n.observed)} against ${formatNumber(n.null_mean)} ± ${formatNumber(n.null_sd)} ` +
        `on ${n.draws} copies of the matrix with each word's responses shuffled across the units (z = ${formatNumber(n.z)}): ` +
        "clear at z ≥ 6, weak at z ≥ 3")
      .text(label);
  }
  if (v.stable !== null) {
    el.append("span").attr("class", `badge badge-${v.stable ? "good" : "warn"}`)
      .attr("title", "agreement (adjusted Rand index) with other k-means restarts; below ~0.8 the partition depends on chance")
      .text(v.stable ? "stable" : "seed-dependent");
  }
  if (v.resampled !== null) {
    el.append("span").attr("class", `badge badge-${v.resampled ? "good" : "warn"}`)
      .attr("title", "agreement with clusterings of resampled responses; low = the clusters may be in the sample, not in the data")
      .text(v.resampled ? "holds under resampling" : "sample-dependent");
  }
  const dropped = data.dropped ?? {};
  const nw = (dropped.words ?? []).length;
  const nu = (dropped.units ?? []).length;
  if (nw || nu) {
    el.append("span").attr("class", "muted")
      .attr("title", "rows or columns with no response after the mode transform are left out")
      .text(`dropped: ${nw} word${nw === 1 ? "" : "s"}, ${nu} unit${nu === 1 ? "" : "s"}`);
  }
}

/** Legend of unit colours (when words are picked) and of link colours. */
export function renderLegend(el, words, limit) {
  el.selectAll("*").remove();
  const links = el.append("div").attr("class", "legend-links");
  links.append("span").attr("class", "key-line positive");
  links.append("span").text("pushed up");
  links.append("span").attr("class", "key-line negative");
  links.append("span").text("pushed down · width = mean |response|");
  if (!words.length) return;
  const row = el.append("div").attr("class", "legend-words");
  row.append("svg").call(divergingLegend().limit(limit).width(200).title("unit colour = response to"));
  const names = row.append("div").attr("class", "legend-names");
  words.forEach((w, i) => {
    names.append("span").attr("class", "swatch").text(i + 1);
    names.append("span").attr("class", "legend-word").text(w.word);
  });
  if (words.length > 1) names.append("span").attr("class", "muted").text("(squares split left → right)");
}

/** `fn` called once calls have paused for `ms` milliseconds. */
export function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/**
 * The frame every chart view shares: `root` becomes `view view-NAME` with a left sidebar and a
 * canvas whose header starts with the title row. `group(text)` adds a titled group of controls
 * to the sidebar and returns it.
 */
export function viewFrame(root, name) {
  root.attr("class", `view view-${name}`);
  const sidebar = root.append("aside").attr("class", "sidebar").append("div").attr("class", "panel-inner");
  const canvas = root.append("section").attr("class", "canvas");
  const head = canvas.append("header").attr("class", "canvas-head");
  const titleRow = head.append("div").attr("class", "title-row");
  const title = titleRow.append("h1").attr("class", "view-title");
  const group = (text) => {
    sidebar.append("h2").attr("class", "sidebar-title").text(text);
    return sidebar.append("div").attr("class", "controls");
  };
  return { sidebar, group, canvas, head, titleRow, title };
}

/**
 * The `{update, destroy}` handle of a view that redraws on window resize (debounced by `wait`
 * ms): `destroy` runs `onDestroy` (e.g. to drop answers still in flight), stops listening and
 * empties `root`.
 */
export function viewHandle(root, update, { onResize, wait = 150, onDestroy = () => {} }) {
  const resize = debounce(onResize, wait);
  window.addEventListener("resize", resize);
  return {
    update,
    destroy() {
      onDestroy();
      window.removeEventListener("resize", resize);
      root.selectAll("*").remove();
    },
  };
}
