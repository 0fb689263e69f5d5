// Form controls built from specs and bound to the view state (one way: state -> control -> onChange).

import d3 from "../../vendor/d3.js";

/**
 * Control specs: {key, label, type: "select" | "segmented" | "range" | "text", help?, options(state) ->
 * [{value, label, title?, disabled?}] (select, segmented), min, max, step, bounds(state) -> [lo, hi],
 * value(state) (default state[key]), format(value, state) (range), placeholder and maxLength
 * (text: committed on Enter or when it loses focus; empty = null), hidden(state) -> bool,
 * extra(el, state) (fills a slot under the control)}.
 *
 * `renderControls(container, specs, state, onChange)` draws or updates them (keyed by `key`);
 * `onChange(key, value)` gets the option's value (not its string form). Ranges call it on
 * "change" (release) and only relabel on "input", so dragging does not flood the server.
 */
export function renderControls(container, specs, state, onChange) {
  container.selectAll(":scope > .control")
    .data(specs, (s) => s.key)
    .join((enter) => enter.append("div")
      .attr("class", (s) => `control control-${s.type}`)
      .attr("data-control", (s) => s.key)
      .each(function (s) { build(d3.select(this), s); }))
    .classed("hidden", (s) => (s.hidden ? s.hidden(state) : false))
    .each(function (s) {
      const el = d3.select(this);
      el.property("__spec", s).property("__onChange", () => onChange); // a function value would be called by d3
      update(el, s, state);
    });
}

const current = (el) => ({ spec: el.property("__spec"), onChange: el.property("__onChange") });

function build(el, s) {
  const id = `control-${s.key}`;
  const head = el.append("div").attr("class", "control-head");
  head.append("label").attr("for", id).text(s.label);
  if (s.type === "range") head.append("output").attr("for", id).attr("class", "control-value");
  if (s.type === "select") {
    el.append("select").attr("id", id).attr("name", s.key).on("change", function () {
      const { spec, onChange } = current(el);
      const option = (el.property("__options") ?? []).find((o) => String(o.value) === this.value);
      onChange(spec.key, option ? option.value : this.value);
    });
  } else if (s.type === "segmented") {
    el.append("div").attr("class", "segmented").attr("role", "radiogroup").attr("id", id).attr("aria-label", s.label);
  } else if (s.type === "text") {
    const commit = function () {
      const { spec, onChange } = current(el);
      const value = this.value.trim() || null;
      if (value !== (el.property("__value") ?? null)) onChange(spec.key, value);
    };
    el.append("input").attr("type", "text").attr("id", id).attr("name", s.key)
      .attr("placeholder", s.placeholder ?? null).attr("maxlength", s.maxLength ?? null)
      .attr("spellcheck", "false").attr("autocomplete", "off")
      .on("change", commit)
      .on("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); commit.call(this); } });
  } else if (s.type === "range") {
    el.append("input").attr("type", "range").attr("id", id).attr("name", s.key)
      .attr("min", s.min).attr("max", s.max).attr("step", s.step ?? 1)
      .on("input", function () {
        const { spec } = current(el);
        el.select("output").text(spec.format ? spec.format(Number(this.value), null) : this.value);
      })
      .on("change", function () {
        const { spec, onChange } = current(el);
        onChange(spec.key, Number(this.value));
      });
  }
  el.append("div").attr("class", "control-extra");
  if (s.help) el.append("div").attr("class", "control-help").text(s.help);
}

function update(el, s, state) {
  if (s.type === "select") {
    const options = s.options(state);
    el.property("__options", options);
    const value = String(s.value ? s.value(state) : state[s.key]);
    const select = el.select("select");
    select.selectAll("option")
      .data(options, (o) => String(o.value))
      .join("option")
      .attr("value", (o) => String(o.value))
      .attr("title", (o) => o.title ?? null)
      .property("disabled", (o) => Boolean(o.disabled))
      .text((o) => o.label);
    select.property("value", value);
  } else if (s.type === "segmented") {
    const value = s.value ? s.value(state) : state[s.key];
    el.select(".segmented").selectAll("button")
      .data(s.options(state), (o) => String(o.value))
      .join("button")
      .attr("type", "button")
      .attr("role", "radio")
      .attr("data-value", (o) => String(o.value))
      .attr("title", (o) => o.title ?? null)
      .attr("aria-checked", (o) => String(o.value === value))
      .classed("active", (o) => o.value === value)
      .property("disabled", (o) => Boolean(o.disabled))
      .text((o) => o.label)
      .on("click", (event, o) => {
        const { spec, onChange } = current(el);
        onChange(spec.key, o.value);
      });
  } else if (s.type === "text") {
    const v = (s.value ? s.value(state) : state[s.key]) ?? null;
    el.property("__value", v);
    const input = el.select("input").attr("placeholder", s.placeholder ?? null);
    if (document.activeElement !== input.node()) input.property("value", v ?? "");
  } else if (s.type === "range") {
    const v = s.value ? s.value(state) : state[s.key];
    const input = el.select("input");
    if (s.bounds) {
      const [lo, hi] = s.bounds(state);
      input.attr("min", lo).attr("max", hi);
    }
    input.property("value", v);
    el.select("output").text(s.format ? s.format(v, state) : v);
  }
  const extra = el.select(".control-extra");
  extra.selectAll("*").remove();
  if (s.extra) s.extra(extra, state);
}
