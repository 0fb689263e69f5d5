// Trajectories: a faint point cloud of projected states, with sentences drawn as paths over it.

import d3 from "../../vendor/d3.js";
import { accessor } from "../data/options.js";
import { extent, pathPoints } from "../data/trajectory.js";
import { formatNumber } from "../data/scales.js";
import { showTooltip, hideTooltip, esc } from "./tooltip.js";

const MISSING = "#c9ced6";
/** Colours of sentence paths (first, second, …) and of classes. */
export const PATH_COLORS = Object.freeze(["#d9480f", "#5f3dc4", "#087f5b", "#c2255c"]);
export const CATEGORY_COLORS = Object.freeze(["#4263eb", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a",
  "#1098ad", "#a0790b", "#5c7cfa", "#f783ac", "#495057"]);

/** A colour function for the cloud's values ({kind, values} of data/trajectory.js pointValues). */
export function pointColour(spec) {
  if (spec.kind === "category") return (i) => (spec.values[i] === null || spec.values[i] === undefined
    ? MISSING : CATEGORY_COLORS[spec.values[i] % CATEGORY_COLORS.length]);
  if (spec.kind === "number") {
    const v = spec.values.filter(Number.isFinite).sort((a, b) => a - b);
    const lo = d3.quantile(v, 0.02) ?? 0;
    const hi = d3.quantile(v, 0.98) ?? 1;
    const scale = d3.scaleSequential(d3.interpolateViridis).domain([lo, hi === lo ? lo + 1 : hi]).clamp(true);
    return (i) => (Number.isFinite(spec.values[i]) ? scale(spec.values[i]) : MISSING);
  }
  return () => "#868e96";
}

/**
 * Reusable chart drawn into an <svg>. Settings: `width`, `height`, `axes` ([i, j] components
 * shown), `axisLabels` ([x, y]), `cloud` ({coords, words, context, colour: {kind, values}}),
 * `paths` ([{id, label, coords, words, color, labels: bool, width}]; `labels: false` draws a quiet
 * background path, dots at its two ends only). Hovering a point shows its token and context;
 * hovering a path's point its token and position.
 */
export function trajectoryPlot() {
  const state = { width: 800, height: 560, axes: [0, 1], axisLabels: ["axis 1", "axis 2"], cloud: null, paths: [] };
  const margin = { top: 12, right: 16, bottom: 40, left: 52 };

  function chart(svg) {
    const { width, height, axes, cloud, paths } = state;
    svg.attr("width", width).attr("height", height).attr("class", "trajectory-svg");
    const lists = [cloud?.coords ?? [], ...paths.map((p) => p.coords)];
    const [dx, dy] = extent(lists, axes);
    const x = d3.scaleLinear().domain(dx).range([margin.left, width - margin.right]);
    const y = d3.scaleLinear().domain(dy).range([height - margin.bottom, margin.top]);
    svg.selectAll("g.x-axis").data([0]).join("g").attr("class", "x-axis axis")
      .attr("transform", `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x).ticks(8));
    svg.selectAll("g.y-axis").data([0]).join("g").attr("class", "y-axis axis")
      .attr("transform", `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(6));
    svg.selectAll("text.axis-label").data(state.axisLabels).join("text").attr("class", "axis-label")
      .attr("x", (d, i) => (i === 0 ? (margin.left + width - margin.right) / 2 : -(margin.top + height - margin.bottom) / 2))
      .attr("y", (d, i) => (i === 0 ? height - 6 : 14))
      .attr("transform", (d, i) => (i === 0 ? null : "rotate(-90)"))
      .attr("text-anchor", "middle").text((d) => d);

    const colour = cloud ? pointColour(cloud.colour) : () => MISSING;
    const [i, j] = axes;
    svg.selectAll("g.cloud").data([0]).join("g").attr("class", "cloud")
      .selectAll("circle.point")
      .data(cloud ? cloud.coords.map((c, k) => ({ c, k })) : [], (d) => d.k)
      .join("circle")
      .attr("class", "point")
      .attr("r", 2.2)
      .attr("cx", (d) => x(d.c[i]))
      .attr("cy", (d) => y(d.c[j]))
      .attr("fill", (d) => colour(d.k))
      .on("mouseenter", (event, d) => {
        const v = cloud.colour.values[d.k];
        const value = cloud.colour.kind === "number" ? `<br>value ${formatNumber(v)}`
          : cloud.colour.kind === "category" && v !== null ? `<br>${esc(cloud.colour.labels?.[v] ?? v)}` : "";
        showTooltip(event, `<b>${esc(cloud.words[d.k])}</b><br><span class="muted">${esc(cloud.context[d.k])}</span>${value}`);
      })
      .on("mouseleave", hideTooltip);

    const line = d3.line().x((p) => x(p.x)).y((p) => y(p.y));
    const groups = svg.selectAll("g.paths").data([0]).join("g").attr("class", "paths")
      .selectAll("g.path")
      .data(paths, (p) => p.id)
      .join((enter) => {
        const g = enter.append("g").attr("class", "path");
        g.append("path").attr("class", "traj");
        return g;
      })
      .attr("data-path", (p) => p.id);
    groups.each(function (p) {
      const g = d3.select(this);
      const pts = pathPoints(p.coords, p.words, axes);
      const quiet = p.labels === false;   // a background path: no labels, dots at its ends only
      g.classed("quiet", quiet);
      g.select("path.traj").attr("d", line(pts)).attr("stroke", p.color).attr("stroke-width", p.width ?? 2);
      g.selectAll("circle.step").data(quiet ? pts.filter((d) => d.index === 0 || d.index === pts.length - 1) : pts, (d) => d.index)
        .join("circle")
        .attr("class", (d) => `step${d.index === 0 ? " first" : ""}`)
        .attr("r", (d) => (d.index === 0 ? 4.5 : 3))
        .attr("cx", (d) => x(d.x)).attr("cy", (d) => y(d.y))
        .attr("fill", p.color)
        .on("mouseenter", (event, d) => showTooltip(event, `<b>${esc(d.word)}</b> · token ${d.index + 1} of ${pts.length}<br><span class="muted">${esc(p.label)}</span>`))
        .on("mouseleave", hideTooltip);
      const every = Math.max(1, Math.ceil(pts.length / 40));
      g.selectAll("text.token").data(quiet ? [] : pts.filter((d) => d.index % every === 0 || d.index === pts.length - 1), (d) => d.index)
        .join("text")
        .attr("class", "token")
        .attr("x", (d) => x(d.x) + 5).attr("y", (d) => y(d.y) - 5)
        .attr("fill", p.color)
        .text((d) => d.word);
    });
  }

  chart.width = accessor(chart, state, "width");
  chart.height = accessor(chart, state, "height");
  chart.axes = accessor(chart, state, "axes");
  chart.axisLabels = accessor(chart, state, "axisLabels");
  chart.cloud = accessor(chart, state, "cloud");
  chart.paths = accessor(chart, state, "paths");
  return chart;
}
