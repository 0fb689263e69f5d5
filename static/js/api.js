// The only module that talks to the server. Every call resolves to parsed JSON or throws an
// ApiError carrying the server's {"error": "..."} message (its `errors` list, if any, and every
// other field of the answer in `details`).

/** An error answer of the API (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(message, { status = 0, errors = null, url = "", details = {} } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.errors = errors;
    this.url = url;
    this.details = details;
  }
}

const BASE = "/api";
const cache = new Map(); // url -> Promise of JSON, for idempotent GETs that are slow to compute

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

const enc = encodeURIComponent;

async function request(method, path, body) {
  const url = BASE + path;
  const init = { method, headers: { Accept: "application/json" } };
  if (body instanceof FormData) {
    init.body = body;   // multipart: the browser sets the content type and its boundary
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new ApiError(`cannot reach the server (${err.message}); is \`python manage.py serve\` running?`, { url });
  }
  let payload = null;
  const text = await response.text();
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const message = payload && typeof payload.error === "string"
      ? payload.error
      : `${method} ${url} failed: ${response.status} ${response.statusText}`;
    throw new ApiError(message, { status: response.status, errors: payload ? payload.errors ?? null : null, url,
      details: payload && typeof payload === "object" ? payload : {} });
  }
  if (payload === null) throw new ApiError(`${method} ${url}: the server sent no JSON`, { status: response.status, url });
  return payload;
}

/** GET with a result cache (failed requests are not kept). */
function cachedGet(path) {
  if (!cache.has(path)) {
    const p = request("GET", path);
    cache.set(path, p);
    p.catch(() => cache.delete(path));
  }
  return cache.get(path);
}

/** Forget cached answers (e.g. after a model was retrained). */
export function clearCache() {
  cache.clear();
}

export const getModels = () => request("GET", "/models");
export const getModel = (name) => cachedGet(`/models/${enc(name)}`);

// parameters left out (null or undefined) take the server's declared defaults
const coclusterQuery = ({ layer, state, k, topK, mode, seed, split } = {}) =>
  query({ layer, state, k, top_k: topK, mode, seed, split });

/** Co-clusters of one layer and state kind; k null = the suggested k. */
export function getCoclusters(name, params) {
  return cachedGet(`/models/${enc(name)}/coclusters${coclusterQuery(params)}`);
}

/** Bootstrap stability of the co-clusters for the same parameters: {bootstrap_ari, resamples}. */
export function getStability(name, params) {
  return cachedGet(`/models/${enc(name)}/coclusters/stability${coclusterQuery(params)}`);
}

/** Fill in `data.quality.bootstrap_ari` if it is still pending; resolves true when it changed. */
export async function completeStability(name, params, data) {
  if (!data?.quality?.bootstrap_pending) return false;
  const out = await getStability(name, params);
  data.quality.bootstrap_ari = out.bootstrap_ari;
  data.quality.bootstrap_pending = false;
  return true;
}

export function getWord(name, word, { layer, state, split } = {}) {
  return cachedGet(`/models/${enc(name)}/words/${enc(word)}${query({ layer, state, split })}`);
}

export function getUnit(name, unit, { layer, state, top, split } = {}) {
  return cachedGet(`/models/${enc(name)}/units/${enc(unit)}${query({ layer, state, top, split })}`);
}

/** States of a typed text; `fields` names the states to return (default: h and c and their updates). */
export function evaluateText(name, text, fields = null) {
  return request("POST", `/models/${enc(name)}/evaluate`, fields ? { text, fields } : { text });
}
export const getSentences = (name, { split, n } = {}) => cachedGet(`/models/${enc(name)}/sentences${query({ split, n })}`);

// parameters of a fitted projection (null or undefined take the server's defaults)
const projection = ({ split, layer, state, method, dims, sample, seed } = {}) => ({ split, layer, state, method, dims, sample, seed });

/** A layer's states projected (fitted on a sample of the split) as a point cloud; `unit` adds its
 *  values, `docs` (classifiers) each class's first documents as paths. */
export function getTrajectories(name, params = {}) {
  return cachedGet(`/models/${enc(name)}/trajectories${query({ ...projection(params), unit: params.unit, docs: params.docs })}`);
}

/** A typed text projected onto the same axes: {tokens, oov, coords}. */
export function projectText(name, text, params = {}) {
  const body = Object.fromEntries(Object.entries(projection(params)).filter(([, v]) => v !== null && v !== undefined));
  return request("POST", `/models/${enc(name)}/trajectories/project`, { text, ...body });
}

/** Linear CKA between the layers of a model (and of `other`): {models, layers, cka}. */
export function getSimilarity(name, { other, split, kind } = {}) {
  return cachedGet(`/models/${enc(name)}/similarity${query({ other, split, kind })}`);
}

/** Units of `layer` matched to units of `layer2` (of `other`): {pairs, right_order, mean_abs_r}. */
export function getMatching(name, { layer, other, layer2, split, kind } = {}) {
  return cachedGet(`/models/${enc(name)}/matching${query({ layer, other, layer2, split, kind })}`);
}

/** The most telling first view: {model, layer, state, k, beyond_chance, structure} or {model: null}. */
export const getStart = () => cachedGet("/start");

/** Parameter specs of the analyses ({coclusters: {...}}), to build controls from. */
export const getAnalyses = () => cachedGet("/analyses");

export const getConfigs = () => request("GET", "/configs");
export const getConfig = (file) => request("GET", `/configs/${enc(file)}`);
export const validateConfig = (text) => request("POST", "/configs/validate", { text });
export const saveConfig = (file, text) => request("PUT", `/configs/${enc(file)}`, { text });

// ---------------------------------------------------------------- the Units view

const unitQuery = ({ split, layer, state, ...rest } = {}) => query({ split, layer, state, ...rest });

/** Units of a layer ranked by a contrast ({rank, a, b, score, ...}) or a target. */
export const getRanking = (name, params) => cachedGet(`/models/${enc(name)}/ranking${unitQuery(params)}`);

/** A unit's strongest contexts, histogram and quantile samples. */
export const getContexts = (name, unit, params) => cachedGet(`/models/${enc(name)}/contexts/${enc(unit)}${unitQuery(params)}`);

/** The values of some units over a passage ({units: [..], start, length} or {units, doc}). */
export const getHeatmap = (name, { units, ...params }) =>
  cachedGet(`/models/${enc(name)}/heatmap${unitQuery({ ...params, units: units?.join(",") })}`);

/** The values of some units over a typed text (runs the model). */
export const getTextHeatmap = (name, { text, layer, state, units }) =>
  request("POST", `/models/${enc(name)}/heatmap`, { text, layer, state, units });

/** Windows where the units switch on and off as over the phrase {units, start, length, threshold}. */
export const searchPattern = (name, { units, ...params }) =>
  cachedGet(`/models/${enc(name)}/search${unitQuery({ ...params, units: units?.join(",") })}`);

/** Gate saturation of every unit of a layer: {gates: {i: {low, high}, ...}}. */
export const getSaturation = (name, params) => cachedGet(`/models/${enc(name)}/saturation${unitQuery(params)}`);
/** The job queue: {jobs, runner, max_queued}. */
export const getJobs = () => request("GET", "/jobs");
/** One job with the last `lines` lines of its log. */
export const getJob = (id, lines) => request("GET", `/jobs/${enc(id)}${query({ lines })}`);
/** Queue a job of `kind` (train, evaluate, train-evaluate, import, import-evaluate) with its options. */
export const startJob = (kind, options) => request("POST", `/jobs/${enc(kind)}`, options);
export const cancelJob = (id) => request("POST", `/jobs/${enc(id)}/cancel`);
export const resumeJob = (id) => request("POST", `/jobs/${enc(id)}/resume`);

/** The imports folder: {files: [{name, size, kind, fits}], max_bytes, extensions, datasets}. */
export const getImportFiles = () => request("GET", "/imports");
/** Upload a File into the imports folder (under its own name); `overwrite` replaces one of that name. */
export function uploadImportFile(file, { overwrite = false } = {}) {
  const form = new FormData();
  form.append("file", file);
  return request("POST", `/imports${query({ overwrite: overwrite || null })}`, form);
}
export const deleteImportFile = (name) => request("DELETE", `/imports/${enc(name)}`);
