// The import form's shaping: files per field, accepted extensions, model names from file names,
// sizes, the corpus choices, and the job with its options from the declared specs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  acceptFor, canEvaluate, dataChoices, filesFor, formatBytes, importJob, modelNameFrom, uploadProblem,
} from "../../static/js/data/imports.js";

const specs = JSON.parse(readFileSync(new URL("./fixtures/analyses.json", import.meta.url)));

// as GET /api/imports answers (the extensions as the server declares them)
const EXTENSIONS = {
  ".keras": { kind: "keras", fits: ["path"] }, ".onnx": { kind: "onnx", fits: ["path"] },
  ".h5": { kind: "lstmvis", fits: ["path", "data"] }, ".dict": { kind: "vocabulary", fits: ["vocab"] },
  ".txt": { kind: "text", fits: ["vocab", "data"] }, ".yaml": { kind: "mapping", fits: ["mapping"] },
  ".csv": { kind: "corpus", fits: ["data"] },
};
const FILES = [
  { name: "lm.keras", size: 2048, kind: "keras", fits: ["path"] },
  { name: "lm.onnx", size: 10, kind: "onnx", fits: ["path"] },
  { name: "states.h5", size: 10, kind: "lstmvis", fits: ["path", "data"] },
  { name: "vocab.txt", size: 10, kind: "text", fits: ["vocab", "data"] },
  { name: "words.dict", size: 10, kind: "vocabulary", fits: ["vocab"] },
  { name: "names.yaml", size: 10, kind: "mapping", fits: ["mapping"] },
];
const names = (files) => files.map((f) => f.name);

test("each field lists the files that fit it; the model file must be of the format", () => {
  assert.deepEqual(names(filesFor(FILES, "path", "keras")), ["lm.keras"]);
  assert.deepEqual(names(filesFor(FILES, "path", "lstmvis")), ["states.h5"]);
  assert.deepEqual(names(filesFor(FILES, "path", "safetensors")), []);
  assert.deepEqual(names(filesFor(FILES, "vocab", "keras")), ["vocab.txt", "words.dict"]);
  assert.deepEqual(names(filesFor(FILES, "data")), ["states.h5", "vocab.txt"]);
  assert.deepEqual(names(filesFor(FILES, "mapping")), ["names.yaml"]);
  assert.deepEqual(filesFor(undefined, "vocab"), []);
});

test("file inputs accept the extensions the server takes for the field", () => {
  assert.equal(acceptFor(EXTENSIONS, "path", "keras"), ".keras");
  assert.equal(acceptFor(EXTENSIONS, "path", "lstmvis"), ".h5");
  assert.equal(acceptFor(EXTENSIONS, "vocab", "keras"), ".dict,.txt");
  assert.equal(acceptFor(EXTENSIONS, "data", "onnx"), ".h5,.txt,.csv");
  assert.equal(acceptFor({}, "path", "keras"), "");
});

test("a model name from a file name, only if it is a valid name", () => {
  const pattern = specs.jobs.import.name.pattern;
  assert.equal(modelNameFrom("my-lm.keras", pattern), "my-lm");
  assert.equal(modelNameFrom("lm.v2.onnx", pattern), "lm.v2");
  assert.equal(modelNameFrom("_hidden.keras", pattern), "");
  assert.equal(modelNameFrom(`${"x".repeat(70)}.keras`, pattern), "");
  assert.equal(modelNameFrom(null, pattern), "");
});

test("sizes, and a file too large to upload", () => {
  assert.equal(formatBytes(812), "812 B");
  assert.equal(formatBytes(12.3 * 1024), "12 KiB");
  assert.equal(formatBytes(4.5 * 1024 ** 2), "4.5 MiB");
  assert.equal(formatBytes(1.25 * 1024 ** 3), "1.3 GiB");
  assert.equal(formatBytes(-1), "–");
  const max = 512 * 1024 ** 2;
  assert.equal(uploadProblem({ name: "a.keras", size: 100 }, max), null);
  assert.equal(uploadProblem({ name: "big.keras", size: 600 * 1024 ** 2 }, max),
    "big.keras is 600 MiB; the server takes uploads of at most 512 MiB (serve --max-upload)");
  assert.equal(uploadProblem({ name: "a.keras", size: 1e12 }, null), null);   // not known: the server says
});

test("the corpus: none, datasets, valid configs, then files that fit", () => {
  const groups = dataChoices({ files: FILES, datasets: ["ptb", "imdb"] },
    [{ file: "a.yaml", valid: true }, { file: "bad.yaml", valid: false }]);
  assert.deepEqual(groups.map((g) => g.group), ["", "datasets", "configs (their data: section)", "imports folder"]);
  assert.deepEqual(groups.map((g) => g.options.map((o) => o.value)),
    [[""], ["ptb", "imdb"], ["a.yaml"], ["states.h5", "vocab.txt"]]);
  assert.deepEqual(dataChoices({ files: [], datasets: [] }, []).map((g) => g.group), [""]);
});

test("the job: import, or import then evaluate, with the options the kind declares", () => {
  const values = { kind: "keras", path: "lm.keras", name: "lm", vocab: "vocab.txt", data: "ptb",
    mapping: "names.yaml", task: "", cell: "gru", force: false, evaluate: true };
  assert.deepEqual(importJob(specs.jobs, values), { kind: "import-evaluate",
    options: { kind: "keras", path: "lm.keras", name: "lm", vocab: "vocab.txt", data: "ptb" } });
  assert.deepEqual(importJob(specs.jobs, { ...values, evaluate: false }).kind, "import");
  // no corpus: nothing to evaluate on
  assert.deepEqual(importJob(specs.jobs, { ...values, data: "" }),
    { kind: "import", options: { kind: "keras", path: "lm.keras", name: "lm", vocab: "vocab.txt" } });
  assert.equal(canEvaluate({ ...values, data: "" }), false);
  // a mapping only for safetensors, a cell only for LSTMVis states (their own evaluation)
  assert.equal(importJob(specs.jobs, { ...values, kind: "safetensors" }).options.mapping, "names.yaml");
  const states = importJob(specs.jobs, { ...values, kind: "lstmvis", path: "states.h5", data: "words.h5", force: true });
  assert.deepEqual(states, { kind: "import", options: { kind: "lstmvis", path: "states.h5", name: "lm",
    vocab: "vocab.txt", data: "words.h5", cell: "gru", force: true } });
});
