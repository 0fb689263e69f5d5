import { test } from "node:test";
import assert from "node:assert/strict";
import { linear, quantile, clipLimit, mixColor, divergingColor, DIVERGING, formatNumber, symmetricTicks } from "../../static/js/data/scales.js";

test("linear maps domain to range and handles a zero-width domain", () => {
  const f = linear([0, 10], [100, 200]);
  assert.equal(f(0), 100);
  assert.equal(f(5), 150);
  assert.equal(f(20), 300);
  assert.equal(linear([3, 3], [0, 10])(3), 5);
});

test("quantile interpolates like numpy and skips non-finite values", () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([4, 1, NaN, 3, 2], 0), 1);
  assert.equal(quantile([4, 1, 3, 2], 1), 4);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test("clipLimit is clip x max |value| and never 0", () => {
  assert.equal(clipLimit([-4, 2, 1], 1), 4);
  assert.equal(clipLimit([-4, 2, 1], 0.5), 2);
  assert.equal(clipLimit([0, 0], 1), 1);
  assert.equal(clipLimit([NaN, -2], 1), 2);
});

test("mixColor interpolates hex colours", () => {
  assert.equal(mixColor("#000000", "#ffffff", 0), "#000000");
  assert.equal(mixColor("#000000", "#ffffff", 1), "#ffffff");
  assert.equal(mixColor("#000000", "#ff0000", 0.5), "#800000");
  assert.equal(mixColor("#000000", "#ffffff", 2), "#ffffff");
});

test("divergingColor: neutral at 0, ends at +-limit and beyond, neutral for NaN", () => {
  assert.equal(divergingColor(0, 1), DIVERGING.neutral);
  assert.equal(divergingColor(1, 1), DIVERGING.positive);
  assert.equal(divergingColor(5, 1), DIVERGING.positive);
  assert.equal(divergingColor(-1, 1), DIVERGING.negative);
  assert.equal(divergingColor(NaN, 1), DIVERGING.neutral);
  assert.equal(divergingColor(0.5, 1), mixColor(DIVERGING.neutral, DIVERGING.positive, 0.5));
});

test("symmetricTicks and formatNumber", () => {
  assert.deepEqual(symmetricTicks(2), [-2, -1, 0, 1, 2]);
  assert.equal(formatNumber(0.123456), "0.123");
  assert.equal(formatNumber(-0.5), "−0.5");
  assert.equal(formatNumber(12), "12");
  assert.equal(formatNumber(0), "0");
  assert.equal(formatNumber(null), "–");
  assert.equal(formatNumber(0.00001234), "1.23e-5");
});
