import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeOptions, clamp, toggleLimited, accessor } from "../../static/js/data/options.js";

test("mergeOptions keeps 0, false, empty string and null", () => {
  const d = { a: 5, b: true, c: "x", e: 1 };
  assert.deepEqual(mergeOptions(d, { a: 0, b: false, c: "", e: null }), { a: 0, b: false, c: "", e: null });
});

test("mergeOptions ignores undefined and does not mutate the defaults", () => {
  const d = Object.freeze({ a: 1, b: 2 });
  assert.deepEqual(mergeOptions(d, { a: undefined, b: 3 }), { a: 1, b: 3 });
  assert.deepEqual(mergeOptions(d), { a: 1, b: 2 });
});

test("mergeOptions rejects unknown keys with the allowed ones", () => {
  assert.throws(() => mergeOptions({ width: 1 }, { widht: 2 }), /unknown option "widht"; allowed: width/);
});

test("clamp", () => {
  assert.equal(clamp(5, 0, 3), 3);
  assert.equal(clamp(-1, 0, 3), 0);
  assert.equal(clamp(2, 0, 3), 2);
});

test("toggleLimited adds, removes and drops the oldest beyond max", () => {
  assert.deepEqual(toggleLimited([], "a", 3), ["a"]);
  assert.deepEqual(toggleLimited(["a", "b"], "a", 3), ["b"]);
  assert.deepEqual(toggleLimited(["a", "b", "c"], "d", 3), ["b", "c", "d"]);
  const key = (u) => `${u.m}:${u.u}`;
  assert.deepEqual(toggleLimited([{ m: "x", u: 1 }], { m: "x", u: 1 }, 2, key), []);
});

test("accessor is a chainable getter/setter", () => {
  const state = { size: 3 };
  const chart = {};
  chart.size = accessor(chart, state, "size");
  assert.equal(chart.size(), 3);
  assert.equal(chart.size(7), chart);
  assert.equal(chart.size(), 7);
  assert.equal(chart.size(0).size(), 0);
});
