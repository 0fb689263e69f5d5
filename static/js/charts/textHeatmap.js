// Text coloured by one unit's value per token (Karpathy & Chen's neuron colouring), in HTML so
// long passages wrap and render fast.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { accessor } from "../data/options.js";
import { formatNumber } from "../data/scales.js";
import { pressable } from "./keyboard.js";

/**
 * Reusable chart applied to a <div>: settings `cells` (data/units.js heatCells), `joiner`
 * ("" for characters, " " for words), `selected` (token indices drawn as a selected phrase).
 * Dispatches CHART.CLICK(event, cell) when a token is clicked or pressed.
 */
export function textHeatmap() {
  const state = { cells: [], joiner: " ", selected: new Set() };
  const dispatch = d3.dispatch(CHART.CLICK);

  function chart(div) {
    div.classed("text-heatmap", true).classed("chars", state.joiner === "");
    div.selectAll("span.hm-token")
      .data(state.cells, (c) => c.index)
      .join((enter) => enter.append("span").attr("class", "hm-token")
        .call(pressable, (c) => `token ${c.token}, value ${formatNumber(c.value)}`, (event, c) => dispatch.call(CHART.CLICK, null, event, c))
        .on("click", (event, c) => dispatch.call(CHART.CLICK, null, event, c)))
      .classed("focus", (c) => c.focus)
      .classed("reset", (c) => c.reset)
      .classed("selected", (c) => state.selected.has(c.index))
      .style("background-color", (c) => c.color)
      .attr("title", (c) => `${c.token}: ${formatNumber(c.value, 4)}${c.reset ? " (state reset before this token)" : ""}`)
      .text((c) => (c.token === "<eos>" ? "⏎" : c.token) + state.joiner);
  }

  chart.cells = accessor(chart, state, "cells");
  chart.joiner = accessor(chart, state, "joiner");
  chart.selected = accessor(chart, state, "selected");
  chart.on = (type, listener) => { dispatch.on(type, listener); return chart; };
  return chart;
}
