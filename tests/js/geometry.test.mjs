import { test } from "node:test";
import assert from "node:assert/strict";
import { chipColumns, chipGrid, stackColumn, clusterLayout, maxCloudHeight } from "../../static/js/data/geometry.js";

test("chipColumns: small chips are one row, big ones are capped", () => {
  assert.equal(chipColumns(1), 1);
  assert.equal(chipColumns(2), 2);
  assert.equal(chipColumns(50), 10);
  assert.equal(chipColumns(600), 16);
  assert.equal(chipColumns(600, 24), 24);
  assert.equal(chipColumns(0), 1);
});

test("chipGrid has one square per unit, row by row", () => {
  const g = chipGrid([7, 3, 9, 1, 5], { cell: 10, gap: 2, maxColumns: 3, pad: 0 });
  assert.equal(g.columns, 3);
  assert.equal(g.rows, 2);
  assert.equal(g.cells.length, 5);
  assert.deepEqual(g.cells[3], { unit: 1, x: 0, y: 12 });
  assert.equal(g.width, 34);
  assert.equal(g.height, 22);
});

test("stackColumn keeps boxes where they want to be when there is room", () => {
  assert.deepEqual(stackColumn([10, 100], [10, 10], { gap: 5 }), [5, 95]);
});

test("stackColumn spreads colliding boxes symmetrically and keeps order", () => {
  const tops = stackColumn([50, 50], [20, 20], { gap: 10, top: 0 });
  assert.deepEqual(tops, [25, 55]);
  const many = stackColumn([30, 30, 30, 200], [20, 20, 20, 20], { gap: 0, top: 0 });
  for (let i = 1; i < many.length; i++) assert.ok(many[i] >= many[i - 1] + 20 - 1e-9);
});

test("stackColumn never goes above the top", () => {
  const tops = stackColumn([0, 0], [20, 20], { gap: 4, top: 8 });
  assert.deepEqual(tops, [8, 32]);
});

const data = {
  unit_clusters: [[0, 1, 2], [3], [4, 5, 6, 7]],
  clouds: [
    { width: 400, height: 200, words: [] },
    { width: 100, height: 50, words: [] },
    { width: 200, height: 100, words: [] },
  ],
  links: [
    { word_cluster: 0, unit_cluster: 0, mean: 1, mean_abs: 1, count: 3 },
    { word_cluster: 1, unit_cluster: 1, mean: -0.5, mean_abs: 0.5, count: 3 },
    { word_cluster: 2, unit_cluster: 0, mean: 0.05, mean_abs: 0.05, count: 3 },
  ],
};

test("clusterLayout: one chip and one cloud per cluster, scaled to the column", () => {
  const lay = clusterLayout(data, { cloudWidth: 200, linkGap: 100 });
  assert.equal(lay.chips.length, 3);
  assert.equal(lay.clouds.length, 3);
  assert.equal(lay.clouds[0].scale, 0.5);
  assert.equal(lay.clouds[1].scale, 1);
  assert.deepEqual(lay.chips.map((c) => c.units.length), [3, 1, 4]);
  // clouds do not overlap
  for (let i = 1; i < 3; i++) assert.ok(lay.clouds[i].y >= lay.clouds[i - 1].y + lay.clouds[i - 1].height);
  // chips on the left, clouds right of the links
  assert.equal(lay.clouds[0].x, lay.chipColumnWidth + 100);
  // the weak link is filtered by the default threshold
  assert.deepEqual(lay.links.map((l) => l.id).sort(), ["0-0", "1-1"]);
  assert.ok(lay.height >= lay.clouds[2].y + lay.clouds[2].height);
});

test("clusterLayout mirrored puts clouds left and chips right", () => {
  const lay = clusterLayout(data, { cloudWidth: 200, linkGap: 100, mirrored: true, threshold: 0 });
  assert.ok(lay.chips.every((c) => c.x === 300));
  assert.ok(lay.clouds.every((c) => c.x + c.width <= 200 + 1e-9));
  assert.equal(lay.links.length, 3);
  assert.ok(lay.links.every((l) => l.d.startsWith("M300,")));
});

test("maxCloudHeight shrinks with k within bounds", () => {
  assert.equal(maxCloudHeight(2), 240);
  assert.equal(maxCloudHeight(30), 80);
  assert.equal(maxCloudHeight(50), 72);
  assert.ok(maxCloudHeight(20) < maxCloudHeight(12));
});

test("clusterLayout fitWidth fills the width and keeps clouds readable", () => {
  const wide = clusterLayout(data, { fitWidth: 700 });
  assert.ok(wide.width <= 700 && wide.width > 600, `width ${wide.width}`);
  const mid = clusterLayout(data, { fitWidth: 500 });
  assert.ok(Math.abs(mid.width - 500) < 1e-9);
  const narrow = clusterLayout(data, { fitWidth: 100 });
  assert.equal(narrow.clouds[0].x, narrow.chipColumnWidth + 60);
  assert.ok(narrow.width > 100); // never below the minimum cloud column
});
