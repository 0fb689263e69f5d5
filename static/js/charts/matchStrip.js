// Matched unit pairs as a strip of bars, strongest |r| first: height |r|, colour the sign.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { accessor } from "../data/options.js";
import { SIGN_COLORS } from "../data/scales.js";
import { showTooltip, hideTooltip } from "./tooltip.js";

/**
 * Reusable chart drawn into an <svg>. Data: the `pairs` of a /matching answer ({left, right, r}).
 * Settings: `width`, `height`, `highlighted` (a left unit, or null). Events: CHART.HOVER (event,
 * pair) and CHART.LEAVE (event, pair).
 */
export function matchStrip() {
  const state = { data: [], width: 320, height: 56, highlighted: null };
  const listeners = d3.dispatch(CHART.HOVER, CHART.LEAVE);

  function chart(svg) {
    const pairs = [...state.data].sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
    const x = d3.scaleBand().domain(pairs.map((p) => p.left)).range([0, state.width]).paddingInner(0.1);
    const y = d3.scaleLinear().domain([0, 1]).range([state.height - 1, 2]);
    svg.attr("class", "match-strip").attr("width", state.width).attr("height", state.height);
    svg.selectAll("rect.pair").data(pairs, (p) => p.left).join("rect").attr("class", "pair")
      .attr("data-left", (p) => p.left).attr("data-right", (p) => p.right)
      .attr("x", (p) => x(p.left)).attr("width", Math.max(1, x.bandwidth()))
      .attr("y", (p) => y(Math.abs(p.r))).attr("height", (p) => y(0) - y(Math.abs(p.r)))
      .attr("fill", (p) => (p.r >= 0 ? SIGN_COLORS.positive : SIGN_COLORS.negative))
      .classed("highlighted", (p) => p.left === state.highlighted)
      .on("mouseenter", (event, p) => {
        showTooltip(event, `unit ${p.left} ↔ unit ${p.right}<br>r = ${p.r.toFixed(3)}`);
        listeners.call(CHART.HOVER, null, event, p);
      })
      .on("mouseleave", (event, p) => { hideTooltip(); listeners.call(CHART.LEAVE, null, event, p); });
    svg.selectAll("line.base").data([0]).join("line").attr("class", "base")
      .attr("x1", 0).attr("x2", state.width).attr("y1", y(0)).attr("y2", y(0));
  }

  chart.data = accessor(chart, state, "data");
  chart.width = accessor(chart, state, "width");
  chart.height = accessor(chart, state, "height");
  chart.highlighted = accessor(chart, state, "highlighted");
  chart.on = function (type, listener) {
    listeners.on(type, listener);
    return chart;
  };
  return chart;
}
