// Shaping for the Units view (pure, no DOM): ranked rows, heatmap cells, histograms, phrases.

import { clipLimit, divergingColor, formatNumber } from "./scales.js";

/** The most units selected at once in the Units view (the URL keeps them). */
export const MAX_FOCUS = 4;

/** A phrase "start:length" from the URL, or null. */
export function parsePhrase(text) {
  const m = /^(\d+):(\d+)$/.exec(text ?? "");
  if (!m) return null;
  const length = Number(m[2]);
  return length >= 1 ? { start: Number(m[1]), length } : null;
}

export const formatPhrase = (p) => `${p.start}:${p.length}`;

/** The phrase between two clicked positions (in either order), at most `max` tokens long. */
export function phraseBetween(a, b, max = 50) {
  const start = Math.min(a, b);
  return { start, length: Math.min(max, Math.abs(a - b) + 1) };
}

/**
 * Rows of the ranked list: {rank, unit, score, main, detail, histA, histB} with `main` the
 * headline number (AUC, Hellinger or r) and `detail` a short explanation.
 */
export function rankingRows(answer) {
  return (answer.units ?? []).map((u, i) => {
    if (answer.score === "correlation") {
      return { rank: i + 1, unit: u.unit, score: u.score, main: `r ${formatNumber(u.r, 3)}`,
        detail: u.r >= 0 ? "rises with the target" : "falls as the target rises", histA: null, histB: null };
    }
    const higher = u.mean_a >= u.mean_b ? "a" : "b";
    return {
      rank: i + 1, unit: u.unit, score: u.score,
      main: answer.score === "auc" ? `AUC ${formatNumber(u.auc, 3)}` : `H ${formatNumber(u.hellinger, 3)}`,
      detail: `${answer.score === "auc" ? `H ${formatNumber(u.hellinger, 2)}` : `AUC ${formatNumber(u.auc, 2)}`} · higher on ${higher === "a" ? answer.label_a : answer.label_b}`,
      histA: u.hist_a, histB: u.hist_b, range: u.range,
    };
  });
}

/**
 * Heatmap cells of a passage: one per token, with the value of `unitColumn` (index into each
 * row of `values`, or the value itself when rows are numbers), its colour on a diverging scale
 * clipped at `limit`, and whether it is the focus token or a reset.
 */
export function heatCells(tokens, values, { unitColumn = 0, limit = null, focus = null, resets = [] } = {}) {
  const vals = values.map((row) => (Array.isArray(row) ? row[unitColumn] : row));
  const lim = limit ?? clipLimit(vals, 1);
  const reset = new Set(resets);
  return tokens.map((token, i) => ({
    index: i, token, value: vals[i], color: divergingColor(vals[i], lim),
    focus: i === focus, reset: reset.has(i) && i > 0,
  }));
}

/** The largest |value| over several passages (a shared colour limit). */
export function sharedLimit(passages, unitColumn = 0) {
  const all = [];
  for (const p of passages) for (const row of p.values) all.push(Array.isArray(row) ? row[unitColumn] : row);
  return clipLimit(all, 1);
}

/**
 * Bars of a histogram with `counts` over [lo, hi]: [{x0, x1, count, share}], share = count / total.
 */
export function histogramBars(counts, [lo, hi]) {
  const total = counts.reduce((s, c) => s + c, 0) || 1;
  const width = (hi - lo) / (counts.length || 1);
  return counts.map((count, i) => ({ x0: lo + i * width, x1: lo + (i + 1) * width, count, share: count / total }));
}

/** Toggle `unit` in the focus list: a plain click focuses it alone, an additive click adds or
 * removes it (at most MAX_FOCUS kept, newest last). */
export function toggleFocus(list, unit, additive) {
  if (!additive) return list.length === 1 && list[0] === unit ? [] : [unit];
  if (list.includes(unit)) return list.filter((u) => u !== unit);
  return [...list, unit].slice(-MAX_FOCUS);
}

/** Points of the gate-saturation scatter: [{unit, gate, low, high}] for every gate. */
export function saturationPoints(answer) {
  const out = [];
  for (const [gate, { low, high }] of Object.entries(answer.gates ?? {})) {
    low.forEach((l, unit) => out.push({ unit, gate, low: l, high: high[unit] }));
  }
  return out;
}
