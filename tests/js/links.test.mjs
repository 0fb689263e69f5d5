import { test } from "node:test";
import assert from "node:assert/strict";
import { linkPath, visibleLinks, stackEnds, layoutLinks, partners, linkOpacity } from "../../static/js/data/links.js";
import { SIGN_COLORS } from "../../static/js/data/scales.js";

const L = (w, u, mean, count = 10) => ({ word_cluster: w, unit_cluster: u, mean, mean_abs: Math.abs(mean), count });

test("linkPath is a horizontal cubic with control points halfway", () => {
  assert.equal(linkPath(0, 10, 100, 50), "M0,10C50,10 50,50 100,50");
  assert.equal(linkPath(100, 0, 0, 0, 0.25), "M100,0C75,0 25,0 0,0");
});

test("visibleLinks filters by relative strength, colours by sign, sorts widest first", () => {
  const links = [L(0, 0, 1.0), L(0, 1, -0.5), L(1, 0, 0.1), L(1, 1, -0.8), L(1, 2, 0.9, 0)];
  const v = visibleLinks(links, { threshold: 0.3, maxWidth: 10, widthScale: 1 });
  assert.deepEqual(v.map((l) => l.id), ["0-0", "1-1", "1-0"]);
  assert.deepEqual(v.map((l) => l.width), [10, 8, 5]);
  assert.equal(v[0].color, SIGN_COLORS.positive);
  assert.equal(v[1].color, SIGN_COLORS.negative);
  assert.equal(v[1].sign, -1);
  // count 0 links are never drawn; threshold 0 keeps all the others
  assert.equal(visibleLinks(links, { threshold: 0 }).length, 4);
  // the width scale multiplies; 0 is honoured (not replaced by the default)
  assert.equal(visibleLinks(links, { threshold: 0, widthScale: 2, maxWidth: 10 })[0].width, 20);
  assert.equal(visibleLinks(links, { threshold: 0, widthScale: 0, minWidth: 0.5 })[0].width, 0.5);
  assert.deepEqual(visibleLinks([], {}), []);
});

test("stackEnds packs ends around the box centre, ordered by the other end", () => {
  const links = [
    { id: "a", unit_cluster: 0, word_cluster: 1, width: 4 },
    { id: "b", unit_cluster: 0, word_cluster: 0, width: 2 },
  ];
  const chips = [{ y: 0, height: 100 }];
  const clouds = [{ y: 0, height: 10 }, { y: 50, height: 10 }];
  const ends = stackEnds(links, chips, "unit_cluster", "word_cluster", clouds);
  // b goes to the higher cloud, so it is on top: total 6 centred on 50 -> [47, 53]
  assert.equal(ends.get("b"), 48);
  assert.equal(ends.get("a"), 51);
});

test("stackEnds squeezes ends into a small box", () => {
  const links = [
    { id: "a", unit_cluster: 0, word_cluster: 0, width: 10 },
    { id: "b", unit_cluster: 0, word_cluster: 1, width: 10 },
  ];
  const ends = stackEnds(links, [{ y: 0, height: 10 }], "unit_cluster", "word_cluster", [{ y: 0, height: 1 }, { y: 9, height: 1 }], 1);
  assert.equal(ends.get("a"), 2.5);
  assert.equal(ends.get("b"), 7.5);
});

test("layoutLinks draws from the chip side to the cloud side and skips missing clusters", () => {
  const chips = [{ y: 0, height: 20 }, { y: 40, height: 20 }];
  const clouds = [{ y: 0, height: 20 }, { y: 40, height: 20 }];
  const out = layoutLinks([L(0, 0, 1), L(1, 1, -1), L(5, 0, 1)], chips, clouds, 100, 300, { threshold: 0, maxWidth: 2 });
  assert.equal(out.length, 2);
  const a = out.find((l) => l.id === "0-0");
  assert.equal(a.y0, 10);
  assert.equal(a.y1, 10);
  assert.ok(a.d.startsWith("M100,10C"));
  assert.ok(a.d.endsWith(" 300,10"));
  // mirrored: the chip side on the right
  const m = layoutLinks([L(0, 0, 1)], chips, clouds, 300, 100, { threshold: 0 });
  assert.ok(m[0].d.startsWith("M300,"));
});

test("partners of a chip are its linked clouds (and its own pair)", () => {
  const links = [{ id: "0-1", unit_cluster: 0, word_cluster: 1 }, { id: "2-2", unit_cluster: 2, word_cluster: 2 }];
  const p = partners(links, { chip: 0 });
  assert.deepEqual([...p.clouds].sort(), [0, 1]);
  assert.deepEqual([...p.links], ["0-1"]);
  const q = partners(links, { cloud: 2 });
  assert.deepEqual([...q.chips], [2]);
});

test("linkOpacity grows with strength within bounds", () => {
  assert.equal(linkOpacity(0), 0.18);
  assert.equal(linkOpacity(1), 0.68);
  assert.equal(linkOpacity(5), 0.68);
  assert.ok(linkOpacity(0.3) < linkOpacity(0.6));
});
