// The sentence view's glyphs: one column per token, one cell per unit cluster.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { accessor } from "../data/options.js";
import { clamp } from "../data/options.js";
import { SIGN_COLORS, formatNumber } from "../data/scales.js";
import { wrapTokens } from "../data/glyph.js";
import { showTooltip, hideTooltip, esc } from "./tooltip.js";
import { pressable } from "./keyboard.js";

const CHAR_WIDTH = 7.6; // px per character of the token labels (13px monospace)
const DELTA_COLORS = { positive: "#7f1d1d", negative: "#1e3a8a" };

/**
 * Reusable chart drawn into an <svg>. Data: {tokens, oov, values (data/glyph.js glyphValues),
 * max, probs (optional, per token)}. Each token is a column: its label, then one cell per cluster
 * (in chip order) with a red bar up = mean positive state, a blue bar down = mean negative state,
 * and a thin dark bar = mean change (up if it grew). Settings: `width` (wraps into lines),
 * `selected` (token index or null). Events: CHART.CLICK (event, {index, token, oov}).
 */
export function tokenGlyphs() {
  const state = { data: { tokens: [], oov: [], values: [], max: { state: 1, delta: 1 } }, width: 800, selected: null };
  const listeners = d3.dispatch(CHART.CLICK);

  function chart(svg) {
    const { tokens, oov, values, max } = state.data;
    const k = values.length ? values[0].length : 0;
    const cellH = clamp(Math.round(300 / Math.max(1, k)), 12, 40);
    const glyphW = 34;
    const labelH = 18;
    const columnW = tokens.map((t) => Math.max(glyphW, Math.ceil(t.length * CHAR_WIDTH) + 6));
    const lines = wrapTokens(columnW, state.width - 50, 6);
    const lineH = labelH + k * cellH + 22;
    svg.attr("width", state.width).attr("height", Math.max(lineH, lines.length * lineH)).attr("class", "glyph-chart");

    const placed = [];
    lines.forEach((line, li) => {
      let x = 44;
      for (const i of line) {
        placed.push({ index: i, token: tokens[i], oov: Boolean(oov[i]), x, y: li * lineH, w: columnW[i], cells: values[i] });
        x += columnW[i] + 6;
      }
    });

    // row labels: cluster numbers at the left of each line
    const rowLabels = lines.flatMap((_, li) => d3.range(k).map((c) => ({ li, c })));
    svg.selectAll("text.row-label").data(rowLabels).join("text").attr("class", "row-label")
      .attr("x", 36).attr("y", (d) => d.li * lineH + labelH + d.c * cellH + cellH / 2)
      .attr("text-anchor", "end").attr("dominant-baseline", "central")
      .text((d) => d.c + 1);

    const cols = svg.selectAll("g.token")
      .data(placed, (d) => d.index)
      .join((enter) => {
        const e = enter.append("g").attr("class", "token");
        e.append("rect").attr("class", "token-bg");
        e.append("text").attr("class", "token-label");
        e.append("g").attr("class", "cells");
        return e;
      })
      .attr("transform", (d) => `translate(${d.x},${d.y})`)
      .attr("data-index", (d) => d.index)
      .attr("data-token", (d) => d.token)
      .classed("oov", (d) => d.oov)
      .classed("selected", (d) => d.index === state.selected)
      .on("click", (event, d) => listeners.call(CHART.CLICK, null, event, d))
      .call(pressable, (d) => `token ${d.index + 1}, ${d.token}${d.oov ? " (unknown word)" : ""}: compare with its average`,
        (event, d) => listeners.call(CHART.CLICK, null, event, d));
    cols.select("rect.token-bg")
      .attr("x", -3).attr("y", 0).attr("width", (d) => d.w + 6).attr("height", labelH + k * cellH + 6).attr("rx", 4);
    cols.select("text.token-label")
      .attr("x", (d) => d.w / 2).attr("y", 13).attr("text-anchor", "middle")
      .text((d) => d.token);

    const half = cellH / 2 - 1;
    const cells = cols.select("g.cells").attr("transform", `translate(0,${labelH})`)
      .selectAll("g.cell")
      .data((d) => d.cells.map((v) => ({ ...v, token: d.token, index: d.index, w: d.w })), (v) => v.cluster)
      .join((enter) => {
        const e = enter.append("g").attr("class", "cell");
        e.append("rect").attr("class", "cell-bg");
        e.append("rect").attr("class", "pos");
        e.append("rect").attr("class", "neg");
        e.append("rect").attr("class", "delta");
        return e;
      })
      .attr("transform", (v) => `translate(${(v.w - glyphW) / 2},${v.cluster * cellH})`)
      .on("mousemove", (event, v) => showTooltip(event,
        `<b>${esc(v.token)}</b>, unit cluster ${v.cluster + 1}<br>mean positive state ${formatNumber(v.pos)}<br>mean negative state ${formatNumber(v.neg)}<br>mean change ${formatNumber(v.delta)}`))
      .on("mouseleave", hideTooltip);
    const sh = (v) => (Math.abs(v) / max.state) * half;
    const dh = (v) => (Math.abs(v) / max.delta) * half;
    cells.select("rect.cell-bg").attr("width", glyphW).attr("height", cellH - 1);
    cells.select("rect.pos").attr("x", 3).attr("width", 20).attr("fill", SIGN_COLORS.positive)
      .attr("y", (v) => cellH / 2 - sh(v.pos)).attr("height", (v) => sh(v.pos));
    cells.select("rect.neg").attr("x", 3).attr("width", 20).attr("fill", SIGN_COLORS.negative)
      .attr("y", cellH / 2).attr("height", (v) => sh(v.neg));
    cells.select("rect.delta").attr("x", 25).attr("width", 6)
      .attr("fill", (v) => (v.delta >= 0 ? DELTA_COLORS.positive : DELTA_COLORS.negative))
      .attr("y", (v) => (v.delta >= 0 ? cellH / 2 - dh(v.delta) : cellH / 2)).attr("height", (v) => Math.max(0.5, dh(v.delta)));
  }

  chart.data = accessor(chart, state, "data");
  chart.width = accessor(chart, state, "width");
  chart.selected = accessor(chart, state, "selected");
  chart.on = function (type, listener) {
    listeners.on(type, listener);
    return chart;
  };
  return chart;
}
