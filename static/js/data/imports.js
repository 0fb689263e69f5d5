// The import form (pure): which files of the imports folder fit which field, what a file input
// accepts, a model name from a file name, a file too large to upload, the corpus choices, and
// the job (import, or import then evaluate) with its options from the declared specs.

import { jobOptions } from "./jobs.js";

/** The fields of the form that name a file of the imports folder (the import's options). */
export const FILE_FIELDS = Object.freeze(["path", "vocab", "data", "mapping"]);

/** Files of the imports folder that `field` can take; the model file (`path`) must be of `format`. */
export function filesFor(files, field, format) {
  return (files ?? []).filter((f) => f.fits.includes(field) && (field !== "path" || f.kind === format));
}

/** The `accept` attribute of a file input for `field`: the extensions the server takes for it. */
export function acceptFor(extensions, field, format) {
  return Object.entries(extensions ?? {})
    .filter(([, e]) => e.fits.includes(field) && (field !== "path" || e.kind === format))
    .map(([ext]) => ext).join(",");
}

/** A model name from a file name ("my-lm.keras" -> "my-lm"), if it fits the name `pattern`; else "". */
export function modelNameFrom(fileName, pattern) {
  const stem = String(fileName ?? "").replace(/\.[^.]*$/, "");
  return new RegExp(`^(?:${pattern})$`).test(stem) ? stem : "";
}

/** "812 B", "12.3 KiB", "4.5 MiB", "1.2 GiB". */
export function formatBytes(n) {
  if (!Number.isFinite(n) || n < 0) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Why `file` ({name, size}) cannot be uploaded (larger than the server's `maxBytes`), or null. */
export function uploadProblem(file, maxBytes) {
  if (Number.isFinite(maxBytes) && file.size > maxBytes) {
    return `${file.name} is ${formatBytes(file.size)}; the server takes uploads of at most ${formatBytes(maxBytes)} (serve --max-upload)`;
  }
  return null;
}

/**
 * The corpus choices: none, the datasets rnnvis reads itself, the valid configs of the config
 * folder (their data: section), and the files of the imports folder that fit `data`.
 * Returns [{group, options: [{value, label}]}].
 */
export function dataChoices(imports, configs) {
  return [
    { group: "", options: [{ value: "", label: "none (typed text only, no metrics)" }] },
    { group: "datasets", options: (imports?.datasets ?? []).map((d) => ({ value: d, label: d })) },
    { group: "configs (their data: section)",
      options: (configs ?? []).filter((c) => c.valid).map((c) => ({ value: c.file, label: c.file })) },
    { group: "imports folder", options: filesFor(imports?.files, "data").map((f) => ({ value: f.name, label: f.name })) },
  ].filter((g) => g.options.length);
}

/** Whether the import can be evaluated right after: it needs a corpus, and LSTMVis states are
 *  their own evaluation already. */
export function canEvaluate(values) {
  return Boolean(values.data) && values.kind !== "lstmvis";
}

/**
 * The job to queue for the form's `values` ({kind, path, name, vocab, data, mapping, task, cell,
 * force, evaluate}): {kind: "import" | "import-evaluate", options}, the options keeping only
 * what the job kind declares (`specs`: the jobs' specs from /api/analyses) and what fits the
 * format (a mapping for safetensors, a cell for LSTMVis states).
 */
export function importJob(specs, values) {
  const kind = values.evaluate && canEvaluate(values) ? "import-evaluate" : "import";
  const fitting = { ...values,
    mapping: values.kind === "safetensors" ? values.mapping : null,
    cell: values.kind === "lstmvis" ? values.cell : null };
  return { kind, options: jobOptions(specs[kind], fitting) };
}
