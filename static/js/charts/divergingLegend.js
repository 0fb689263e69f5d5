// A horizontal legend for the diverging response colour scale.

import { accessor } from "../data/options.js";
import { DIVERGING, formatNumber, symmetricTicks, linear } from "../data/scales.js";

let gradientId = 0;

/** Reusable chart drawn into an <svg>: settings `limit`, `width`, `title`. */
export function divergingLegend() {
  const state = { limit: 1, width: 220, title: "response" };
  const id = `diverging-gradient-${gradientId++}`;

  function chart(svg) {
    const height = 38;
    const pad = 26;
    svg.attr("width", state.width).attr("height", height).attr("class", "legend");
    const defs = svg.selectAll("defs").data([0]).join("defs");
    const grad = defs.selectAll("linearGradient").data([0]).join("linearGradient").attr("id", id);
    grad.selectAll("stop")
      .data([[0, DIVERGING.negative], [0.5, DIVERGING.neutral], [1, DIVERGING.positive]])
      .join("stop")
      .attr("offset", (d) => d[0])
      .attr("stop-color", (d) => d[1]);
    const x = linear([-state.limit, state.limit], [pad, state.width - pad]);
    svg.selectAll("rect.bar").data([0]).join("rect").attr("class", "bar")
      .attr("x", pad).attr("y", 14).attr("width", state.width - 2 * pad).attr("height", 10)
      .attr("fill", `url(#${id})`);
    svg.selectAll("text.title").data([state.title]).join("text").attr("class", "title")
      .attr("x", pad).attr("y", 9).text((d) => d);
    svg.selectAll("text.tick")
      .data(symmetricTicks(state.limit).filter((_, i) => i % 2 === 0))
      .join("text")
      .attr("class", "tick")
      .attr("x", (d) => x(d))
      .attr("y", 35)
      .attr("text-anchor", "middle")
      .text((d, i) => (i === 0 ? `≤${formatNumber(d, 2)}` : i === 2 ? `≥${formatNumber(d, 2)}` : "0"));
  }

  chart.limit = accessor(chart, state, "limit");
  chart.width = accessor(chart, state, "width");
  chart.title = accessor(chart, state, "title");
  return chart;
}
