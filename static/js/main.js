// Entry point: load the models, keep the view in step with the view state (and so the URL).

import d3 from "../vendor/d3.js";
import * as api from "./api.js";
import { createViewState } from "./viewState.js";
import { VIEW_STATE, VIEWS } from "./events.js";
import { createMainView } from "./views/mainView.js";
import { createCompareView } from "./views/compareView.js";
import { createSentenceView } from "./views/sentenceView.js";
import { createTrajectoryView } from "./views/trajectoryView.js";
import { createConfigView } from "./views/configView.js";
import { createUnitsView } from "./views/unitsView.js";
import { createJobsPanel } from "./views/jobsPanel.js";
import { createImportDialog } from "./views/importDialog.js";
import { isActive } from "./data/jobs.js";
import { renderNoModels, showError } from "./views/status.js";
import { defaultModel, findModel } from "./views/common.js";
import { modelShape, headlineMetric, modelSource, versionLabel } from "./data/format.js";
import { urlCodec } from "./data/urlstate.js";

const FACTORIES = {
  [VIEWS.MAIN]: createMainView,
  [VIEWS.COMPARE]: createCompareView,
  [VIEWS.SENTENCE]: createSentenceView,
  [VIEWS.TRAJECTORIES]: createTrajectoryView,
  [VIEWS.UNITS]: createUnitsView,
  [VIEWS.CONFIGS]: createConfigView,
};

/** Views that need at least one model. */
const NEEDS_MODELS = new Set([VIEWS.MAIN, VIEWS.COMPARE, VIEWS.SENTENCE, VIEWS.TRAJECTORIES, VIEWS.UNITS]);

function toast(message, kind = "error") {
  const t = d3.select("#toasts").append("div").attr("class", `toast toast-${kind}`).attr("role", "alert").text(message);
  setTimeout(() => t.remove(), 6000);
}

async function boot() {
  const app = { models: [], toast };
  const root = d3.select("#app");
  let current = null;
  let currentName = null;

  try {
    // the server declares every parameter (bounds, choices, defaults, help): the URL codec and
    // the controls are built from those specs
    let list;
    [list, app.specs] = await Promise.all([api.getModels(), api.getAnalyses()]);
    app.models = list.models;
    d3.select("#version").text(versionLabel(list.version));
  } catch (err) {
    showError(root, err, "Cannot load the models");
    return;
  }
  app.models.sort((a, b) => a.name.localeCompare(b.name));
  app.codec = urlCodec(app.specs);
  const viewState = createViewState(app.codec);
  app.viewState = viewState;

  // A missing or unknown model in the URL becomes the most telling view the server finds (the
  // layer with the clearest structure beyond chance), else the first evaluated model.
  const s = viewState.get();
  if (app.models.length && !findModel(app, s.model)) {
    const start = await api.getStart().catch(() => ({ model: null }));
    viewState.set(findModel(app, start.model) ? { model: start.model, layer: start.layer, state: start.state }
      : { model: defaultModel(app.models).name }, { replace: true });
  }

  function render(state) {
    d3.selectAll(".tabs .tab").classed("active", function () { return this.dataset.view === state.view; })
      .attr("aria-current", function () { return this.dataset.view === state.view ? "page" : null; })
      // real links that keep the selection, so a middle-click opens the same state in a new tab
      .attr("href", function () { return `${window.location.pathname}${app.codec.serializeState({ ...state, view: this.dataset.view })}`; });
    const model = findModel(app, state.model);
    const info = model && state.view !== VIEWS.CONFIGS
      ? [modelShape(model), model.dataset === "none" ? "" : model.dataset, headlineMetric(model), modelSource(model)] : [];
    d3.select("#model-info").text(info.filter(Boolean).join(" · "));
    renderTraining();
    const name = NEEDS_MODELS.has(state.view) && !app.models.length ? "empty" : state.view;
    if (name !== currentName) {
      if (current) current.destroy();
      root.selectAll("*").remove();
      root.attr("class", "app");
      currentName = name;
      if (name === "empty") {
        current = { update() {}, destroy() {} };
        renderNoModels(root.append("div").attr("class", "view view-empty"));
        return;
      }
      current = FACTORIES[name](root.append("div"), app);
    }
    Promise.resolve(current.update(state)).catch((err) => {
      console.error(err);
      toast(err.message);
    });
  }

  // Tabs keep the rest of the state (model, layer, words...) when switching views.
  d3.selectAll(".tabs .tab").on("click", function (event) {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    viewState.set({ view: this.dataset.view });
  });

  // A finished job's model joins every model picker: reload the models, forget cached answers
  // (a model trained again under its name has new ones), and redraw the current view.
  app.onJobsDone = async (done) => {
    try {
      app.models = (await api.getModels()).models.sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      toast(err.message);
      return;
    }
    api.clearCache();
    for (const job of done) toast(`job #${job.id} is done: ${job.model} is ready`, "info");
    render(viewState.get());
  };
  // the model on show is still training (e.g. the demo's models after their first look): say so
  let jobsSeen = [];
  function renderTraining() {
    const job = jobsSeen.find((j) => j.model === viewState.get().model && isActive(j));
    d3.select("#model-training").text(job
      ? ` · ${job.status === "queued" ? "more training queued" : "still training"}: the views refresh when job #${job.id} is done`
      : "");
  }
  app.onJobs = (jobs) => { jobsSeen = jobs; renderTraining(); };
  app.imports = createImportDialog(app);
  app.jobs = createJobsPanel(app, d3.select("#jobs-toggle"), d3.select("#jobs-panel"));

  viewState.on(`${VIEW_STATE.CHANGE}.main`, (state, keys) => {
    app.jobs.update(state);
    if (keys.every((k) => k === "jobs")) return;  // the panel opened or closed: the view stays
    render(state);
  });
  app.jobs.update(viewState.get());
  render(viewState.get());
}

boot();
