// The page state as URL query parameters, and back (pure). viewState.js keeps it in sync.

import { clamp } from "./options.js";
import { COLOUR_MODES } from "./trajectory.js";
import { MAX_FOCUS } from "./units.js";

export const VIEW_NAMES = Object.freeze(["main", "compare", "sentence", "trajectories", "units", "configs"]);
export const MAX_WORDS = 3;
export const MAX_UNITS = 2;

const int = (lo, hi) => (s) => {
  if (!/^-?\d+$/.test(s)) return undefined;
  const v = Number(s);
  return v >= lo && v <= hi ? v : undefined;
};
const float = (lo, hi) => (s) => {
  const v = Number(s);
  return s !== "" && Number.isFinite(v) ? clamp(v, lo, hi) : undefined;
};
const oneOf = (allowed) => (s) => (allowed.includes(s) ? s : undefined);
const flag = (s) => ({ true: true, 1: true, false: false, 0: false })[s];
const text = (max) => (s) => (s.length && s.length <= max ? s : undefined);
const bool = (s) => (s === "true" || s === "1" ? true : s === "false" || s === "0" ? false : undefined);

/**
 * The URL parser of one server-declared parameter (a spec of /api/analyses: type, min, max,
 * choices, max_length): bounds and choices come from the server, never from here.
 */
export function specParser(spec) {
  if (spec.choices) return oneOf(spec.choices);
  if (spec.type === "int") return int(spec.min ?? -Infinity, spec.max ?? Infinity);
  if (spec.type === "float") return float(spec.min ?? -Infinity, spec.max ?? Infinity);
  return text(spec.max_length ?? 200);
}

/** URL fields of the co-cluster parameters: state key, URL parameter and server spec name. */
const SPEC_FIELDS = Object.freeze([
  { key: "state", param: "state" },
  { key: "k", param: "k" },
  { key: "topK", param: "top_k" },
  { key: "mode", param: "mode" },
]);

/** URL fields of the trajectory parameters (server spec `trajectories`). */
const TRAJECTORY_FIELDS = Object.freeze([
  { key: "method", param: "method" },
  { key: "dims", param: "dims" },
  { key: "sample", param: "sample" },
  { key: "docs", param: "docs" },
]);

/** A unit picked in some model and layer: "model:layer:unit" in the URL. */
export function unitKey(u) {
  return `${u.model}:${u.layer}:${u.unit}`;
}

export function parseUnitKey(s) {
  const m = /^([A-Za-z0-9._-]+):(\d+):(\d+)$/.exec(s);
  return m ? { model: m[1], layer: Number(m[2]), unit: Number(m[3]) } : undefined;
}

/**
 * Every URL field: its parameter name, default, parser (string -> value, undefined if invalid) and
 * whether it repeats (`word=a&word=b`). Order here is the order in the URL. The co-cluster
 * parameters (state, k, top_k, mode) take their defaults and bounds from `specs.coclusters`, the
 * server's declaration (GET /api/analyses).
 */
export function urlFields(specs) {
  const declared = specs?.coclusters;
  const ranking = specs?.ranking;
  if (!declared || !ranking) throw new Error("the server's parameter specs (/api/analyses) are missing");
  const field = (spec, f) => ({ key: f.key, param: f.param, default: spec.default ?? null, parse: specParser(spec) });
  const fromSpec = Object.fromEntries(SPEC_FIELDS.map((f) => [f.key, field(declared[f.param], f)]));
  const trajectory = specs.trajectories;
  if (!trajectory) throw new Error("the server's trajectory specs (/api/analyses) are missing");
  return Object.freeze([
    { key: "view", param: "view", default: "main", parse: oneOf(VIEW_NAMES) },
    { key: "model", param: "model", default: null, parse: text(200) },
    { key: "layer", param: "layer", default: 0, parse: int(0, 999) },
    { key: "compare", param: "compare", default: null, parse: text(200) },
    { key: "layer2", param: "layer2", default: null, parse: int(0, 999) },
    fromSpec.state,
    fromSpec.k,
    fromSpec.topK,
    fromSpec.mode,
    { key: "words", param: "word", default: [], parse: text(100), repeat: MAX_WORDS },
    { key: "units", param: "unit", default: [], parse: parseUnitKey, format: unitKey, repeat: MAX_UNITS },
    { key: "threshold", param: "links", default: 0.2, parse: float(0, 1) },
    { key: "widthScale", param: "width", default: 1, parse: float(0.1, 5) },
    { key: "clip", param: "clip", default: 1, parse: float(0.05, 1) },
    { key: "text", param: "text", default: null, parse: text(20000) },
    { key: "token", param: "token", default: null, parse: int(0, 100000) },
    { key: "config", param: "config", default: null, parse: text(200) },
    // the Units view: contrast, its two sides, score, focused units and a phrase to search
    { key: "rank", param: "rank", default: ranking.rank.default, parse: specParser(ranking.rank) },
    { key: "a", param: "a", default: null, parse: specParser(ranking.a) },
    { key: "b", param: "b", default: null, parse: specParser(ranking.b) },
    { key: "score", param: "score", default: ranking.score.default, parse: specParser(ranking.score) },
    { key: "focus", param: "u", default: [], parse: int(0, 1e6), repeat: MAX_FOCUS },
    { key: "phrase", param: "phrase", default: null, parse: (s) => (/^\d+:\d+$/.test(s) ? s : undefined) },
    // trajectories: projection (declared by the server), axis pair, cloud colour, second text
    ...TRAJECTORY_FIELDS.map((f) => field(trajectory[f.param], f)),
    { key: "axes", param: "axes", default: 0, parse: int(0, 2) },
    { key: "colour", param: "colour", default: "cluster", parse: oneOf(Object.keys(COLOUR_MODES)) },
    { key: "colourUnit", param: "cunit", default: null, parse: int(0, 100000) },
    { key: "text2", param: "text2", default: null, parse: text(20000) },
    // compare: order the right side's chips by the unit matching
    { key: "matchOrder", param: "match", default: false, parse: bool },
    { key: "jobs", param: "jobs", default: false, parse: flag },
  ]);
}

/**
 * The URL codec for the server's specs: {fields, defaultState(), parseState(search),
 * serializeState(state), changedKeys(a, b)}.
 */
export function urlCodec(specs) {
  const fields = urlFields(specs);
  return {
    fields,
    defaultState: () => defaultState(fields),
    parseState: (search) => parseState(search, fields),
    serializeState: (state) => serializeState(state, fields),
    changedKeys: (a, b) => changedKeys(a, b, fields),
  };
}

/** The default state (fresh arrays). */
export function defaultState(fields) {
  const s = {};
  for (const f of fields) s[f.key] = Array.isArray(f.default) ? [] : f.default;
  return s;
}

/** State from a query string ("?a=1&b=2" or "a=1"); invalid or unknown parameters are ignored. */
export function parseState(search, fields) {
  const params = new URLSearchParams(search);
  const state = defaultState(fields);
  for (const f of fields) {
    if (f.repeat) {
      const seen = new Set();
      const items = [];
      for (const raw of params.getAll(f.param)) {
        const v = f.parse(raw);
        const key = f.format ? f.format(v ?? {}) : v;
        if (v !== undefined && !seen.has(key)) { seen.add(key); items.push(v); }
      }
      state[f.key] = items.slice(0, f.repeat);
    } else if (params.has(f.param)) {
      const v = f.parse(params.get(f.param));
      if (v !== undefined) state[f.key] = v;
    }
  }
  return state;
}

function sameValue(a, b) {
  return a === b || (Array.isArray(a) && Array.isArray(b) && a.length === 0 && b.length === 0);
}

/** Query string ("?..." or "") of a state; defaults are left out, so URLs stay short. */
export function serializeState(state, fields) {
  const params = new URLSearchParams();
  for (const f of fields) {
    const v = state[f.key];
    if (v === undefined || sameValue(v, f.default)) continue;
    if (f.repeat) {
      for (const item of v.slice(0, f.repeat)) params.append(f.param, f.format ? f.format(item) : String(item));
    } else if (v !== null) {
      params.set(f.param, String(v));
    }
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** Keys whose values differ between two states (arrays compared by their URL form). */
export function changedKeys(a, b, fields) {
  return fields.filter((f) => {
    const x = a[f.key];
    const y = b[f.key];
    if (f.repeat) return JSON.stringify((x ?? []).map(f.format || String)) !== JSON.stringify((y ?? []).map(f.format || String));
    return x !== y;
  }).map((f) => f.key);
}
