// "Import a model": a dialog over every view, opened from the Jobs panel and the Configs view.
// A file picked in the form is uploaded at once into the workspace's imports folder (a name that
// is there already is replaced only when the user says so); Import queues an import job (or
// import, then evaluate) and opens it in the Jobs panel. A job the server refuses (a name that
// exists, a file that is missing, options that do not fit the format) says why in the form; an
// import that fails (a vocabulary of the wrong size, a bidirectional layer, a corrupt file) says
// why in its job's row. The form keeps its values between openings, to fix one and try again.

import d3 from "../../vendor/d3.js";
import * as api from "../api.js";
import {
  acceptFor, canEvaluate, dataChoices, filesFor, formatBytes, importJob, modelNameFrom, uploadProblem,
} from "../data/imports.js";

const LABELS = Object.freeze({ path: "Model file", vocab: "Vocabulary", data: "Corpus", mapping: "Tensor names" });

/** The dialog (built on first use); returns {open()}. */
export function createImportDialog(app) {
  const spec = app.specs.jobs.import;   // the import job's declared parameters
  const values = { kind: spec.kind.choices[0], path: "", name: "", vocab: "", data: "", mapping: "",
    task: "", cell: "", force: false, evaluate: true };
  let imports = { files: [], extensions: {}, datasets: [], max_bytes: null };
  let configs = [];
  let nameFromFile = true;   // the name follows the model file until the user types one
  let dialog = null;
  let ui = null;

  function select(row, field, options) {
    return row.append("select").attr("name", field).attr("title", spec[field]?.help ?? null)
      .on("change", function () {
        values[field] = this.value;
        if (field === "path" && nameFromFile) values.name = modelNameFrom(this.value, spec.name.pattern);
        render();
      });
  }

  function fileRow(form, field) {
    const row = form.append("div").attr("class", `import-row import-field-${field}`);
    row.append("label").attr("for", `import-${field}`).text(LABELS[field]);
    const box = row.append("div").attr("class", "import-input");
    select(box, field).attr("id", `import-${field}`);
    box.append("label").attr("class", "button upload").attr("title", "upload a file into the imports folder")
      .call((l) => l.append("span").text("Upload…"))
      .append("input").attr("type", "file").attr("class", "visually-hidden")
      .on("change", function () { upload(field, this); });
    row.append("div").attr("class", "import-help").text(spec[field]?.help ?? "");
    return row;
  }

  function choiceRow(form, field, label, auto) {
    const row = form.append("div").attr("class", `import-row import-field-${field}`);
    row.append("label").attr("for", `import-${field}`).text(label);
    select(row.append("div").attr("class", "import-input"), field).attr("id", `import-${field}`)
      .selectAll("option").data([...(auto ? [{ value: "", label: auto }] : []),
        ...spec[field].choices.map((c) => ({ value: c, label: c.replace("_", " "), title: spec[field].choice_help?.[c] }))])
      .join("option").attr("value", (d) => d.value).attr("title", (d) => d.title ?? null).text((d) => d.label);
    return row;
  }

  function check(form, field, label) {
    return form.append("label").attr("class", `check import-${field}`)
      .call((l) => l.append("input").attr("type", "checkbox").attr("name", field)
        .on("change", function () { values[field] = this.checked; render(); }))
      .call((l) => l.append("span").text(label));
  }

  function build() {
    dialog = d3.select("body").append("dialog").attr("class", "import-dialog").attr("aria-labelledby", "import-title");
    dialog.append("h3").attr("id", "import-title").text("Import a model");
    dialog.append("p").attr("class", "dialog-message").text(
      "A recurrent model trained elsewhere (Keras, ONNX, PyTorch safetensors) or LSTMVis states. The files you pick " +
      "are uploaded into the workspace's imports folder; the import runs as a job.");
    const form = dialog.append("form").attr("class", "import-form").attr("novalidate", true)
      .on("submit", (event) => { event.preventDefault(); submit(); });
    choiceRow(form, "kind", "Format");
    const rows = Object.fromEntries(["path", "vocab", "data", "mapping"].map((f) => [f, fileRow(form, f)]));
    const nameRow = form.append("div").attr("class", "import-row import-field-name");
    nameRow.append("label").attr("for", "import-name").text("Model name");
    const name = nameRow.append("div").attr("class", "import-input").append("input").attr("type", "text")
      .attr("id", "import-name").attr("name", "name").attr("title", spec.name.help).attr("autocomplete", "off")
      .on("input", function () { values.name = this.value; nameFromFile = !this.value; render(); });
    const task = choiceRow(form, "task", "Task", "from the output layer");
    const cell = choiceRow(form, "cell", "Cell", "lstm with cell states, else rnn");
    check(form, "force", "replace a model of that name");
    const evaluate = check(form, "evaluate", "evaluate it after importing (the views need it)");
    const status = form.append("div").attr("class", "import-status").attr("role", "status");
    const error = form.append("div").attr("class", "import-error").attr("role", "alert");
    const actions = form.append("div").attr("class", "dialog-actions");
    actions.append("button").attr("type", "button").attr("class", "button import-close").text("Close")
      .on("click", () => dialog.node().close());
    const submitBtn = actions.append("button").attr("type", "submit").attr("class", "button primary import-submit").text("Import");
    ui = { form, rows, name, task, cell, evaluate, status, error, submitBtn };
  }

  function say(message, buttons = []) {
    ui.error.selectAll("*").remove();
    if (!message) return;
    ui.error.append("span").attr("class", "import-error-message").text(message);
    for (const [label, action] of buttons) {
      ui.error.append("button").attr("type", "button").attr("class", "link-button").text(label).on("click", action);
    }
  }

  /** The select's options: the unnamed group's first, then one optgroup per named group. */
  function fill(sel, groups, value) {
    const option = (s) => s.join("option").attr("value", (o) => o.value).text((o) => o.label);
    sel.selectAll(":scope > option").data(groups.find((g) => !g.group)?.options ?? [], (o) => o.value).call(option);
    sel.selectAll("optgroup").data(groups.filter((g) => g.group), (g) => g.group).join("optgroup")
      .attr("label", (g) => g.group)
      .selectAll("option").data((g) => g.options, (o) => o.value).call(option);
    sel.property("value", value);
  }

  function render() {
    if (!ui) return;
    const fileOptions = (field, none) => [{ group: "", options: [{ value: "", label: none }] },
      { group: "imports folder", options: filesFor(imports.files, field, values.kind)
        .map((f) => ({ value: f.name, label: `${f.name} (${formatBytes(f.size)})` })) }];
    for (const [field, row] of Object.entries(ui.rows)) {
      const groups = field === "data" ? dataChoices(imports, configs)
        : fileOptions(field, field === "path" ? "pick or upload a file" : "none");
      if (values[field] && !groups.some((g) => g.options.some((o) => o.value === values[field]))) values[field] = "";
      fill(row.select("select"), groups, values[field]);
      row.select("input[type=file]").attr("accept", acceptFor(imports.extensions, field, values.kind) || null);
    }
    ui.rows.mapping.classed("hidden", values.kind !== "safetensors");
    ui.cell.classed("hidden", values.kind !== "lstmvis");
    ui.task.classed("hidden", values.kind === "lstmvis");
    ui.form.select("select[name=kind]").property("value", values.kind);
    ui.form.select("select[name=task]").property("value", values.task);
    ui.form.select("select[name=cell]").property("value", values.cell);
    ui.name.property("value", values.name);
    ui.form.select("input[name=force]").property("checked", values.force);
    const evaluable = canEvaluate(values);
    ui.evaluate.classed("is-disabled", !evaluable)
      .attr("title", evaluable ? null : values.kind === "lstmvis" ? "LSTMVis states are their own evaluation"
        : "pick a corpus to evaluate on");
    ui.evaluate.select("input").property("checked", values.evaluate && evaluable).property("disabled", !evaluable);
    ui.submitBtn.property("disabled", !values.path || !values.name);
  }

  async function reload() {
    [imports, configs] = await Promise.all([api.getImportFiles(), api.getConfigs().then((c) => c.configs)]);
    render();
  }

  async function upload(field, input, overwrite = false, picked = null) {
    const file = picked ?? input.files[0];
    if (input) input.value = "";   // the same file can be picked again
    if (!file) return;
    const problem = uploadProblem(file, imports.max_bytes);
    say(problem);
    if (problem) return;
    ui.status.text(`uploading ${file.name} (${formatBytes(file.size)})…`);
    try {
      const saved = await api.uploadImportFile(file, { overwrite });
      await reload();
      values[field] = saved.name;
      if (field === "path" && nameFromFile) values.name = modelNameFrom(saved.name, spec.name.pattern);
      render();
    } catch (err) {
      const there = err.details?.file;
      say(err.message, err.status === 409 && there ? [
        ["Replace it", () => upload(field, null, true, file)],
        ["Use the file there", () => { say(""); values[field] = there; render(); }]] : []);
    } finally {
      ui.status.text("");
    }
  }

  async function submit() {
    const { kind, options } = importJob(app.specs.jobs, values);
    say("");
    ui.submitBtn.property("disabled", true);
    try {
      const job = await api.startJob(kind, options);
      app.toast(`queued job #${job.id}: ${kind} ${job.model}`, "info");
      dialog.node().close();
      app.jobs.show(job.id);
    } catch (err) {
      say(err.message);
    } finally {
      render();
    }
  }

  /** Show the form, with the imports folder and the configs as they are now. */
  async function open() {
    if (!dialog) build();
    say("");
    if (!dialog.node().open) dialog.node().showModal();
    try {
      await reload();
    } catch (err) {
      say(`cannot read the imports folder: ${err.message}`);
    }
  }

  return { open };
}
