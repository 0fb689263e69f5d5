// Scales and colours as plain functions (no D3), so they can be unit-tested in node.

import { clamp } from "./options.js";

/** Colours of the diverging scale: negative, neutral, positive (blue - grey white - red). */
export const DIVERGING = Object.freeze({ negative: "#2166ac", neutral: "#f4f4f2", positive: "#b2182b" });

/** Link colours by sign of the mean response. */
export const SIGN_COLORS = Object.freeze({ positive: "#d6604d", negative: "#4393c3" });

/** A linear map from [d0, d1] to [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linear([d0, d1], [r0, r1]) {
  const span = d1 - d0;
  const f = (x) => (span === 0 ? (r0 + r1) / 2 : r0 + ((x - d0) / span) * (r1 - r0));
  f.domain = () => [d0, d1];
  f.range = () => [r0, r1];
  return f;
}

/** The p-quantile (0..1) of numbers, by linear interpolation (like numpy's default); NaN if none. */
export function quantile(values, p) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const pos = clamp(p, 0, 1) * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/**
 * The colour limit of a diverging scale: `clip` times the largest |value| (clip in (0, 1]; values
 * beyond the limit get the end colour). Never 0, so a scale can always be built.
 */
export function clipLimit(values, clip = 1) {
  let max = 0;
  for (const v of values) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  const limit = max * clamp(clip, 0.01, 1);
  return limit > 0 ? limit : 1;
}

function hexToRgb(hex) {
  const h = hex.replace("#", "");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

function rgbToHex(rgb) {
  return "#" + rgb.map((c) => Math.round(clamp(c, 0, 255)).toString(16).padStart(2, "0")).join("");
}

/** Colour between hex colours a (t = 0) and b (t = 1). */
export function mixColor(a, b, t) {
  const ca = hexToRgb(a);
  const cb = hexToRgb(b);
  const u = clamp(t, 0, 1);
  return rgbToHex(ca.map((c, i) => c + (cb[i] - c) * u));
}

/**
 * Diverging colour of `value` with the colour limit `limit`: neutral at 0, the negative/positive end
 * colour at -limit/+limit and beyond. Non-finite values get the neutral colour.
 */
export function divergingColor(value, limit, colors = DIVERGING) {
  if (!Number.isFinite(value) || !(limit > 0)) return colors.neutral;
  const t = clamp(value / limit, -1, 1);
  return t >= 0 ? mixColor(colors.neutral, colors.positive, t) : mixColor(colors.neutral, colors.negative, -t);
}

/** Ticks for a symmetric legend: -limit, -limit/2, 0, limit/2, limit. */
export function symmetricTicks(limit) {
  return [-limit, -limit / 2, 0, limit / 2, limit];
}

/** Short number format: 3 significant digits, no trailing zeros, "−" for minus. */
export function formatNumber(x, digits = 3) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  if (x === 0) return "0";
  const s = Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(digits - 1) : x.toPrecision(digits);
  const clean = s.includes("e") ? s.replace(/\.?0+e/, "e") : s.includes(".") ? s.replace(/\.?0+$/, "") : s;
  return clean.replace(/^-/, "−");
}
