// A job's loss as it trains: the training loss (a line, one point per progress report) and the
// validation loss after each epoch (dots), against epochs.

import d3 from "../../vendor/d3.js";
import { accessor } from "../data/options.js";
import { formatNumber } from "../data/scales.js";

/**
 * Reusable chart drawn into an <svg>. Data: {train: [[epoch, loss]...], valid: [[epoch, loss]...]}
 * (data/jobs.js lossSeries). Settings: `width`, `height`, `epochs` (the x range's end, or null =
 * from the data).
 */
export function lossCurve() {
  const state = { data: { train: [], valid: [] }, width: 360, height: 120, epochs: null };
  const margin = { top: 8, right: 10, bottom: 22, left: 38 };

  function chart(svg) {
    const { train, valid } = state.data;
    const all = [...train, ...valid];
    const w = state.width - margin.left - margin.right;
    const h = state.height - margin.top - margin.bottom;
    svg.attr("width", state.width).attr("height", state.height).attr("class", "loss-chart")
      .attr("role", "img").attr("aria-label", `loss curve: ${train.length} training points, ${valid.length} validation points`);
    const xMax = Math.max(state.epochs ?? 0, d3.max(all, (p) => p[0]) ?? 1, 1e-6);
    const [lo, hi] = all.length ? d3.extent(all, (p) => p[1]) : [0, 1];
    const pad = (hi - lo) * 0.08 || 0.05;
    const x = d3.scaleLinear().domain([0, xMax]).range([0, w]);
    const y = d3.scaleLinear().domain([Math.max(0, lo - pad), hi + pad]).range([h, 0]).nice();
    const root = svg.selectAll("g.root").data([0]).join("g").attr("class", "root")
      .attr("transform", `translate(${margin.left},${margin.top})`);
    root.selectAll("g.x-axis").data([0]).join("g").attr("class", "axis x-axis")
      .attr("transform", `translate(0,${h})`)
      .call(d3.axisBottom(x).ticks(Math.min(5, Math.ceil(xMax))).tickSizeOuter(0));
    root.selectAll("g.y-axis").data([0]).join("g").attr("class", "axis y-axis")
      .call(d3.axisLeft(y).ticks(3).tickFormat((d) => formatNumber(d)).tickSizeOuter(0));
    root.selectAll("text.x-label").data([0]).join("text").attr("class", "axis-label x-label")
      .attr("x", w).attr("y", h - 4).attr("text-anchor", "end").text("epoch");
    root.selectAll("text.y-label").data([0]).join("text").attr("class", "axis-label y-label")
      .attr("x", 4).attr("y", 2).attr("dominant-baseline", "hanging").text("loss");
    root.selectAll("path.train").data([train]).join("path").attr("class", "train")
      .attr("d", d3.line().x((p) => x(p[0])).y((p) => y(p[1])));
    root.selectAll("circle.valid").data(valid, (p) => p[0]).join("circle").attr("class", "valid")
      .attr("r", 3).attr("cx", (p) => x(p[0])).attr("cy", (p) => y(p[1]))
      .call((c) => c.selectAll("title").data((p) => [p]).join("title")
        .text((p) => `valid loss after epoch ${p[0]}: ${formatNumber(p[1])}`));
  }

  for (const k of ["data", "width", "height", "epochs"]) chart[k] = accessor(chart, state, k);
  return chart;
}
