// Unsaved config drafts survive in a Storage and vanish once they equal the saved text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createDrafts } from "../../static/js/data/drafts.js";

function memoryStorage() {
  const map = new Map();
  return {
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
    size: () => map.size,
  };
}

test("a draft is kept per file until it equals the saved text", () => {
  const storage = memoryStorage();
  const drafts = createDrafts(storage);
  assert.equal(drafts.get("a.yaml"), null);
  drafts.update("a.yaml", "name: a2\n", "name: a\n");
  drafts.update("b.yaml", "name: b2\n", "name: b\n");
  assert.equal(drafts.get("a.yaml"), "name: a2\n");
  assert.deepEqual([...drafts.files()].sort(), ["a.yaml", "b.yaml"]);
  // a second object over the same storage (a reload) sees the same drafts
  assert.equal(createDrafts(storage).get("b.yaml"), "name: b2\n");
  drafts.update("a.yaml", "name: a\n", "name: a\n");   // edited back to the saved text
  assert.equal(drafts.get("a.yaml"), null);
  drafts.drop("b.yaml");
  assert.deepEqual([...drafts.files()], []);
  assert.equal(storage.size(), 0, "no empty record left behind");
});

test("unreadable or missing storage does not throw", () => {
  const storage = memoryStorage();
  storage.setItem("rnnvis.configDrafts", "{not json");
  const drafts = createDrafts(storage);
  assert.equal(drafts.get("a.yaml"), null);
  drafts.update("a.yaml", "x", "y");
  assert.equal(drafts.get("a.yaml"), "x");
  const none = createDrafts(undefined);
  none.update("a.yaml", "x", "y");
  assert.equal(none.get("a.yaml"), null);
  const full = createDrafts({ getItem: () => null, setItem: () => { throw new Error("quota"); }, removeItem() {} });
  assert.doesNotThrow(() => full.update("a.yaml", "x", "y"));
});
