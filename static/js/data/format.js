// Text for labels: quality, metrics, model summaries (pure).

import { formatNumber } from "./scales.js";

/** "within/between 2.3× (1.8× chance), seed ARI 0.91, bootstrap ARI 0.85" (parts with no value are left out;
 * a bootstrap ARI still being computed reads "bootstrap ARI computing…"). */
export function formatQuality(q) {
  if (!q) return "";
  const parts = [];
  if (Number.isFinite(q.within_between)) {
    const beyond = q.null?.beyond_chance;
    parts.push(`within/between ${q.within_between.toFixed(1)}×` +
      (Number.isFinite(beyond) ? ` (${beyond.toFixed(1)}× chance)` : ""));
  }
  if (Number.isFinite(q.seed_ari)) parts.push(`seed ARI ${q.seed_ari.toFixed(2)}`);
  if (Number.isFinite(q.bootstrap_ari)) parts.push(`bootstrap ARI ${q.bootstrap_ari.toFixed(2)}`);
  else if (q.bootstrap_pending) parts.push("bootstrap ARI computing…");
  return parts.join(", ");
}

/** How to read the quality numbers: "clear" / "weak" / "none" structure, and stable or not. */
export function qualityVerdict(q) {
  const stable = Number.isFinite(q?.seed_ari) ? q.seed_ari >= 0.8 : null;
  const resampled = Number.isFinite(q?.bootstrap_ari) ? q.bootstrap_ari >= 0.6 : null;
  // the server compares the ratio with row-shuffled matrices (a permutation null)
  const structure = q?.null?.structure ?? "unknown";
  return { structure, stable, resampled, beyond: q?.null?.beyond_chance ?? null, z: q?.null?.z ?? null };
}

/** The headline metric of a model: "ppl 172.9" (language model) or "acc 88.6%" (classifier). */
export function headlineMetric(model) {
  const m = model.metrics ?? {};
  for (const split of ["test", "valid"]) {
    if (Number.isFinite(m[`${split}_perplexity`])) return `${split} ppl ${m[`${split}_perplexity`].toFixed(1)}`;
    if (Number.isFinite(m[`${split}_accuracy`])) return `${split} acc ${(100 * m[`${split}_accuracy`]).toFixed(1)}%`;
  }
  return "";
}

/** "LSTM 2×128" or "GRU 48+32". */
export function modelShape(model) {
  const layers = model.layers ?? [];
  const cell = (model.cell || "?").toUpperCase();
  if (!layers.length) return cell;
  return new Set(layers).size === 1 ? `${cell} ${layers.length}×${layers[0]}` : `${cell} ${layers.join("+")}`;
}

const FORMAT_NAMES = Object.freeze({ keras: "Keras", onnx: "ONNX", safetensors: "safetensors", lstmvis: "LSTMVis" });

/** Where a model came from: "" (trained here), "imported from ONNX (lm.onnx)",
 * or "states only, imported from LSTMVis (proj)". */
export function modelSource(model) {
  const origin = model?.origin;
  if (!origin) return "";
  const file = String(origin.file ?? "").split(/[\\/]/).filter(Boolean).pop() ?? "";
  const what = `imported from ${FORMAT_NAMES[origin.format] ?? origin.format}${file ? ` (${file})` : ""}`;
  return model.states_only ? `states only, ${what}` : what;
}

/** The footer's label: "rnnvis 0.6.0", or "rnnvis" when the server did not say its version. */
export function versionLabel(version) {
  return typeof version === "string" && version ? `rnnvis ${version}` : "rnnvis";
}

/** Whether typed text can be run through the model, and why not: {available, reason}. */
export function sentenceSupport(model) {
  const s = model?.sentence_evaluation;
  return s && s.available === false ? { available: false, reason: s.reason ?? "not available for this model" }
    : { available: true, reason: null };
}

/** Display name of a state kind. */
export const KIND_LABELS = Object.freeze({
  h: "h (hidden update)", c: "c (cell update)", i: "i (input gate)", f: "f (forget gate)",
  o: "o (output gate)", g: "g (candidate)", z: "z (update gate)", r: "r (reset gate)", hh: "h̃ (candidate)",
});

/** The label of a state kind; `values: true` names the state itself rather than its update
 * (the Units view shows values, the co-cluster views updates). */
export function kindLabel(kind, { values = false } = {}) {
  if (values && (kind === "h" || kind === "c")) return kind === "h" ? "h (hidden state)" : "c (cell state)";
  return KIND_LABELS[kind] ?? kind;
}

export { formatNumber };
