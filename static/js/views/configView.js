// Configs: list the YAML configs with their status; edit one, validate as you type (errors are
// shown at their line), save only valid YAML. Unsaved edits are kept per file (sessionStorage),
// so switching files or views, or reloading, does not lose them. Train queues the saved config
// as a job (train, or train then evaluate); a model that exists is trained again only after the
// user chooses to resume it or to start from scratch. "Import a model" opens the import form.

import * as api from "../api.js";
import { showError, setLoading, clear } from "./status.js";
import { errorsByLine, errorText } from "../data/configErrors.js";
import { debounce } from "./common.js";
import { createDrafts } from "../data/drafts.js";
import { jobOptions } from "../data/jobs.js";

const LINE_H = 20;

const PAD = 8;

function sessionStore() {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // storage disabled: drafts live as long as the view
  }
}

export function createConfigView(root, app) {
  const viewState = app.viewState;
  const drafts = createDrafts(sessionStore());
  root.attr("class", "view view-configs");
  const sidebar = root.append("aside").attr("class", "sidebar").append("div").attr("class", "panel-inner");
  sidebar.append("h2").attr("class", "sidebar-title").text("Configs");
  const listBox = sidebar.append("div").attr("class", "config-list-box");
  const jobSpecs = app.specs.jobs;   // the server's declaration of each job kind's parameters
  const trainBox = sidebar.append("div").attr("class", "train-options");
  trainBox.append("h2").attr("class", "sidebar-title").text("Training job");
  const epochs = numberField(trainBox, "Epochs", jobSpecs.train.epochs, "config's");
  const maxSteps = numberField(trainBox, "Batches per epoch", jobSpecs.train.max_steps, "all");
  const evaluateAfter = trainBox.append("label").attr("class", "check")
    .call((l) => l.append("input").attr("type", "checkbox").attr("class", "train-evaluate").property("checked", true))
    .call((l) => l.append("span").text("evaluate after training (the views need it)"))
    .select("input");
  sidebar.append("p").attr("class", "note").html(
    "<b>Train</b> queues the saved config as a job: watch it under <b>Jobs</b> (top right). " +
    "From a terminal: <code>python manage.py train config/NAME.yaml</code>, then " +
    "<code>python manage.py evaluate NAME</code>.");
  const importBox = sidebar.append("div").attr("class", "import-box");
  importBox.append("h2").attr("class", "sidebar-title").text("Bring your own model");
  importBox.append("button").attr("type", "button").attr("class", "button import-open").text("Import a model…")
    .on("click", () => app.imports.open());
  importBox.append("p").attr("class", "note").text(
    "Keras, ONNX or PyTorch safetensors, with its vocabulary; or LSTMVis states. A config's data: section can be its corpus.");

  const canvas = root.append("section").attr("class", "canvas");
  const toolbar = canvas.append("div").attr("class", "config-toolbar");
  const fileName = toolbar.append("span").attr("class", "file-name");
  const stateLabel = toolbar.append("span").attr("class", "config-state");
  const right = toolbar.append("span").attr("class", "actions");
  const validateBtn = right.append("button").attr("type", "button").attr("class", "button validate").text("Validate");
  const saveBtn = right.append("button").attr("type", "button").attr("class", "button primary save").text("Save");
  const trainBtn = right.append("button").attr("type", "button").attr("class", "button primary train").text("Train")
    .property("disabled", true);
  const dialog = root.append("dialog").attr("class", "train-confirm");
  const editorHost = canvas.append("div").attr("class", "editor-host canvas-body");
  const editor = editorHost.append("div").attr("class", "editor");
  const gutter = editor.append("div").attr("class", "editor-gutter").attr("aria-hidden", "true");
  const main = editor.append("div").attr("class", "editor-main");
  const backdrop = main.append("div").attr("class", "editor-backdrop").attr("aria-hidden", "true");
  const textarea = main.append("textarea").attr("spellcheck", "false").attr("aria-label", "config YAML")
    .attr("wrap", "off");
  const notes = editor.append("div").attr("class", "editor-notes");
  const notesInner = notes.append("div").attr("class", "editor-notes-inner");
  const general = canvas.append("ul").attr("class", "config-general-errors");

  let file = null;
  let savedText = "";
  let validation = null; // {text, valid, errors}
  let token = 0;
  let configs = [];

  async function loadList() {
    try {
      configs = (await api.getConfigs()).configs;
    } catch (err) {
      showError(listBox, err, "Cannot list the configs");
      return;
    }
    renderList();
  }

  function renderList() {
    const unsaved = drafts.files();
    const ul = listBox.selectAll("ul.config-list").data([0]).join("ul").attr("class", "config-list");
    ul.selectAll("li")
      .data(configs, (c) => c.file)
      .join("li")
      .attr("class", (c) => `config-item ${c.valid ? "valid" : "invalid"}`)
      .classed("active", (c) => c.file === file)
      .classed("dirty", (c) => unsaved.has(c.file))
      .attr("data-file", (c) => c.file)
      .attr("title", (c) => (c.valid ? "valid" : (c.errors ?? []).map((e) => (typeof e === "string" ? e : e.message)).join("\n")))
      .html("")
      .call((li) => {
        li.append("span").attr("class", "status-dot");
        li.append("span").attr("class", "config-file").text((c) => c.file);
        li.append("span").attr("class", "config-status").text((c) => (c.valid ? "valid" : `${(c.errors ?? []).length} error${(c.errors ?? []).length === 1 ? "" : "s"}`));
      })
      .on("click", (event, c) => viewState.set({ config: c.file }));
    if (!configs.length) listBox.selectAll("p.empty").data([0]).join("p").attr("class", "note empty").text("No configs in the config folder.");
  }

  function renderLines() {
    const text = textarea.property("value");
    const lines = text.split("\n");
    const placed = validation && validation.text === text ? errorsByLine(text, validation.errors) : { byLine: new Map(), unplaced: [] };
    gutter.selectAll("div").data(lines).join("div")
      .attr("data-line", (_, i) => i + 1)
      .classed("has-error", (_, i) => placed.byLine.has(i + 1))
      .text((_, i) => i + 1);
    backdrop.selectAll("div").data(lines).join("div")
      .classed("has-error", (_, i) => placed.byLine.has(i + 1))
      .text((l) => l || " ");
    const entries = [...placed.byLine.entries()].sort((a, b) => a[0] - b[0]);
    const notesSel = notesInner.selectAll("div.config-error")
      .data(entries, (d) => d[0])
      .join("div")
      .attr("class", "config-error")
      .attr("data-line", (d) => d[0])
      .attr("role", "alert")
      .html("")
      .call((div) => {
        div.append("span").attr("class", "config-error-line muted").text((d) => `line ${d[0]} · `);
        div.append("span").attr("class", "config-error-message").text((d) => d[1].map(errorText).join("; "));
      });
    // place each note at its line, pushed down if the one above is taller than a line
    let floor = 0;
    notesSel.each(function (d) {
      const want = PAD + (d[0] - 1) * LINE_H - 2;
      const top = Math.max(want, floor);
      this.style.top = `${top}px`;
      floor = top + this.offsetHeight + 2;
    });
    general.selectAll("li").data(placed.unplaced).join("li").attr("class", "config-error general")
      .text(errorText);
    syncScroll();
  }

  function syncScroll() {
    const top = textarea.property("scrollTop");
    const left = textarea.property("scrollLeft");
    gutter.property("scrollTop", top);
    backdrop.property("scrollTop", top).property("scrollLeft", left);
    notesInner.style("transform", `translateY(${-top}px)`);
  }

  function renderState() {
    const text = textarea.property("value");
    const dirty = text !== savedText;
    const current = validation && validation.text === text;
    let label = "";
    let cls = "";
    if (validation && validation.saved && !dirty) { label = "✓ saved"; cls = "saved"; }
    else if (current && validation.valid) { label = dirty ? "✓ valid — unsaved changes" : "✓ valid"; cls = "valid"; }
    else if (current) { label = `✗ ${validation.errors.length} error${validation.errors.length === 1 ? "" : "s"} — fix before saving`; cls = "invalid"; }
    else if (dirty) { label = "checking…"; }
    stateLabel.attr("class", `config-state ${cls}`).text(label);
    const unsaved = drafts.files();
    listBox.selectAll(".config-item").classed("dirty", (c) => (c.file === file ? dirty : unsaved.has(c.file)));
    saveBtn.property("disabled", !(dirty && current && validation.valid));
    const trainable = Boolean(file) && !dirty && current && validation.valid;
    trainBtn.property("disabled", !trainable)
      .attr("title", trainable ? "queue a job that trains this config" : dirty ? "save the config first" : "only a valid config can be trained");
  }

  function numberField(parent, label, spec, placeholder) {
    const row = parent.append("label").attr("class", "field");
    row.append("span").text(label);
    return row.append("input").attr("type", "number").attr("step", 1)
      .attr("min", spec.min ?? null).attr("max", spec.max ?? null)
      .attr("placeholder", placeholder).attr("title", spec.help);
  }

  /** Queue the saved config; `mode` "force" or "resume" answers a model that exists. */
  async function train(mode = null) {
    if (!file) return;
    const kind = evaluateAfter.property("checked") ? "train-evaluate" : "train";
    const values = { config: file, epochs: epochs.property("value"), max_steps: maxSteps.property("value"),
      force: mode === "force", resume: mode === "resume" };
    trainBtn.property("disabled", true);
    try {
      const job = await api.startJob(kind, jobOptions(jobSpecs[kind], values));
      app.toast(`queued job #${job.id}: ${kind} ${job.model}`, "info");
      app.jobs.show(job.id);
    } catch (err) {
      if (err.status === 409 && err.details.status) confirmRetrain(err);
      else app.toast(err.message);
    } finally {
      renderState();
    }
  }

  /** The model exists: resume it (if it has a checkpoint), train it from scratch, or leave it. */
  function confirmRetrain(err) {
    const close = () => dialog.node().close();
    dialog.selectAll("*").remove();
    dialog.append("h3").text(`Model ${err.details.model} exists`);
    dialog.append("p").attr("class", "dialog-message").text(err.message);
    const row = dialog.append("div").attr("class", "dialog-actions");
    if (err.details.resumable) {
      row.append("button").attr("type", "button").attr("class", "button primary train-resume")
        .text("Resume training").on("click", () => { close(); train("resume"); });
    }
    row.append("button").attr("type", "button").attr("class", "button danger train-force")
      .text("Train from scratch (deletes it)").on("click", () => { close(); train("force"); });
    row.append("button").attr("type", "button").attr("class", "button train-cancel").text("Cancel").on("click", close);
    dialog.node().showModal();
  }

  async function validateNow() {
    const text = textarea.property("value");
    const my = ++token;
    try {
      const res = await api.validateConfig(text);
      if (my !== token) return;
      validation = { text, valid: res.valid, errors: res.errors ?? [] };
    } catch (err) {
      if (my !== token) return;
      validation = { text, valid: false, errors: [{ key: "", message: err.message, line: null }] };
    }
    renderLines();
    renderState();
  }
  const validateSoon = debounce(validateNow, 350);

  textarea.on("input", () => {
    if (file) drafts.update(file, textarea.property("value"), savedText);
    renderLines();
    renderState();
    validateSoon();
  });
  textarea.on("scroll", syncScroll);
  textarea.on("keydown", (event) => {
    if (event.key === "Tab") {
      event.preventDefault();
      const el = textarea.node();
      el.setRangeText("  ", el.selectionStart, el.selectionEnd, "end");
      textarea.dispatch("input");
    }
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); save(); }
  });
  validateBtn.on("click", validateNow);
  saveBtn.on("click", save);
  trainBtn.on("click", () => train());

  async function save() {
    if (!file) return;
    const text = textarea.property("value");
    saveBtn.property("disabled", true);
    try {
      await api.saveConfig(file, text);
      savedText = text;
      drafts.drop(file);
      validation = { text, valid: true, errors: [], saved: true };
      await loadList();
    } catch (err) {
      validation = { text, valid: false, errors: err.errors || [{ key: "", message: err.message, line: null }] };
      app.toast(err.message);
    }
    renderLines();
    renderState();
  }

  async function open(name) {
    file = name;
    renderList();
    fileName.text(name ?? "");
    if (!name) {
      textarea.property("value", "").attr("disabled", true);
      savedText = "";
      validation = null;
      renderLines();
      stateLabel.text("pick a config on the left");
      saveBtn.property("disabled", true);
      trainBtn.property("disabled", true);
      validateBtn.property("disabled", true);
      return;
    }
    validateBtn.property("disabled", false);
    setLoading(editorHost, true, "loading…");
    try {
      const res = await api.getConfig(name);
      if (file !== name) return;
      savedText = res.text;
      const draft = drafts.get(name);
      if (draft !== null) drafts.update(name, draft, res.text); // forget it if the file now says the same
      textarea.attr("disabled", null).property("value", draft ?? res.text).property("scrollTop", 0);
      validation = null;
      editorHost.selectAll(".error-box").remove();
      renderLines();
      renderState();
      await validateNow();
    } catch (err) {
      clear(general);
      editorHost.selectAll(".error-box").remove();
      editorHost.insert("div", ":first-child").call((el) => showError(el, err, `Cannot open ${name}`)).attr("class", "error-holder");
    } finally {
      setLoading(editorHost, false);
    }
  }

  let listLoaded = null;
  async function update(state) {
    if (!listLoaded) listLoaded = loadList();
    await listLoaded;
    const want = state.config ?? (configs[0] ? configs[0].file : null);
    if (want !== file) await open(want);
  }

  return {
    update,
    destroy() {
      token += 1;
      root.selectAll("*").remove();
    },
  };
}

