// Values of the sentence view's token glyphs (pure).

/** Whether a state kind's response is its update (h, c) rather than its value (gates). */
export function isUpdateKind(kind) {
  return kind === "h" || kind === "c";
}

/**
 * Per-token states and changes of one layer's `kind` from the evaluate answer: the states are
 * `layer[kind]` (tokens x units); the changes are `layer["d" + kind]` when the server sends them,
 * otherwise the difference from the previous token. At the first token, h and c change from the
 * zero initial state; a gate has no previous value, so its first change is 0.
 */
export function statesAndChanges(layer, kind) {
  const states = layer[kind];
  if (!states) throw new Error(`the sentence has no state ${JSON.stringify(kind)}; have ${Object.keys(layer).join(", ")}`);
  const given = layer["d" + kind];
  const first = isUpdateKind(kind) ? (v) => v : () => 0;
  const changes = given || states.map((row, t) => row.map((v, i) => (t ? v - states[t - 1][i] : first(v))));
  return { states, changes };
}

/**
 * Glyph values: for each token and each unit cluster, `pos` = mean over the cluster's units of
 * max(state, 0), `neg` = mean of min(state, 0) (<= 0), `delta` = mean change (signed), and
 * `dpos` / `dneg` the mean positive and negative parts of the change. Also `max`, the largest
 * |pos|, |neg| and |delta|, for a shared scale. Null values (NaN in JSON) count as 0.
 */
export function glyphValues(layer, kind, unitClusters) {
  const { states, changes } = statesAndChanges(layer, kind);
  const val = (x) => (Number.isFinite(x) ? x : 0);
  let maxState = 0;
  let maxDelta = 0;
  const values = states.map((row, t) =>
    unitClusters.map((units, c) => {
      let pos = 0, neg = 0, delta = 0, dpos = 0, dneg = 0;
      for (const u of units) {
        const v = val(row[u]);
        const d = val(changes[t][u]);
        if (v > 0) pos += v; else neg += v;
        if (d > 0) dpos += d; else dneg += d;
        delta += d;
      }
      const n = Math.max(1, units.length);
      const g = { cluster: c, pos: pos / n, neg: neg / n, delta: delta / n, dpos: dpos / n, dneg: dneg / n };
      maxState = Math.max(maxState, g.pos, -g.neg);
      maxDelta = Math.max(maxDelta, Math.abs(g.delta), g.dpos, -g.dneg);
      return g;
    }));
  return { values, max: { state: maxState || 1, delta: maxDelta || 1 } };
}

/** One token's response vector: its change for h and c, its value for gates. */
export function tokenResponse(layer, kind, t) {
  const { states, changes } = statesAndChanges(layer, kind);
  return (isUpdateKind(kind) ? changes : states)[t];
}

/**
 * Lines of tokens for a wrapped strip: token i is `widths[i]` wide; a line holds at most
 * `maxWidth` (at least one token). Returns [[token indices]].
 */
export function wrapTokens(widths, maxWidth, gap = 4) {
  const lines = [];
  let line = [];
  let used = 0;
  widths.forEach((w, i) => {
    if (line.length && used + gap + w > maxWidth) {
      lines.push(line);
      line = [];
      used = 0;
    }
    used += (line.length ? gap : 0) + w;
    line.push(i);
  });
  if (line.length) lines.push(line);
  return lines;
}
