// The Jobs panel, reachable from every view (the Jobs button in the top bar; `jobs=1` in the URL):
// the queue, with a progress bar, ETA, live loss curve and log tail for the running job (or the
// one clicked), Cancel and Resume; a finished model opens in Memory or in Compare; "Import a
// model" opens the import form. The panel polls the server at most once a second, and when a job
// finishes it asks the page to reload its models.

import d3 from "../../vendor/d3.js";
import * as api from "../api.js";
import { lossCurve } from "../charts/index.js";
import {
  compareWith, etaText, formatDuration, isActive, jobFraction, lossSeries, newlyDone, pollDelay,
  progressText, statusLabel,
} from "../data/jobs.js";

const LOG_LINES = 14;

/**
 * The panel in `panel` (a d3 selection of an empty <aside>), toggled by `button` (the top bar's).
 * `app.onJobsDone(jobs)` is called with the jobs that have just finished. Returns {update(state),
 * refresh(), show(jobId)}.
 */
export function createJobsPanel(app, button, panel) {
  const viewState = app.viewState;
  panel.attr("class", "jobs-panel").attr("aria-label", "jobs");
  const head = panel.append("div").attr("class", "jobs-head");
  head.append("h2").text("Jobs");
  const runnerNote = head.append("span").attr("class", "muted jobs-runner");
  head.append("button").attr("type", "button").attr("class", "button import-open").text("Import a model…")
    .attr("title", "upload a Keras, ONNX or safetensors model (or LSTMVis states) and import it as a job")
    .on("click", () => app.imports.open());
  head.append("button").attr("type", "button").attr("class", "link-button jobs-close")
    .attr("aria-label", "close the jobs panel").text("×")
    .on("click", () => viewState.set({ jobs: false }));
  const errorLine = panel.append("div").attr("class", "jobs-error");
  const list = panel.append("div").attr("class", "jobs-list");
  const badge = button.select(".jobs-badge");
  button.on("click", () => viewState.set({ jobs: !viewState.get().jobs })).property("disabled", false);

  let jobs = [];
  let loaded = false;
  let open = false;
  let focus = null;          // the job whose chart and log are shown (null: the running one)
  let timer = null;
  let inFlight = null;
  const logs = new Map();    // job id -> the end of its log

  const focused = () => jobs.find((j) => j.id === focus) ?? jobs.find((j) => j.status === "running") ?? null;

  async function poll() {
    clearTimeout(timer);
    try {
      const answer = await api.getJobs();
      const before = jobs;
      jobs = answer.jobs;
      runnerNote.text(answer.runner ? "" : "no runner: jobs wait for `manage.py serve`");
      const done = loaded ? newlyDone(before, jobs) : [];
      loaded = true;
      const f = focused();
      if (open && f) logs.set(f.id, (await api.getJob(f.id, LOG_LINES)).log);
      errorLine.text("");
      render();
      if (done.length) {
        await app.onJobsDone(done);
        render();   // the finished models are known now: link them
      }
    } catch (err) {
      errorLine.text(`cannot read the job queue: ${err.message}`);
    }
    timer = setTimeout(refresh, pollDelay(jobs, open));
  }

  /** Ask the server now (one request at a time). */
  function refresh() {
    if (!inFlight) inFlight = poll().finally(() => { inFlight = null; });
    return inFlight;
  }

  async function act(call, job) {
    try {
      await call(job.id);
    } catch (err) {
      app.toast(err.message);
    }
    await refresh();
  }

  function links(el, job) {
    const model = app.models.find((m) => m.name === job.model);
    if (job.status !== "done" || !model || model.status !== "evaluated") return;
    const state = viewState.get();
    const go = (patch) => (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      viewState.set(patch);
    };
    const memory = { view: "main", model: job.model, layer: 0, k: null, words: [], units: [] };
    el.append("a").attr("class", "job-link open-memory").text("Memory")
      .attr("href", `${window.location.pathname}${app.codec.serializeState({ ...state, ...memory })}`)
      .on("click", go(memory));
    const other = compareWith(app.models, job.model, state.model);
    if (!other) return;
    const compare = { view: "compare", model: job.model, compare: other, layer: 0, layer2: 0, k: null, words: [], units: [] };
    el.append("a").attr("class", "job-link open-compare").text(`Compare with ${other}`)
      .attr("href", `${window.location.pathname}${app.codec.serializeState({ ...state, ...compare })}`)
      .on("click", go(compare));
  }

  function card(el, job, shown) {
    el.selectAll("*").remove();
    el.attr("class", `job-card status-${job.status}`).classed("focused", shown)
      .attr("data-job", job.id).attr("data-status", statusLabel(job))
      .attr("data-phase", job.progress?.phase ?? null);
    const top = el.append("button").attr("type", "button").attr("class", "job-head")
      .attr("aria-expanded", String(shown)).attr("title", job.command)
      .on("click", () => { focus = job.id; refresh(); });
    top.append("span").attr("class", "job-id").text(`#${job.id}`);
    top.append("span").attr("class", "job-kind").text(job.kind);
    top.append("span").attr("class", "job-model").text(job.model);
    top.append("span").attr("class", `badge job-status job-status-${job.status}`).text(statusLabel(job));
    const time = job.status === "queued" ? "waiting" : `${isActive(job) ? "running" : "took"} ${formatDuration(job.seconds)}`;
    if (isActive(job) || job.progress) {
      const bar = el.append("div").attr("class", "progress").attr("role", "progressbar")
        .attr("aria-valuemin", 0).attr("aria-valuemax", 100)
        .attr("aria-valuenow", Math.round(100 * jobFraction(job)));
      bar.append("div").attr("class", "progress-bar").style("width", `${(100 * jobFraction(job)).toFixed(1)}%`);
    }
    el.append("div").attr("class", "job-progress")
      .text([progressText(job.progress), etaText(job), time].filter(Boolean).join(" · "));
    if (job.error) el.append("div").attr("class", "job-error").text(job.error);
    const actions = el.append("div").attr("class", "job-actions");
    if (isActive(job) || job.status === "interrupted") {
      actions.append("button").attr("type", "button").attr("class", "button job-cancel").text("Cancel")
        .property("disabled", job.cancel_requested).on("click", () => act(api.cancelJob, job));
    }
    if (job.resumable) {
      actions.append("button").attr("type", "button").attr("class", "button primary job-resume")
        .text("Resume").attr("title", "queue it again; training continues from its last checkpoint")
        .on("click", () => act(api.resumeJob, job));
    }
    links(actions, job);
    if (!shown) return;
    const series = lossSeries(job);
    if (series.train.length || series.valid.length) {
      el.append("svg").call(lossCurve().data(series).epochs(job.progress?.epochs ?? null)
        .width(Math.max(200, list.node().clientWidth - 28)).height(120));
    }
    if (logs.has(job.id)) {
      const pre = el.append("pre").attr("class", "job-log").text(logs.get(job.id) || "(no output yet)");
      pre.property("scrollTop", pre.property("scrollHeight"));   // the end of the log
    }
  }

  function render() {
    app.onJobs?.(jobs);
    const active = jobs.filter(isActive).length;
    badge.text(active || "").classed("hidden", !active);
    button.classed("busy", jobs.some((j) => j.status === "running"));
    if (!open) return;
    const shown = focused();
    list.selectAll("p.empty").data(jobs.length ? [] : [0]).join("p").attr("class", "note empty")
      .text("No jobs yet. Train a config from the Configs view, or import a model.");
    list.selectAll("div.job-card").data(jobs, (j) => j.id).join("div")
      .each(function (job) { card(d3.select(this), job, shown !== null && job.id === shown.id); });
  }

  function update(state) {
    const next = Boolean(state.jobs);
    button.attr("aria-expanded", String(next)).classed("active", next);
    panel.classed("hidden", !next);
    if (next === open && loaded) return;
    if (next !== open) {
      // the page makes room for the panel: views redraw as on a narrower window
      document.body.classList.toggle("jobs-open", next);
      window.dispatchEvent(new Event("resize"));
    }
    open = next;
    refresh();
  }

  /** Open the panel on job `id` (just queued). */
  function show(id) {
    focus = id;
    if (viewState.get().jobs) refresh();
    else viewState.set({ jobs: true });
  }

  return { update, refresh, show };
}
