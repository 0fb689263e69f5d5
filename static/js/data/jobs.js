// Jobs in the page (pure): labels, progress text (training, evaluation, import stages), ETA, which
// jobs just finished, which model to compare a new one with, how often to poll, and a job's
// request options from its declared specs.

import { formatNumber } from "./scales.js";
import { headlineMetric } from "./format.js";

/** Statuses of a job that has not ended. */
export const ACTIVE = Object.freeze(["queued", "running"]);

/** Poll every second while something runs or the panel is open, else every 5 s (never faster). */
export const POLL_FAST = 1000;
export const POLL_IDLE = 5000;

export const isActive = (job) => ACTIVE.includes(job.status);

/** How long to wait before asking the server again. */
export function pollDelay(jobs, panelOpen) {
  return panelOpen || jobs.some(isActive) ? POLL_FAST : POLL_IDLE;
}

/** "cancelling" for a running job asked to stop, else its status. */
export function statusLabel(job) {
  return job.status === "running" && job.cancel_requested ? "cancelling" : job.status;
}

/** "1:05", "12:00", "1:02:03" (h:mm:ss); "–" for a missing or negative time. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** Done so far, 0..1: the progress record's fraction (1 for a finished job, 0 before any). */
export function jobFraction(job) {
  if (job.status === "done") return 1;
  const f = job.progress?.fraction;
  return Number.isFinite(f) ? Math.min(1, Math.max(0, f)) : 0;
}

const count = (n) => Number(n).toLocaleString("en");

/** What an import is doing: "reading lm.keras", "measuring valid · batch 3/12", "imported". */
function importStage(p) {
  switch (p.stage) {
    case "reading": return `reading ${p.file ?? "the files"}`;
    case "converting": return "converting to Keras cells";
    case "measuring": return p.split ? `measuring ${p.split} · batch ${p.step}/${p.steps}`
      : `loading the corpus${p.corpus ? ` (${p.corpus})` : ""}`;
    case "writing": return p.steps ? `writing the states · ${count(p.step)}/${count(p.steps)} rows` : "writing the model";
    case "done": return "imported";
    default: return p.stage ?? "importing";
  }
}

/** One line of progress: "epoch 2/5 · step 30/120 · loss 3.21 · ppl 24.8 · 1,234 tok/s"; an
 *  import's stage, and its metrics once measured ("imported · test ppl 120.3"). */
export function progressText(p) {
  if (!p) return "";
  const parts = [];
  if (p.phase === "import") {
    parts.push(importStage(p));
  } else if (p.phase === "evaluate") {
    parts.push(`recording ${p.split}`, `${count(p.tokens)}/${count(p.total_tokens)} tokens`);
  } else {
    parts.push(p.phase === "train" ? `epoch ${p.epoch}/${p.epochs}` : `${p.phase === "valid" ? "validating" : "testing"} after epoch ${p.epoch}`);
    parts.push(`step ${p.step}/${p.steps}`);
    if (Number.isFinite(p.loss)) parts.push(`loss ${formatNumber(p.loss)}`);
    if (Number.isFinite(p.perplexity)) parts.push(`ppl ${formatNumber(p.perplexity)}`);
    if (Number.isFinite(p.accuracy)) parts.push(`acc ${(100 * p.accuracy).toFixed(1)}%`);
  }
  if (Number.isFinite(p.tokens_per_s)) parts.push(`${Math.round(p.tokens_per_s).toLocaleString("en")} tok/s`);
  if (p.metrics) parts.push(headlineMetric({ metrics: p.metrics }));
  return parts.filter(Boolean).join(" · ");
}

/** "ETA 1:05" for a running job whose progress has an estimate, else "". */
export function etaText(job) {
  const eta = job.progress?.eta;
  return job.status === "running" && Number.isFinite(eta) ? `ETA ${formatDuration(eta)}` : "";
}

/** Jobs that are done now but were queued or running in `before` (the last answer). */
export function newlyDone(before, after) {
  const was = new Map(before.map((j) => [j.id, j.status]));
  return after.filter((j) => j.status === "done" && ACTIVE.includes(was.get(j.id)));
}

/**
 * The model to compare a new model with: the one being looked at (`current`) if it is another
 * evaluated model, else the first other evaluated one, else null.
 */
export function compareWith(models, name, current) {
  const ok = (m) => m && m.name !== name && m.status === "evaluated";
  const cur = models.find((m) => m.name === current);
  if (ok(cur)) return cur.name;
  return models.find(ok)?.name ?? null;
}

/** The loss curve of a job: {train: [[epoch, loss]...], valid: [[epoch, loss]...]}. */
export function lossSeries(job) {
  const points = (list) => (list ?? []).filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  return { train: points(job.curve), valid: points(job.valid) };
}

/**
 * A job's request body from form `values`, keeping only the parameters the kind declares (`spec`:
 * {name: {type, ...}} from /api/analyses) and leaving out empty ones, so the server's defaults apply.
 */
export function jobOptions(spec, values) {
  const out = {};
  for (const [name, p] of Object.entries(spec)) {
    const v = values[name];
    if (v === undefined || v === null || v === "" || (p.type === "bool" && v === false)) continue;
    out[name] = p.type === "int" ? Number(v) : v;
  }
  return out;
}
