// A heatmap of linear CKA between layers: one row per layer of one model, one column per layer
// of the other (or of the same model). Clicking a cell opens that pair of layers.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { accessor } from "../data/options.js";
import { layerLabel } from "../data/similarity.js";
import { pressable } from "./keyboard.js";
import { showTooltip, hideTooltip, esc } from "./tooltip.js";

/** Cell colour of a CKA value in [0, 1]. */
export const ckaColour = (v) => (Number.isFinite(v) ? d3.interpolateBlues(0.08 + 0.84 * Math.max(0, Math.min(1, v))) : "#eee");

/**
 * Reusable chart drawn into an <svg>. Data: `ckaCells(answer)` of data/similarity.js ({rows,
 * cols, cells}). Settings: `cell` (size in px), `selected` ("i:j" of the open pair, or null).
 * Events: CHART.CLICK (event, cell) when a cell is clicked or pressed.
 */
export function ckaHeatmap() {
  const state = { data: { rows: [], cols: [], cells: [] }, cell: 46, selected: null };
  const listeners = d3.dispatch(CHART.CLICK);

  function chart(svg) {
    const { rows, cols, cells } = state.data;
    const left = 12 + 7 * Math.max(4, ...rows.map((r) => layerLabel(r).length));
    const top = 22;
    // wide enough for the column labels
    const size = Math.max(state.cell, 10 + 7 * Math.max(0, ...cols.map((c) => layerLabel(c).length)));
    svg.attr("class", "cka-svg").attr("width", left + cols.length * size + 8).attr("height", top + rows.length * size + 4)
      .attr("role", "group").attr("aria-label", "linear CKA between layers");
    svg.selectAll("text.row-label").data(rows).join("text").attr("class", "row-label")
      .attr("x", left - 6).attr("y", (d, i) => top + (i + 0.5) * size).attr("text-anchor", "end")
      .attr("dominant-baseline", "central").text(layerLabel);
    svg.selectAll("text.col-label").data(cols).join("text").attr("class", "col-label")
      .attr("x", (d, j) => left + (j + 0.5) * size).attr("y", top - 8).attr("text-anchor", "middle").text(layerLabel);
    const g = svg.selectAll("g.cell").data(cells, (c) => `${c.i}:${c.j}`)
      .join((enter) => {
        const e = enter.append("g").attr("class", "cell");
        e.append("rect");
        e.append("text").attr("text-anchor", "middle").attr("dominant-baseline", "central");
        return e;
      })
      .attr("transform", (c) => `translate(${left + c.j * size},${top + c.i * size})`)
      .attr("data-cell", (c) => `${c.i}:${c.j}`)
      .classed("selected", (c) => state.selected === `${c.i}:${c.j}`)
      .on("click", (event, c) => listeners.call(CHART.CLICK, null, event, c))
      .call(pressable, (c) => `${layerLabel(c.left)} vs ${layerLabel(c.right)}: CKA ${c.value.toFixed(2)}; open this pair`,
        (event, c) => listeners.call(CHART.CLICK, null, event, c))
      .on("mousemove", (event, c) => showTooltip(event, `<b>${esc(layerLabel(c.left))}</b> vs <b>${esc(layerLabel(c.right))}</b><br>linear CKA ${c.value.toFixed(3)}<br><span class="muted">click to open this pair</span>`))
      .on("mouseleave", hideTooltip);
    g.select("rect").attr("width", size - 2).attr("height", size - 2).attr("rx", 3).attr("fill", (c) => ckaColour(c.value));
    g.select("text").attr("x", (size - 2) / 2).attr("y", (size - 2) / 2)
      .attr("fill", (c) => (c.value > 0.55 ? "#fff" : "#1f2430")).text((c) => c.value.toFixed(2));
  }

  chart.data = accessor(chart, state, "data");
  chart.cell = accessor(chart, state, "cell");
  chart.selected = accessor(chart, state, "selected");
  chart.on = function (type, listener) {
    listeners.on(type, listener);
    return chart;
  };
  return chart;
}
