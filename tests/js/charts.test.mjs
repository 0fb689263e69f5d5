// Defaults and chainable setters of the reusable charts (no DOM needed to configure them).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let charts;

before(async () => {
  // the page loads the UMD bundle with a <script>; in node, require it and expose it the same way
  globalThis.d3 = require("../../static/vendor/d3.min.js");
  charts = await import("../../static/js/charts/index.js");
});

test("the vendored D3 is v7.9.0", () => {
  assert.equal(globalThis.d3.version, "7.9.0");
});

test("memoryChips: defaults, chainable setters, and listeners", () => {
  const chart = charts.memoryChips();
  assert.deepEqual(chart.data(), []);
  assert.equal(chart.mirrored(), false);
  assert.equal(chart.highlighted(), null);
  assert.deepEqual(chart.fills()(3), []);
  const sel = new Set([1]);
  assert.equal(chart.selected(sel).mirrored(true), chart);
  assert.equal(chart.selected(), sel);
  assert.equal(chart.mirrored(), true);
  assert.equal(chart.on("click", () => {}), chart);
  assert.throws(() => chart.on("bogus", () => {}), /unknown type: bogus/);
});

test("wordClouds and linkBundle keep what they are given", () => {
  const clouds = charts.wordClouds().mirrored(true).strength(() => 0.5);
  assert.equal(clouds.mirrored(), true);
  assert.equal(clouds.strength()(0, "x"), 0.5);
  const links = charts.linkBundle();
  assert.equal(links.highlighted(), null);
  assert.deepEqual(links.highlighted(new Set(["0-1"])).highlighted(), new Set(["0-1"]));
});

test("responseProfile, boxPlots, legend and glyphs: 0 is a value, not a missing option", () => {
  const p = charts.responseProfile();
  assert.equal(p.width(), 320);
  assert.equal(p.height(0).height(), 0);
  assert.equal(p.extent(), null);
  const b = charts.boxPlots();
  assert.equal(b.rowHeight(), 15);
  assert.deepEqual(b.data(), { rows: [], extent: [0, 0] });
  const l = charts.divergingLegend().limit(0.25).title("r");
  assert.equal(l.limit(), 0.25);
  assert.equal(l.title(), "r");
  const g = charts.tokenGlyphs();
  assert.equal(g.selected(), null);
  assert.equal(g.selected(0).selected(), 0);
});

test("wordAnchor: the server's baseline if given, else the box centre", () => {
  const { wordAnchor } = charts;
  assert.deepEqual(wordAnchor({ x: 10, y: 20, width: 40, height: 10, rotate: 0, baseline_x: 11, baseline_y: 29 }),
    { x: 11, y: 29, anchor: "start", baseline: "alphabetic", rotated: false });
  assert.deepEqual(wordAnchor({ x: 10, y: 20, width: 10, height: 40, rotate: 90 }),
    { x: 15, y: 40, anchor: "middle", baseline: "central", rotated: true });
});

test("esc escapes HTML", () => {
  assert.equal(charts.esc(`<b a="1">&'`), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
});

test("trajectoryPlot, ckaHeatmap and matchStrip: defaults and chainable setters", () => {
  const plot = charts.trajectoryPlot();
  assert.deepEqual(plot.axes(), [0, 1]);
  assert.deepEqual(plot.paths(), []);
  assert.equal(plot.cloud(), null);
  assert.equal(plot.width(600).axes([1, 2]), plot);
  assert.deepEqual(plot.axes(), [1, 2]);
  const heat = charts.ckaHeatmap();
  assert.equal(heat.selected(), null);
  assert.equal(heat.selected("0:1").cell(30), heat);
  assert.equal(heat.cell(), 30);
  assert.throws(() => heat.on("bogus", () => {}), /unknown type: bogus/);
  const strip = charts.matchStrip();
  assert.equal(strip.highlighted(), null);
  assert.equal(strip.highlighted(3).highlighted(), 3);
});

test("point colours: categories cycle, numbers run low to high, missing values are grey", () => {
  const cat = charts.pointColour({ kind: "category", values: [0, 1, null, 10] });
  assert.equal(cat(0), charts.CATEGORY_COLORS[0]);
  assert.equal(cat(3), charts.CATEGORY_COLORS[0]);
  assert.notEqual(cat(1), cat(0));
  assert.equal(cat(2), "#c9ced6");
  const num = charts.pointColour({ kind: "number", values: [0, 1, 2, null] });
  assert.notEqual(num(0), num(2));
  assert.equal(num(3), "#c9ced6");
  assert.equal(charts.ckaColour(1), globalThis.d3.interpolateBlues(0.92));
});

test("lossCurve: defaults and chainable setters", () => {
  const chart = charts.lossCurve();
  assert.deepEqual(chart.data(), { train: [], valid: [] });
  assert.equal(chart.epochs(), null);
  assert.equal(chart.epochs(0).epochs(), 0);
  assert.equal(chart.width(200).height(80), chart);
  assert.equal(chart.width(), 200);
});
