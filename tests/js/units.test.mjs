import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePhrase, formatPhrase, phraseBetween, rankingRows, heatCells, sharedLimit, histogramBars,
  toggleFocus, saturationPoints, MAX_FOCUS } from "../../static/js/data/units.js";
import { DIVERGING } from "../../static/js/data/scales.js";

test("phrases round-trip and are built from two clicks in either order", () => {
  assert.deepEqual(parsePhrase("120:5"), { start: 120, length: 5 });
  assert.equal(parsePhrase("120:0"), null);
  assert.equal(parsePhrase("x"), null);
  assert.equal(formatPhrase({ start: 3, length: 2 }), "3:2");
  assert.deepEqual(phraseBetween(9, 4), { start: 4, length: 6 });
  assert.deepEqual(phraseBetween(0, 100, 50), { start: 0, length: 50 });
});

test("ranked rows carry the headline score and which side is higher", () => {
  const answer = { score: "auc", label_a: "x after A", label_b: "x after B", units: [
    { unit: 3, score: 0.9, auc: 0.95, hellinger: 0.8, mean_a: 0.7, mean_b: -0.6, range: [-1, 1], hist_a: [1, 2], hist_b: [2, 1] }] };
  const [row] = rankingRows(answer);
  assert.equal(row.unit, 3);
  assert.equal(row.main, "AUC 0.95");
  assert.match(row.detail, /higher on x after A/);
  const corr = rankingRows({ score: "correlation", units: [{ unit: 1, r: -0.97, score: 0.97 }] });
  assert.equal(corr[0].main, "r −0.97");
  assert.match(corr[0].detail, /falls/);
});

test("heat cells colour by value, mark the focus and resets", () => {
  const cells = heatCells(["a", "b", "c"], [[1, 0], [0, 2], [-1, 0]], { unitColumn: 0, focus: 1, resets: [0, 2] });
  assert.equal(cells[0].color, DIVERGING.positive);
  assert.equal(cells[2].color, DIVERGING.negative);
  assert.equal(cells[1].color, DIVERGING.neutral);
  assert.deepEqual(cells.map((c) => c.focus), [false, true, false]);
  assert.deepEqual(cells.map((c) => c.reset), [false, false, true]);  // a reset at the start is not drawn
  assert.equal(sharedLimit([{ values: [[1, 5]] }, { values: [[-3, 0]] }], 0), 3);
  assert.equal(heatCells(["x"], [0.5])[0].value, 0.5);
});

test("histogram bars split the range evenly and share sums to 1", () => {
  const bars = histogramBars([1, 3, 0, 4], [-1, 1]);
  assert.equal(bars.length, 4);
  assert.deepEqual([bars[0].x0, bars[3].x1], [-1, 1]);
  assert.equal(bars.reduce((s, b) => s + b.share, 0), 1);
});

test("focus toggles: plain click focuses one unit, additive click adds up to the maximum", () => {
  assert.deepEqual(toggleFocus([], 3, false), [3]);
  assert.deepEqual(toggleFocus([3], 3, false), []);
  assert.deepEqual(toggleFocus([3], 5, false), [5]);
  assert.deepEqual(toggleFocus([3], 5, true), [3, 5]);
  assert.deepEqual(toggleFocus([3, 5], 3, true), [5]);
  const many = [1, 2, 3, 4].slice(0, MAX_FOCUS);
  assert.deepEqual(toggleFocus(many, 9, true), [...many.slice(1), 9]);
});

test("saturation points: one per unit and gate", () => {
  const pts = saturationPoints({ gates: { i: { low: [0.1, 0.2], high: [0.3, 0.4] }, f: { low: [0, 1], high: [1, 0] } } });
  assert.equal(pts.length, 4);
  assert.deepEqual(pts[1], { unit: 1, gate: "i", low: 0.2, high: 0.4 });
});
