// A word's response across units: units sorted by mean, with 25-75% and 9-91% bands.

import d3 from "../../vendor/d3.js";
import { accessor } from "../data/options.js";
import { profileExtent } from "../data/profile.js";
import { formatNumber } from "../data/scales.js";
import { showTooltip, hideTooltip } from "./tooltip.js";

/**
 * Reusable chart drawn into an <svg>. Data: rows of data/profile.js wordProfile. Settings: `width`,
 * `height`, `extent` ([lo, hi] or null = from the data), `color` (of the mean line),
 * `valueLabel` (legend name of the occurrence dots). Rows with a `value` get a dot: the chart then
 * compares one occurrence with the word's average.
 */
export function responseProfile() {
  const state = { data: [], width: 320, height: 150, extent: null, color: "#1f2937", valueLabel: "this occurrence" };
  const margin = { top: 8, right: 8, bottom: 22, left: 40 };

  function chart(svg) {
    const rows = state.data;
    const w = state.width - margin.left - margin.right;
    const h = state.height - margin.top - margin.bottom;
    svg.attr("width", state.width).attr("height", state.height).attr("class", "profile-chart");
    const [lo, hi] = state.extent ?? profileExtent(rows);
    const pad = (hi - lo) * 0.05 || 0.01;
    const x = d3.scaleLinear().domain([0, Math.max(1, rows.length - 1)]).range([0, w]);
    const y = d3.scaleLinear().domain([lo - pad, hi + pad]).range([h, 0]).nice();
    const root = svg.selectAll("g.root").data([0]).join("g").attr("class", "root")
      .attr("transform", `translate(${margin.left},${margin.top})`);

    root.selectAll("g.y-axis").data([0]).join("g").attr("class", "axis y-axis")
      .call(d3.axisLeft(y).ticks(4).tickFormat((d) => formatNumber(d)).tickSizeOuter(0));
    root.selectAll("text.x-label").data([0]).join("text").attr("class", "axis-label x-label")
      .attr("x", w / 2).attr("y", h + 16).attr("text-anchor", "middle")
      .text(`${rows.length} units, sorted by mean response`);
    root.selectAll("line.zero").data([0]).join("line").attr("class", "zero")
      .attr("x1", 0).attr("x2", w).attr("y1", y(0)).attr("y2", y(0));

    const hasBands = rows.length && rows.every((r) => Number.isFinite(r.p9));
    const bands = hasBands ? [["p9", "p91", "band-outer"], ["p25", "p75", "band-inner"]] : [];
    root.selectAll("path.band")
      .data(bands, (b) => b[2])
      .join("path")
      .attr("class", (b) => `band ${b[2]}`)
      .attr("d", (b) => d3.area().x((r) => x(r.rank)).y0((r) => y(r[b[0]])).y1((r) => y(r[b[1]])).curve(d3.curveStep)(rows));
    root.selectAll("path.mean")
      .data([rows])
      .join("path")
      .attr("class", "mean")
      .attr("stroke", state.color)
      .attr("d", d3.line().x((r) => x(r.rank)).y((r) => y(r.mean)).curve(d3.curveStep));
    const dots = rows.filter((r) => Number.isFinite(r.value));
    root.selectAll("circle.value")
      .data(dots, (r) => r.unit)
      .join("circle")
      .attr("class", "value")
      .attr("r", rows.length > 200 ? 1.5 : 2.5)
      .attr("cx", (r) => x(r.rank))
      .attr("cy", (r) => y(r.value));

    // hover: the unit under the pointer
    root.selectAll("rect.hover-target").data([0]).join("rect").attr("class", "hover-target")
      .attr("width", w).attr("height", h)
      .on("mousemove", (event) => {
        const [px] = d3.pointer(event);
        const r = rows[Math.round(x.invert(px))];
        if (!r) return;
        const band = hasBands ? `<br>25–75%: ${formatNumber(r.p25)} … ${formatNumber(r.p75)}<br>9–91%: ${formatNumber(r.p9)} … ${formatNumber(r.p91)}` : "";
        const val = Number.isFinite(r.value) ? `<br>${state.valueLabel}: <b>${formatNumber(r.value)}</b>` : "";
        showTooltip(event, `unit ${r.unit}<br>mean ${formatNumber(r.mean)}${band}${val}`);
      })
      .on("mouseleave", hideTooltip);
  }

  for (const k of ["data", "width", "height", "extent", "color", "valueLabel"]) chart[k] = accessor(chart, state, k);
  return chart;
}
