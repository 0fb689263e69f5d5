import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { urlCodec, urlFields, specParser, unitKey, parseUnitKey } from "../../static/js/data/urlstate.js";

// the server's declaration of the parameters (tests/js/write_fixtures.py; a pytest test keeps it current)
const SPECS = JSON.parse(readFileSync(new URL("./fixtures/analyses.json", import.meta.url)));
const { parseState, serializeState, defaultState, changedKeys } = urlCodec(SPECS);

test("the default state serialises to an empty query", () => {
  assert.equal(serializeState(defaultState()), "");
  assert.deepEqual(parseState(""), defaultState());
});

test("a full state round-trips through the URL", () => {
  const s = {
    ...defaultState(), view: "compare", model: "demo-lstm", compare: "demo-gru", layer: 1, layer2: 0,
    state: "c", k: 7, topK: 500, mode: "signed", words: ["buy", "sell", "n't"],
    units: [{ model: "demo-lstm", layer: 1, unit: 42 }, { model: "demo-gru", layer: 0, unit: 0 }],
    threshold: 0, widthScale: 2.5, clip: 0.4, text: "the stock & bond market, fell", token: 3, config: "x.yaml",
    jobs: true,
  };
  const q = serializeState(s);
  assert.ok(q.startsWith("?view=compare&model=demo-lstm&layer=1&compare=demo-gru"));
  assert.deepEqual(parseState(q), s);
});

test("0 and false-y values survive (threshold 0 is not the default 0.2)", () => {
  const s = { ...defaultState(), threshold: 0, layer: 0 };
  assert.equal(serializeState(s), "?links=0");
  assert.equal(parseState("?links=0").threshold, 0);
});

test("invalid values fall back to defaults; floats are clamped", () => {
  const s = parseState("?view=nope&layer=-1&k=1&mode=weird&top_k=abc&links=7&clip=0&unit=bad&token=x");
  assert.equal(s.view, "main");
  assert.equal(s.layer, 0);
  assert.equal(s.k, null);
  assert.equal(s.mode, null);            // no mode: the server picks the model's default
  assert.equal(s.topK, 300);
  assert.equal(s.threshold, 1);
  assert.equal(s.clip, 0.05);
  assert.deepEqual(s.units, []);
  assert.equal(s.token, null);
  assert.equal(parseState("?k=31").k, null);
  assert.equal(parseState("?k=30").k, 30);
});

test("repeated words are capped at 3 and deduplicated", () => {
  const s = parseState("?word=a&word=b&word=a&word=c&word=d");
  assert.deepEqual(s.words, ["a", "b", "c"]);
});

test("unit keys", () => {
  assert.equal(unitKey({ model: "m-1.x", layer: 2, unit: 9 }), "m-1.x:2:9");
  assert.deepEqual(parseUnitKey("m-1.x:2:9"), { model: "m-1.x", layer: 2, unit: 9 });
  assert.equal(parseUnitKey("m:2"), undefined);
});

test("changedKeys compares arrays by value", () => {
  const a = defaultState();
  const b = { ...a, words: ["x"], k: 4 };
  assert.deepEqual(changedKeys(a, b), ["k", "words"]);
  assert.deepEqual(changedKeys(b, { ...b, words: ["x"] }), []);
  const u = { ...a, units: [{ model: "m", layer: 0, unit: 1 }] };
  assert.deepEqual(changedKeys(u, { ...a, units: [{ model: "m", layer: 0, unit: 1 }] }), []);
});

test("bounds, choices and defaults come from the server's specs", () => {
  const specs = structuredClone(SPECS);
  specs.coclusters.k.max = 12;
  specs.coclusters.top_k.default = 50;
  specs.coclusters.mode.choices = ["abs", "only"];
  const codec = urlCodec(specs);
  assert.equal(codec.parseState("?k=13").k, null);
  assert.equal(codec.parseState("?k=12").k, 12);
  assert.equal(codec.defaultState().topK, 50);
  assert.equal(codec.serializeState({ ...codec.defaultState(), topK: 300 }), "?top_k=300");
  assert.equal(codec.parseState("?mode=only").mode, "only");
  assert.equal(codec.parseState("?mode=signed").mode, null);   // not a choice: the default (none)
  assert.throws(() => urlFields({}), /parameter specs/);
});

test("specParser follows the declared type", () => {
  assert.equal(specParser({ type: "int", min: 1, max: 3 })("2"), 2);
  assert.equal(specParser({ type: "int", min: 1, max: 3 })("2.5"), undefined);
  assert.equal(specParser({ type: "float", min: 0, max: 1 })("7"), 1);
  assert.equal(specParser({ type: "str", choices: ["a"] })("b"), undefined);
  assert.equal(specParser({ type: "str", max_length: 2 })("abc"), undefined);
});

test("trajectory fields round-trip; bounds and choices come from the server's specs", () => {
  const s = { ...defaultState(), view: "trajectories", method: "autoencoder", dims: 3, sample: 5000, docs: 2,
    axes: 2, colour: "unit", colourUnit: 17, text: "a good film", text2: "a bad film", matchOrder: true };
  const q = serializeState(s);
  assert.deepEqual(parseState(q), s);
  assert.match(q, /method=autoencoder&dims=3&sample=5000&docs=2&axes=2&colour=unit&cunit=17&text2=a\+bad\+film&match=true/);
  const bad = parseState(`?method=tsne&dims=4&sample=${SPECS.trajectories.sample.max + 1}&docs=-1&axes=3&colour=red&match=maybe`);
  assert.equal(bad.method, SPECS.trajectories.method.default);
  assert.equal(bad.dims, SPECS.trajectories.dims.default);
  assert.equal(bad.sample, SPECS.trajectories.sample.default);
  assert.equal(bad.docs, 0);
  assert.equal(bad.axes, 0);
  assert.equal(bad.colour, "cluster");
  assert.equal(bad.matchOrder, false);
  assert.equal(parseState("?match=1").matchOrder, true);
});

test("the jobs panel flag reads true/false and 1/0, and is left out when closed", () => {
  assert.equal(parseState("?jobs=1").jobs, true);
  assert.equal(parseState("?jobs=true").jobs, true);
  assert.equal(parseState("?jobs=0").jobs, false);
  assert.equal(parseState("?jobs=maybe").jobs, false);
  assert.equal(serializeState({ ...defaultState(), jobs: false }), "");
  assert.equal(serializeState({ ...defaultState(), jobs: true }), "?jobs=true");
});
