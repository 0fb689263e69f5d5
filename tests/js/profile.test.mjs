import { test } from "node:test";
import assert from "node:assert/strict";
import { wordProfile, profileExtent, unitBoxes } from "../../static/js/data/profile.js";

const stats = {
  word: "market", mean: [0.2, -0.1, 0.05],
  percentiles: { 9: [0, -0.3, -0.1], 25: [0.1, -0.2, 0], 50: [0.2, -0.1, 0.05], 75: [0.3, 0, 0.1], 91: [0.5, 0.1, 0.2] },
};

test("wordProfile sorts units by mean and carries percentiles and an occurrence", () => {
  const rows = wordProfile(stats, [1, 2, 3]);
  assert.deepEqual(rows.map((r) => r.unit), [1, 2, 0]);
  assert.deepEqual(rows.map((r) => r.rank), [0, 1, 2]);
  assert.equal(rows[0].p9, -0.3);
  assert.equal(rows[2].p91, 0.5);
  assert.equal(rows[0].value, 2);
});

test("wordProfile without percentiles gives null bands", () => {
  const rows = wordProfile({ mean: [1, 0] });
  assert.equal(rows[0].p25, null);
  assert.equal(rows[0].value, null);
});

test("profileExtent includes zero and all bands", () => {
  assert.deepEqual(profileExtent(wordProfile(stats)), [-0.3, 0.5]);
  assert.deepEqual(profileExtent([{ mean: 2, p9: null }]), [0, 2]);
});

test("unitBoxes lists positive then negative words with their boxes", () => {
  const u = unitBoxes({
    positive: [{ word: "up", mean: 0.3, std: 0.1, count: 9, box: { p9: 0.1, p25: 0.2, p50: 0.3, p75: 0.4, p91: 0.6 } }],
    negative: [{ word: "down", mean: -0.2, std: 0.1, count: 4 }],
  });
  assert.deepEqual(u.rows.map((r) => [r.group, r.word]), [["positive", "up"], ["negative", "down"]]);
  assert.equal(u.rows[1].p25, null);
  assert.deepEqual(u.extent, [-0.2, 0.6]);
});
