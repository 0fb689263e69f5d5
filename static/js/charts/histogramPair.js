// One or two histograms on shared bins: side a in red, side b in blue (a unit's values on the two
// sides of a contrast, or over the whole split).

import { accessor } from "../data/options.js";
import { SIGN_COLORS, formatNumber, linear } from "../data/scales.js";
import { histogramBars } from "../data/units.js";

/** Reusable chart drawn into an <svg>: settings `a`, `b` (counts or null), `range` [lo, hi],
 * `width`, `height`, `axis` (draw the range under the bars), `marks` (values to draw as lines). */
export function histogramPair() {
  const state = { a: [], b: null, range: [0, 1], width: 140, height: 28, axis: false, marks: [] };

  function chart(svg) {
    const pad = state.axis ? 14 : 1;
    const h = state.height - pad;
    svg.attr("width", state.width).attr("height", state.height).attr("class", "histogram-pair");
    const sides = [["a", state.a, SIGN_COLORS.positive], ["b", state.b, SIGN_COLORS.negative]]
      .filter(([, counts]) => counts && counts.length)
      .map(([key, counts, color]) => ({ key, color, bars: histogramBars(counts, state.range) }));
    const peak = Math.max(1e-9, ...sides.flatMap((s) => s.bars.map((b) => b.share)));
    const x = linear(state.range, [1, state.width - 1]);
    const y = linear([0, peak], [h, 1]);
    svg.selectAll("path.side").data(sides, (s) => s.key).join("path")
      .attr("class", (s) => `side side-${s.key}`)
      .attr("fill", (s) => s.color).attr("fill-opacity", sides.length > 1 ? 0.45 : 0.7)
      .attr("stroke", (s) => s.color)
      .attr("d", (s) => `M${x(state.range[0])},${h}` + s.bars.map((b) => `V${y(b.share)}H${x(b.x1)}`).join("") + `V${h}Z`);
    svg.selectAll("line.mark").data(state.marks).join("line").attr("class", "mark")
      .attr("x1", (v) => x(v)).attr("x2", (v) => x(v)).attr("y1", 0).attr("y2", h);
    svg.selectAll("text.axis").data(state.axis ? state.range : []).join("text").attr("class", "axis")
      .attr("x", (v, i) => (i === 0 ? 1 : state.width - 1)).attr("y", state.height - 2)
      .attr("text-anchor", (v, i) => (i === 0 ? "start" : "end")).text((v) => formatNumber(v, 3));
  }

  for (const name of Object.keys(state)) chart[name] = accessor(chart, state, name);
  return chart;
}
