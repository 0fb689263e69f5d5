// Jobs in the page: progress text, ETA, newly finished jobs, the model to compare with, polling,
// and request options built from the server's declared specs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  compareWith, etaText, formatDuration, jobFraction, jobOptions, lossSeries, newlyDone, pollDelay,
  progressText, statusLabel, POLL_FAST, POLL_IDLE,
} from "../../static/js/data/jobs.js";

const specs = JSON.parse(readFileSync(new URL("./fixtures/analyses.json", import.meta.url)));

const train = { phase: "train", epoch: 2, epochs: 5, step: 30, steps: 120, loss: 3.2148,
  perplexity: 24.9, tokens_per_s: 1234.4, fraction: 0.35, eta: 83.4 };

test("progress reads as one line per phase", () => {
  assert.equal(progressText(train), "epoch 2/5 · step 30/120 · loss 3.21 · ppl 24.9 · 1,234 tok/s");
  assert.equal(progressText({ ...train, phase: "valid", perplexity: undefined, accuracy: 0.8125 }),
    "validating after epoch 2 · step 30/120 · loss 3.21 · acc 81.3% · 1,234 tok/s");
  assert.equal(progressText({ phase: "evaluate", split: "test", tokens: 3000, total_tokens: 12000, tokens_per_s: 5000 }),
    "recording test · 3,000/12,000 tokens · 5,000 tok/s");
  assert.equal(progressText(null), "");
});

test("durations, ETA and fraction", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(83.4), "1:23");
  assert.equal(formatDuration(3723), "1:02:03");
  assert.equal(formatDuration(null), "–");
  assert.equal(formatDuration(-1), "–");
  assert.equal(etaText({ status: "running", progress: train }), "ETA 1:23");
  assert.equal(etaText({ status: "running", progress: { ...train, eta: null } }), "");
  assert.equal(etaText({ status: "done", progress: train }), "");
  assert.equal(jobFraction({ status: "running", progress: train }), 0.35);
  assert.equal(jobFraction({ status: "done", progress: null }), 1);
  assert.equal(jobFraction({ status: "queued", progress: null }), 0);
  assert.equal(statusLabel({ status: "running", cancel_requested: true }), "cancelling");
  assert.equal(statusLabel({ status: "cancelled", cancel_requested: true }), "cancelled");
});

test("newly finished jobs are those that were active in the last answer", () => {
  const before = [{ id: 1, status: "running" }, { id: 2, status: "queued" }, { id: 3, status: "done" }];
  const after = [{ id: 1, status: "done" }, { id: 2, status: "failed" }, { id: 3, status: "done" }, { id: 4, status: "done" }];
  assert.deepEqual(newlyDone(before, after).map((j) => j.id), [1]);
  assert.deepEqual(newlyDone([], after), []);   // the first answer reports nothing as new
});

test("a new model is compared with the one being looked at, else another evaluated one", () => {
  const models = [{ name: "a", status: "evaluated" }, { name: "b", status: "trained" },
    { name: "c", status: "evaluated" }, { name: "new", status: "evaluated" }];
  assert.equal(compareWith(models, "new", "c"), "c");
  assert.equal(compareWith(models, "new", "b"), "a");      // b is not evaluated
  assert.equal(compareWith(models, "new", "new"), "a");
  assert.equal(compareWith(models, "new", null), "a");
  assert.equal(compareWith([{ name: "new", status: "evaluated" }], "new", "new"), null);
});

test("polling is at most once a second", () => {
  assert.equal(pollDelay([{ status: "done" }], false), POLL_IDLE);
  assert.equal(pollDelay([{ status: "queued" }], false), POLL_FAST);
  assert.equal(pollDelay([], true), POLL_FAST);
  assert.ok(POLL_FAST >= 1000);
});

test("loss series drop points that are not numbers", () => {
  const s = lossSeries({ curve: [[0.5, 2], [1, null]], valid: [[1, 1.5]] });
  assert.deepEqual(s, { train: [[0.5, 2]], valid: [[1, 1.5]] });
  assert.deepEqual(lossSeries({}), { train: [], valid: [] });
});

test("request options keep the kind's declared parameters and leave empty ones to the server", () => {
  const spec = specs.jobs["train-evaluate"];
  assert.ok(spec.config.required && spec.epochs.min === 1);
  const out = jobOptions(spec, { config: "x.yaml", epochs: "3", max_steps: "", force: false,
    resume: true, split: null, unknown: 1 });
  assert.deepEqual(out, { config: "x.yaml", resume: true, epochs: 3 });
  assert.deepEqual(jobOptions(specs.jobs.train, { config: "x.yaml", split: "test" }), { config: "x.yaml" });
});

test("an import's stages read as one line, with its metrics once measured", () => {
  const at = (stage, extra = {}) => progressText({ phase: "import", stage, fraction: 0.5, eta: null, ...extra });
  assert.equal(at("reading", { file: "lm.keras" }), "reading lm.keras");
  assert.equal(at("converting"), "converting to Keras cells");
  assert.equal(at("measuring", { corpus: "ptb" }), "loading the corpus (ptb)");
  assert.equal(at("measuring", { split: "valid", step: 3, steps: 12 }), "measuring valid · batch 3/12");
  assert.equal(at("writing"), "writing the model");
  assert.equal(at("writing", { step: 4096, steps: 60000 }), "writing the states · 4,096/60,000 rows");
  assert.equal(at("done", { metrics: { valid_perplexity: 130.04, test_perplexity: 121.96 } }), "imported · test ppl 122.0");
  assert.equal(at("done", { metrics: {} }), "imported");
  // import, then evaluate: the recording's progress keeps the import's metrics
  assert.equal(progressText({ phase: "evaluate", split: "test", tokens: 10, total_tokens: 20, tokens_per_s: 5,
    metrics: { test_accuracy: 0.875 } }), "recording test · 10/20 tokens · 5 tok/s · test acc 87.5%");
});
