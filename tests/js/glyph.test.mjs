import { test } from "node:test";
import assert from "node:assert/strict";
import { glyphValues, statesAndChanges, tokenResponse, wrapTokens, isUpdateKind } from "../../static/js/data/glyph.js";

const layer = {
  h: [[0.5, -0.2, 0.1, 0.0], [0.3, -0.6, 0.4, 0.2]],
  dh: [[0.5, -0.2, 0.1, 0.0], [-0.2, -0.4, 0.3, 0.2]],
  f: [[0.2, 0.9, 0.5, 0.5], [0.4, 0.3, 0.5, 0.1]],
};

test("glyphValues: per cluster mean positive and negative state and mean change", () => {
  const { values, max } = glyphValues(layer, "h", [[0, 1], [2, 3]]);
  assert.equal(values.length, 2);
  assert.equal(values[0].length, 2);
  const g = values[1][0]; // token 1, cluster {0, 1}
  assert.ok(Math.abs(g.pos - 0.15) < 1e-12);
  assert.ok(Math.abs(g.neg - -0.3) < 1e-12);
  assert.ok(Math.abs(g.delta - -0.3) < 1e-12);
  assert.ok(Math.abs(g.dpos - 0) < 1e-12);
  assert.ok(Math.abs(g.dneg - -0.3) < 1e-12);
  assert.ok(Math.abs(max.state - 0.3) < 1e-12);
  assert.ok(Math.abs(max.delta - 0.3) < 1e-12);
});

test("changes of gates are computed from the previous token (none at the first token)", () => {
  const { changes } = statesAndChanges(layer, "f");
  assert.deepEqual(changes[0], [0, 0, 0, 0]);
  assert.deepEqual(changes[1].map((x) => Math.round(x * 10) / 10), [0.2, -0.6, 0, -0.4]);
});

test("tokenResponse is the update for h/c and the value for gates", () => {
  assert.deepEqual(tokenResponse(layer, "h", 1), layer.dh[1]);
  assert.deepEqual(tokenResponse(layer, "f", 1), layer.f[1]);
  assert.ok(isUpdateKind("c") && !isUpdateKind("f"));
});

test("missing kinds name what is there; nulls count as 0; empty clusters are safe", () => {
  assert.throws(() => glyphValues(layer, "c", [[0]]), /no state "c"; have h, dh, f/);
  const { values } = glyphValues({ h: [[null, 1]] }, "h", [[0, 1], []]);
  assert.equal(values[0][0].pos, 0.5);
  assert.deepEqual({ pos: values[0][1].pos, neg: values[0][1].neg }, { pos: 0, neg: 0 });
});

test("wrapTokens fills lines up to the width, at least one token per line", () => {
  assert.deepEqual(wrapTokens([10, 10, 10, 10], 25, 0), [[0, 1], [2, 3]]);
  assert.deepEqual(wrapTokens([50, 10], 20, 4), [[0], [1]]);
  assert.deepEqual(wrapTokens([], 20), []);
  assert.deepEqual(wrapTokens([10, 10, 10], 34, 2), [[0, 1, 2]]);
});

test("without dh from the server, h changes from the zero state at the first token", () => {
  const { changes } = statesAndChanges({ h: [[0.5, -0.5], [1, 0]] }, "h");
  assert.deepEqual(changes, [[0.5, -0.5], [0.5, 0.5]]);
});
