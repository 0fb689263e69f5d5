// Box plots of a unit's strongest positive and negative words.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { accessor } from "../data/options.js";
import { formatNumber, SIGN_COLORS } from "../data/scales.js";
import { showTooltip, hideTooltip, esc } from "./tooltip.js";

/**
 * Reusable chart drawn into an <svg>. Data: data/profile.js unitBoxes ({rows, extent}). Each row
 * is a word: whiskers 9-91%, box 25-75%, a median tick and a mean dot. Settings: `width`,
 * `rowHeight`, `selected` (Set of words to highlight). Events: CHART.CLICK (event, row) on a word.
 */
export function boxPlots() {
  const state = { data: { rows: [], extent: [0, 0] }, width: 320, rowHeight: 15, selected: new Set() };
  const listeners = d3.dispatch(CHART.CLICK);
  const margin = { top: 4, right: 10, bottom: 20, left: 78 };

  function chart(svg) {
    const { rows, extent } = state.data;
    const groups = ["positive", "negative"].map((g) => ({ g, rows: rows.filter((r) => r.group === g) }));
    const header = 16;
    let yPos = margin.top;
    const placed = [];
    for (const grp of groups) {
      grp.y = yPos;
      yPos += header;
      grp.rows.forEach((r) => { placed.push({ ...r, y: yPos }); yPos += state.rowHeight; });
      yPos += 4;
    }
    const height = yPos + margin.bottom;
    const w = state.width - margin.left - margin.right;
    const pad = (extent[1] - extent[0]) * 0.05 || 0.01;
    const x = d3.scaleLinear().domain([extent[0] - pad, extent[1] + pad]).range([margin.left, margin.left + w]).nice();
    svg.attr("width", state.width).attr("height", height).attr("class", "box-chart");

    svg.selectAll("line.zero").data([0]).join("line").attr("class", "zero")
      .attr("x1", x(0)).attr("x2", x(0)).attr("y1", margin.top).attr("y2", height - margin.bottom);
    svg.selectAll("g.x-axis").data([0]).join("g").attr("class", "axis x-axis")
      .attr("transform", `translate(0,${height - margin.bottom})`)
      .call(d3.axisBottom(x).ticks(5).tickFormat((d) => formatNumber(d)).tickSizeOuter(0));
    svg.selectAll("text.group-label").data(groups, (g) => g.g).join("text")
      .attr("class", (g) => `group-label ${g.g}`)
      .attr("x", 4).attr("y", (g) => g.y + 11)
      .text((g) => (g.g === "positive" ? "pushed up by" : "pushed down by"));

    const rowsSel = svg.selectAll("g.box-row")
      .data(placed, (r) => `${r.group}:${r.word}`)
      .join((enter) => {
        const e = enter.append("g").attr("class", "box-row");
        e.append("text").attr("class", "word-label");
        e.append("line").attr("class", "whisker");
        e.append("rect").attr("class", "box");
        e.append("line").attr("class", "median");
        e.append("circle").attr("class", "mean");
        return e;
      })
      .attr("transform", (r) => `translate(0,${r.y})`)
      .attr("data-word", (r) => r.word)
      .classed("selected", (r) => state.selected.has(r.word))
      .on("mousemove", (event, r) => showTooltip(event,
        `<b>${esc(r.word)}</b> (${r.count}×)<br>mean ${formatNumber(r.mean)} ± ${formatNumber(r.std)}` +
        (Number.isFinite(r.p25) ? `<br>median ${formatNumber(r.p50)}, 25–75% ${formatNumber(r.p25)} … ${formatNumber(r.p75)}<br>9–91% ${formatNumber(r.p9)} … ${formatNumber(r.p91)}` : "")))
      .on("mouseleave", hideTooltip);
    const mid = state.rowHeight / 2;
    const color = (r) => (r.group === "positive" ? SIGN_COLORS.positive : SIGN_COLORS.negative);
    const has = (r) => Number.isFinite(r.p25);
    rowsSel.select("text.word-label")
      .attr("x", margin.left - 6).attr("y", mid).attr("text-anchor", "end").attr("dominant-baseline", "central")
      .text((r) => r.word)
      .on("click", (event, r) => listeners.call(CHART.CLICK, null, event, r));
    rowsSel.select("line.whisker")
      .attr("x1", (r) => x(has(r) ? r.p9 : r.mean)).attr("x2", (r) => x(has(r) ? r.p91 : r.mean))
      .attr("y1", mid).attr("y2", mid).attr("stroke", color);
    rowsSel.select("rect.box")
      .attr("x", (r) => x(has(r) ? r.p25 : r.mean)).attr("width", (r) => (has(r) ? Math.max(1, x(r.p75) - x(r.p25)) : 0))
      .attr("y", 2).attr("height", state.rowHeight - 4).attr("fill", color);
    rowsSel.select("line.median")
      .attr("x1", (r) => x(has(r) ? r.p50 : r.mean)).attr("x2", (r) => x(has(r) ? r.p50 : r.mean))
      .attr("y1", 2).attr("y2", state.rowHeight - 2);
    rowsSel.select("circle.mean").attr("cx", (r) => x(r.mean)).attr("cy", mid).attr("r", 2.5);
  }

  chart.data = accessor(chart, state, "data");
  chart.width = accessor(chart, state, "width");
  chart.rowHeight = accessor(chart, state, "rowHeight");
  chart.selected = accessor(chart, state, "selected");
  chart.on = function (type, listener) {
    listeners.on(type, listener);
    return chart;
  };
  return chart;
}
