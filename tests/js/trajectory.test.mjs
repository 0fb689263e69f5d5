import { test } from "node:test";
import assert from "node:assert/strict";
import { axisPairs, axisPair, colourModes, extent, pathPoints, pointValues, qualityText, wordClusterIndex } from "../../static/js/data/trajectory.js";

test("axis pairs of 2 and 3 axes, out-of-range picks the first", () => {
  assert.deepEqual(axisPairs(2), [[0, 1]]);
  assert.deepEqual(axisPairs(3), [[0, 1], [0, 2], [1, 2]]);
  assert.deepEqual(axisPair(3, 2), [1, 2]);
  assert.deepEqual(axisPair(2, 2), [0, 1]);
  assert.deepEqual(axisPair(3, null), [0, 1]);
});

test("colour modes follow the task", () => {
  assert.deepEqual(colourModes("classification"), ["cluster", "class", "unit"]);
  assert.deepEqual(colourModes("language_model"), ["cluster", "loss", "unit"]);
});

test("extent covers every list on the chosen axes, padded; degenerate spans widen", () => {
  const cloud = [[0, 10, 5], [2, 20, -5]];
  const path = [[-2, 15, 0]];
  assert.deepEqual(extent([cloud, path], [0, 1], 0), [[-2, 2], [10, 20]]);
  assert.deepEqual(extent([cloud], [0, 2], 0.5), [[-1, 3], [-10, 10]]);
  assert.deepEqual(extent([[[3, 3]]], [0, 1]), [[2, 4], [2, 4]]);
  assert.deepEqual(extent([[[null, NaN]]], [0, 1]), [[-1, 1], [-1, 1]]);
});

test("word clusters index words; point values per colour mode", () => {
  const clusters = wordClusterIndex({ word_clusters: [[{ word: "a" }, { word: "b" }], [{ word: "c" }]] });
  assert.deepEqual([...clusters], [["a", 0], ["b", 0], ["c", 1]]);
  const points = { words: ["a", "c", "zz"], cls: [1, 0, 1], loss: [0.5, null, 2], values: [0.1, -0.2, 0.3] };
  const byCluster = pointValues(points, "cluster", { clusters });
  assert.deepEqual(byCluster, { kind: "category", values: [0, 1, null], labels: ["cluster 1", "cluster 2"] });
  assert.deepEqual(pointValues(points, "class", { classes: ["neg", "pos"] }), { kind: "category", values: [1, 0, 1], labels: ["neg", "pos"] });
  assert.deepEqual(pointValues(points, "loss"), { kind: "number", values: [0.5, null, 2] });
  assert.deepEqual(pointValues(points, "unit").values, [0.1, -0.2, 0.3]);
  assert.equal(pointValues({ words: ["a"], cls: null }, "class").kind, "none");
  assert.equal(pointValues(points, "cluster").labels.length, 0);
});

test("quality text of each method", () => {
  assert.equal(qualityText("pca", { explained_variance: [0.41, 0.213], total: 0.623 }),
    "62.3% of the variance on these axes (41.0% + 21.3%)");
  assert.equal(qualityText("autoencoder", { reconstruction_error: 0.012, relative_error: 0.18 }),
    "reconstruction error 0.012 (18.0% of the variance lost)");
  assert.match(qualityText("umap", { trustworthiness: 0.913 }), /^trustworthiness 0\.91 /);
  assert.equal(qualityText("pca", null), "");
});

test("path points carry their token and index", () => {
  assert.deepEqual(pathPoints([[1, 2, 3], [4, 5, 6]], ["x", "y"], [0, 2]),
    [{ x: 1, y: 3, word: "x", index: 0 }, { x: 4, y: 6, word: "y", index: 1 }]);
});
