import { test } from "node:test";
import assert from "node:assert/strict";
import { formatQuality, qualityVerdict, headlineMetric, modelShape, kindLabel, modelSource, sentenceSupport, versionLabel } from "../../static/js/data/format.js";

test("formatQuality prints the numbers that are there", () => {
  assert.equal(formatQuality({ within_between: 2.345, seed_ari: 0.912, bootstrap_ari: null }), "within/between 2.3×, seed ARI 0.91");
  assert.equal(formatQuality({ within_between: 1, seed_ari: 1, bootstrap_ari: 0.5 }), "within/between 1.0×, seed ARI 1.00, bootstrap ARI 0.50");
  assert.equal(formatQuality(null), "");
  assert.equal(formatQuality({ within_between: 2, seed_ari: null, bootstrap_ari: null, bootstrap_pending: true }),
    "within/between 2.0×, bootstrap ARI computing…");
  assert.equal(formatQuality({ within_between: 2, bootstrap_ari: 0.7, bootstrap_pending: true }),
    "within/between 2.0×, bootstrap ARI 0.70");
});

test("qualityVerdict takes the structure from the permutation null, stability from the ARIs", () => {
  const nul = { observed: 2.3, null_mean: 1.2, null_sd: 0.05, draws: 5, beyond_chance: 1.92, z: 22, structure: "clear" };
  assert.deepEqual(qualityVerdict({ within_between: 2.3, seed_ari: 0.9, bootstrap_ari: 0.3, null: nul }),
    { structure: "clear", stable: true, resampled: false, beyond: 1.92, z: 22 });
  // a high ratio alone is no verdict: without the null it stays unknown
  assert.equal(qualityVerdict({ within_between: 2.3, seed_ari: 0.5 }).structure, "unknown");
  assert.equal(qualityVerdict({ within_between: 1.3, null: { ...nul, structure: "none" } }).structure, "none");
  assert.deepEqual(qualityVerdict(undefined), { structure: "unknown", stable: null, resampled: null, beyond: null, z: null });
  assert.equal(formatQuality({ within_between: 2.3, null: nul }), "within/between 2.3× (1.9× chance)");
});

test("headlineMetric and modelShape", () => {
  assert.equal(headlineMetric({ metrics: { valid_perplexity: 150, test_perplexity: 172.94 } }), "test ppl 172.9");
  assert.equal(headlineMetric({ metrics: { test_accuracy: 0.886 } }), "test acc 88.6%");
  assert.equal(headlineMetric({ metrics: {} }), "");
  assert.equal(modelShape({ cell: "lstm", layers: [128, 128] }), "LSTM 2×128");
  assert.equal(modelShape({ cell: "gru", layers: [48, 32] }), "GRU 48+32");
  assert.equal(kindLabel("f"), "f (forget gate)");
  assert.equal(kindLabel("zz"), "zz");
});

test("modelSource says where an imported model came from", () => {
  assert.equal(modelSource({ origin: null }), "");
  assert.equal(modelSource({ origin: { format: "onnx", file: "/data/models/lm.onnx" }, states_only: false }),
    "imported from ONNX (lm.onnx)");
  assert.equal(modelSource({ origin: { format: "lstmvis", file: "C:\\runs\\proj\\" }, states_only: true }),
    "states only, imported from LSTMVis (proj)");
  assert.equal(modelSource({ origin: { format: "safetensors", file: "" } }), "imported from safetensors");
});

test("sentenceSupport reads the model's sentence_evaluation", () => {
  assert.deepEqual(sentenceSupport({ sentence_evaluation: { available: false, reason: "no weights" } }),
    { available: false, reason: "no weights" });
  assert.deepEqual(sentenceSupport({ sentence_evaluation: { available: true, reason: null } }), { available: true, reason: null });
  assert.deepEqual(sentenceSupport({}), { available: true, reason: null });
});

test("versionLabel names the version the server sent", () => {
  assert.equal(versionLabel("0.6.0"), "rnnvis 0.6.0");
  assert.equal(versionLabel(undefined), "rnnvis");
  assert.equal(versionLabel(""), "rnnvis");
});
