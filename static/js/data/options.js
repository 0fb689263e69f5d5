// Small helpers for options and selections (pure, no DOM).

/**
 * Options over defaults: a key of `defaults` takes the value from `options` unless that value is
 * undefined, so 0, false, "" and null survive (unlike `a || b`). Unknown keys are an error, so a
 * typo does not pass silently.
 */
export function mergeOptions(defaults, options = {}) {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(options ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) {
      throw new Error(`unknown option ${JSON.stringify(key)}; allowed: ${Object.keys(defaults).join(", ")}`);
    }
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** x limited to [lo, hi]. */
export function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Toggle `item` in `list` (compared with `key`): remove it if present, otherwise append it and drop
 * the oldest entries so at most `max` remain. Returns a new array.
 */
export function toggleLimited(list, item, max, key = (d) => d) {
  const k = key(item);
  if (list.some((d) => key(d) === k)) return list.filter((d) => key(d) !== k);
  const next = [...list, item];
  return next.slice(Math.max(0, next.length - max));
}

/** A getter/setter pair for reusable charts: `chart.size = accessor(chart, state, "size")`. */
export function accessor(chart, state, name) {
  return function (_) {
    if (!arguments.length) return state[name];
    state[name] = _;
    return chart;
  };
}
