// Shaping for the trajectories view (pure): axes, extents, point colours, quality text.

import { formatNumber } from "./scales.js";

/** Ways to colour the point cloud; which apply depends on the model's task. */
export const COLOUR_MODES = Object.freeze({
  cluster: "word cluster (current co-clusters)",
  class: "class of the document",
  loss: "next-token loss",
  unit: "value of a unit",
});

/** The colour modes that apply to a task: classifiers have classes, language models a loss. */
export function colourModes(task) {
  return Object.keys(COLOUR_MODES).filter((m) => (task === "classification" ? m !== "loss" : m !== "class"));
}

/** The pairs of axes (component indices) a view of `dims` axes can show: [[0, 1]] or three pairs. */
export function axisPairs(dims) {
  const out = [];
  for (let i = 0; i < dims; i++) for (let j = i + 1; j < dims; j++) out.push([i, j]);
  return out;
}

/** The axis pair `index` of `axisPairs(dims)`, the first one when it is out of range. */
export function axisPair(dims, index) {
  const pairs = axisPairs(dims);
  return pairs[Number.isInteger(index) && index >= 0 && index < pairs.length ? index : 0];
}

/**
 * [[x0, x1], [y0, y1]] covering every point of every list of coordinates on axes [i, j], padded
 * by `pad` of the span on each side; a zero span becomes ±1 around the value.
 */
export function extent(coordLists, [i, j], pad = 0.05) {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (const coords of coordLists) {
    for (const c of coords) {
      [c[i], c[j]].forEach((v, k) => {
        if (Number.isFinite(v)) { lo[k] = Math.min(lo[k], v); hi[k] = Math.max(hi[k], v); }
      });
    }
  }
  return [0, 1].map((k) => {
    if (!Number.isFinite(lo[k])) return [-1, 1];
    const span = hi[k] - lo[k];
    if (span === 0) return [lo[k] - 1, hi[k] + 1];
    return [lo[k] - pad * span, hi[k] + pad * span];
  });
}

/** word -> index of its word cluster in a co-cluster answer (words in no cluster are absent). */
export function wordClusterIndex(coclusters) {
  const out = new Map();
  (coclusters?.word_clusters ?? []).forEach((cluster, i) => cluster.forEach((w) => out.set(w.word, i)));
  return out;
}

/**
 * What colours each point: {kind: "category", values: [index | null], labels} or {kind: "number",
 * values: [number | null]}, for colour mode `mode` ("cluster" needs `clusters`, a word -> index Map).
 */
export function pointValues(points, mode, { clusters = null, classes = null } = {}) {
  const n = points.words.length;
  if (mode === "cluster") {
    const k = clusters ? Math.max(-1, ...clusters.values()) + 1 : 0;
    return { kind: "category", values: points.words.map((w) => (clusters?.has(w) ? clusters.get(w) : null)),
      labels: Array.from({ length: k }, (_, i) => `cluster ${i + 1}`) };
  }
  if (mode === "class" && points.cls) {
    return { kind: "category", values: points.cls, labels: classes ?? [] };
  }
  if (mode === "loss" && points.loss) return { kind: "number", values: points.loss };
  if (mode === "unit" && points.values) return { kind: "number", values: points.values };
  return { kind: "none", values: new Array(n).fill(null) };
}

/** "62.3% of the variance (41.0% + 21.3%)", "reconstruction error 0.012 (18% of the variance)"… */
export function qualityText(method, q) {
  if (!q) return "";
  if (Array.isArray(q.explained_variance)) {
    const pct = (v) => `${(100 * v).toFixed(1)}%`;
    return `${pct(q.total)} of the variance on these axes (${q.explained_variance.map(pct).join(" + ")})`;
  }
  if (Number.isFinite(q.reconstruction_error)) {
    return `reconstruction error ${formatNumber(q.reconstruction_error)} (${(100 * q.relative_error).toFixed(1)}% of the variance lost)`;
  }
  if (Number.isFinite(q.trustworthiness)) {
    return `trustworthiness ${q.trustworthiness.toFixed(2)} (1 = every neighbour in the picture is one in the states)`;
  }
  return "";
}

/** A path's points with their token: [{x, y, word, index}] on axes [i, j]. */
export function pathPoints(coords, words, [i, j]) {
  return coords.map((c, index) => ({ x: c[i], y: c[j], word: words[index], index }));
}
