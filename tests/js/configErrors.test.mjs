import { test } from "node:test";
import assert from "node:assert/strict";
import { findKeyLine, errorsByLine, errorText } from "../../static/js/data/configErrors.js";

const yaml = `# a comment
name: demo
data:
  dataset: ptb
model:
  # the cell
  cell: lstmm
  layers:
    - 128
    - 64
  dropout: {input: 0.1}
  name: not-top-level
train:
  optimizer:
    name: adam
    cell: nested
`;

test("findKeyLine follows indentation", () => {
  assert.equal(findKeyLine(yaml, "name"), 2);
  assert.equal(findKeyLine(yaml, "model"), 5);
  assert.equal(findKeyLine(yaml, "model.cell"), 7);
  assert.equal(findKeyLine(yaml, "model.name"), 12);
  assert.equal(findKeyLine(yaml, "train.optimizer.name"), 15);
  assert.equal(findKeyLine(yaml, "model.layers.1"), 10);
});

test("findKeyLine falls back to the nearest parent, or null", () => {
  assert.equal(findKeyLine(yaml, "model.dropout.input"), 11);
  assert.equal(findKeyLine(yaml, "model.missing"), 5);
  assert.equal(findKeyLine(yaml, "nothing"), null);
  assert.equal(findKeyLine(yaml, ""), null);
});

test("errorsByLine uses the server line, else the key, else unplaced", () => {
  const { byLine, unplaced } = errorsByLine(yaml, [
    { key: "model.cell", message: "bad cell", line: null },
    { key: "train", message: "given line", line: 13 },
    { key: "", message: "whole file", line: null },
    { key: "x", message: "out of range line", line: 999 },
  ]);
  assert.deepEqual([...byLine.keys()].sort((a, b) => a - b), [7, 13]);
  assert.equal(byLine.get(7)[0].message, "bad cell");
  assert.deepEqual(unplaced.map((e) => e.message), ["whole file", "out of range line"]);
});

test("errorText adds the key unless the message starts with it", () => {
  assert.equal(errorText({ key: "model.cell", message: "model.cell: got 'x'" }), "model.cell: got 'x'");
  assert.equal(errorText({ key: "model.cell", message: "got 'x'" }), "model.cell: got 'x'");
  assert.equal(errorText({ key: null, message: "YAML syntax error at line 3" }), "YAML syntax error at line 3");
});
