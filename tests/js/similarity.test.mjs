import { test } from "node:test";
import assert from "node:assert/strict";
import { chipOrderByMatch, ckaCells, layerLabel, matchMaps, reorderClusters } from "../../static/js/data/similarity.js";

const L = (model, layer, units = 4) => ({ model, layer, units });

test("two models: rows are the first model's layers, columns the second's", () => {
  const answer = { models: ["a", "b"], layers: [L("a", 0), L("a", 1), L("b", 0)],
    cka: [[1, 0.5, 0.2], [0.5, 1, 0.7], [0.2, 0.7, 1]] };
  const { rows, cols, cells } = ckaCells(answer);
  assert.deepEqual(rows.map(layerLabel), ["a L0", "a L1"]);
  assert.deepEqual(cols.map(layerLabel), ["b L0"]);
  assert.deepEqual(cells.map((c) => [c.i, c.j, c.value]), [[0, 0, 0.2], [1, 0, 0.7]]);
  assert.equal(cells[1].left.layer, 1);
  assert.equal(cells[1].right.model, "b");
});

test("one model: every layer against every layer", () => {
  const answer = { models: ["a"], layers: [L("a", 0), L("a", 1)], cka: [[1, 0.4], [0.4, 1]] };
  const { rows, cols, cells } = ckaCells(answer);
  assert.equal(rows.length, 2);
  assert.equal(cols.length, 2);
  assert.deepEqual(cells.map((c) => c.value), [1, 0.4, 0.4, 1]);
});

test("match maps go both ways", () => {
  const m = matchMaps({ pairs: [{ left: 0, right: 2, r: -0.9 }, { left: 1, right: 0, r: 0.5 }] });
  assert.deepEqual(m.left.get(0), { unit: 2, r: -0.9 });
  assert.deepEqual(m.right.get(0), { unit: 1, r: 0.5 });
  assert.equal(m.left.get(5), undefined);
  assert.equal(matchMaps(null).left.size, 0);
});

test("right chips follow the left chips holding their units' partners", () => {
  const left = [[0, 1], [2, 3], [4]];
  const right = [[10, 11], [12], [13, 14]];
  // right chip 0 -> left chip 2, chip 1 -> left chip 0, chip 2 -> left chip 1
  const pairs = [{ left: 4, right: 10, r: 0.9 }, { left: 3, right: 11, r: 0.1 }, { left: 0, right: 12, r: -0.8 },
    { left: 2, right: 13, r: 0.7 }, { left: 1, right: 14, r: 0.2 }];
  assert.deepEqual(chipOrderByMatch(left, right, pairs), [1, 2, 0]);
  // no partners at all: the order stays
  assert.deepEqual(chipOrderByMatch(left, right, []), [0, 1, 2]);
});

test("reordering clusters moves clouds and remaps links", () => {
  const data = { k: 2, word_clusters: [["w0"], ["w1"]], unit_clusters: [[0], [1]], clouds: ["c0", "c1"],
    links: [{ word_cluster: 0, unit_cluster: 1, mean: 3 }] };
  const out = reorderClusters(data, [1, 0]);
  assert.deepEqual(out.word_clusters, [["w1"], ["w0"]]);
  assert.deepEqual(out.clouds, ["c1", "c0"]);
  assert.deepEqual(out.links, [{ word_cluster: 1, unit_cluster: 0, mean: 3 }]);
  assert.deepEqual(data.clouds, ["c0", "c1"]); // untouched
});
