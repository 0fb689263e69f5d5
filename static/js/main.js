// Entry point: load the models, keep the view in step with the store (and so the URL).

import d3 from "../vendor/d3.js";
import * as api from "./api.js";
import { createStore } from "./store.js";
import { STORE, VIEWS } from "./events.js";
import { createMainView } from "./views/mainView.js";
import { createCompareView } from "./views/compareView.js";
import { createSentenceView } from "./views/sentenceView.js";
import { createConfigView } from "./views/configView.js";
import { renderNoModels, showError } from "./views/status.js";
import { defaultModel, findModel } from "./views/common.js";
import { modelShape, headlineMetric } from "./data/format.js";
import { serializeState } from "./data/urlstate.js";

const FACTORIES = {
  [VIEWS.MAIN]: createMainView,
  [VIEWS.COMPARE]: createCompareView,
  [VIEWS.SENTENCE]: createSentenceView,
  [VIEWS.CONFIGS]: createConfigView,
};

/** Views that need at least one model. */
const NEEDS_MODELS = new Set([VIEWS.MAIN, VIEWS.COMPARE, VIEWS.SENTENCE]);

function toast(message, kind = "error") {
  const t = d3.select("#toasts").append("div").attr("class", `toast toast-${kind}`).attr("role", "alert").text(message);
  setTimeout(() => t.remove(), 6000);
}

async function boot() {
  const store = createStore();
  const app = { store, models: [], toast };
  const root = d3.select("#app");
  let current = null;
  let currentName = null;

  try {
    app.models = (await api.getModels()).models;
  } catch (err) {
    showError(root, err, "Cannot load the models");
    return;
  }
  app.models.sort((a, b) => a.name.localeCompare(b.name));
  // the server describes the analyses' parameters (ranges, help text); the controls use it if there
  app.specs = await api.getAnalyses().catch(() => ({}));

  // A missing or unknown model in the URL becomes the first evaluated one.
  const s = store.get();
  if (app.models.length && !findModel(app, s.model)) {
    store.set({ model: defaultModel(app.models).name }, { replace: true });
  }

  function render(state) {
    d3.selectAll(".tabs .tab").classed("active", function () { return this.dataset.view === state.view; })
      .attr("aria-current", function () { return this.dataset.view === state.view ? "page" : null; })
      // real links that keep the selection, so a middle-click opens the same state in a new tab
      .attr("href", function () { return `${window.location.pathname}${serializeState({ ...state, view: this.dataset.view })}`; });
    const model = findModel(app, state.model);
    const info = model && state.view !== VIEWS.CONFIGS ? [modelShape(model), model.dataset, headlineMetric(model)] : [];
    d3.select("#model-info").text(info.filter(Boolean).join(" · "));
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
    store.set({ view: this.dataset.view });
  });
  store.on(`${STORE.CHANGE}.main`, (state) => render(state));
  render(store.get());
}

boot();
