// Shaping of word and unit statistics for the detail charts (pure).

const BANDS = ["9", "25", "50", "75", "91"];

/**
 * A word's response across units, sorted by mean (ascending): [{rank, unit, mean, p9, p25, p50,
 * p75, p91, value}] where `value` is the optional occurrence vector (e.g. one token's response).
 * Missing percentiles (an evaluation kept without per-token states) are null.
 */
export function wordProfile(stats, occurrence = null) {
  const pct = stats.percentiles ?? {};
  const rows = stats.mean.map((mean, unit) => {
    const row = { unit, mean };
    for (const b of BANDS) row["p" + b] = pct[b] ? pct[b][unit] : null;
    row.value = occurrence ? occurrence[unit] : null;
    return row;
  });
  rows.sort((a, b) => a.mean - b.mean || a.unit - b.unit);
  rows.forEach((r, i) => { r.rank = i; });
  return rows;
}

/** [min, max] over every finite field of profile rows (includes 0). */
export function profileExtent(rows, fields = ["mean", "p9", "p91", "value"]) {
  let lo = 0, hi = 0;
  for (const r of rows) {
    for (const f of fields) {
      const v = r[f];
      if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
  }
  return [lo, hi];
}

/**
 * Rows for a unit's box plots: the strongest positive words then the strongest negative ones,
 * [{group: "positive"|"negative", word, mean, std, count, p9..p91}] (box fields null if absent),
 * and the extent over all of them.
 */
export function unitBoxes(stats) {
  const rows = [];
  for (const group of ["positive", "negative"]) {
    for (const r of stats[group] ?? []) {
      const box = r.box ?? {};
      rows.push({ group, word: r.word, mean: r.mean, std: r.std, count: r.count,
        p9: box.p9 ?? null, p25: box.p25 ?? null, p50: box.p50 ?? null, p75: box.p75 ?? null, p91: box.p91 ?? null });
    }
  }
  return { rows, extent: profileExtent(rows, ["mean", "p9", "p91"]) };
}
