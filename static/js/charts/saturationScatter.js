// Gate saturation (Karpathy et al. 2015): one point per unit and gate, x = fraction of steps the
// gate is below 0.1, y = fraction above 0.9.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { accessor } from "../data/options.js";
import { linear } from "../data/scales.js";

const GATE_COLORS = { i: "#1b9e77", f: "#d95f02", o: "#7570b3", z: "#e7298a", r: "#66a61e" };

/** Reusable chart drawn into an <svg>: settings `points` (data/units.js saturationPoints),
 * `selected` (a Set of units), `size`. Dispatches CHART.CLICK(event, point). */
export function saturationScatter() {
  const state = { points: [], selected: new Set(), size: 240 };
  const dispatch = d3.dispatch(CHART.CLICK);

  function chart(svg) {
    const pad = 30;
    const s = state.size;
    svg.attr("width", s).attr("height", s).attr("class", "saturation-scatter");
    const x = linear([0, 1], [pad, s - 8]);
    const y = linear([0, 1], [s - pad, 8]);
    svg.selectAll("rect.frame").data([0]).join("rect").attr("class", "frame")
      .attr("x", pad).attr("y", 8).attr("width", s - 8 - pad).attr("height", s - pad - 8);
    svg.selectAll("line.diag").data([0]).join("line").attr("class", "diag")
      .attr("x1", x(0)).attr("y1", y(1)).attr("x2", x(1)).attr("y2", y(0));
    svg.selectAll("text.label").data([["left-saturated (< 0.1)", s / 2 + pad / 2, s - 6, 0], ["right-saturated (> 0.9)", 10, s / 2 - pad / 2, -90]])
      .join("text").attr("class", "label").attr("text-anchor", "middle")
      .attr("transform", (d) => `translate(${d[1]},${d[2]}) rotate(${d[3]})`).text((d) => d[0]);
    svg.selectAll("circle.unit").data(state.points, (p) => `${p.gate}:${p.unit}`).join("circle")
      .attr("class", "unit")
      .classed("selected", (p) => state.selected.has(p.unit))
      .attr("cx", (p) => x(p.low)).attr("cy", (p) => y(p.high))
      .attr("r", (p) => (state.selected.has(p.unit) ? 5 : 3))
      .attr("fill", (p) => GATE_COLORS[p.gate] ?? "#555")
      .on("click", (event, p) => dispatch.call(CHART.CLICK, null, event, p))
      .selectAll("title").data((p) => [p]).join("title")
      .text((p) => `unit ${p.unit}, gate ${p.gate}: ${(100 * p.low).toFixed(1)}% < 0.1, ${(100 * p.high).toFixed(1)}% > 0.9`);
    svg.selectAll("circle.selected").raise();
  }

  chart.points = accessor(chart, state, "points");
  chart.selected = accessor(chart, state, "selected");
  chart.size = accessor(chart, state, "size");
  chart.on = (type, listener) => { dispatch.on(type, listener); return chart; };
  return chart;
}

export { GATE_COLORS };
