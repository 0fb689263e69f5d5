// Loading indicators, error boxes and the "no models yet" message.


/** Show or hide a spinner overlay with a label on `el` (a d3 selection of a positioned element). */
export function setLoading(el, on, label = "computing…") {
  const overlay = el.selectAll(":scope > .loading").data(on ? [label] : []);
  overlay.exit().remove();
  overlay.enter().append("div").attr("class", "loading").attr("role", "status")
    .call((d) => { d.append("span").attr("class", "spinner"); d.append("span").attr("class", "loading-label"); })
    .merge(overlay)
    .select(".loading-label").text((d) => d);
  el.classed("is-loading", on);
}

/** Replace the content of `el` with an error box (title + the server's message). */
export function showError(el, err, title = "Something went wrong") {
  el.selectAll("*").remove();
  appendError(el, err, title);
}

/** Append an error box to `el`. */
export function appendError(el, err, title = "Something went wrong") {
  const box = el.append("div").attr("class", "error-box").attr("role", "alert");
  box.append("div").attr("class", "error-title").text(title);
  box.append("div").attr("class", "error-message").text(err && err.message ? err.message : String(err));
  return box;
}

/** The message shown when the server has no models: how to train one. */
export function renderNoModels(el) {
  el.selectAll("*").remove();
  const box = el.append("div").attr("class", "empty-state");
  box.append("h2").text("No models yet");
  box.append("p").text("rnnvis shows what a trained recurrent network keeps in its hidden memory. Train and evaluate a model first, from the repository root:");
  box.append("pre").attr("class", "commands").text(
    "python manage.py train config/demo-lstm.yaml\npython manage.py evaluate demo-lstm");
  box.append("p").html("Or open the <a href=\"?view=configs\">Configs</a> tab, pick a config and press Train: the model appears here when its job is done. <code>make demo</code> trains both demo models.");
  return box;
}

/** A placeholder note inside a panel. */
export function note(el, text) {
  return el.append("p").attr("class", "note").text(text);
}

/** Remove every child of a d3 selection. */
export function clear(el) {
  el.selectAll("*").remove();
  return el;
}

