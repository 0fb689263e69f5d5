// Memory chips: one grid of small squares per unit cluster, one square per unit.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { accessor } from "../data/options.js";
import { DIVERGING } from "../data/scales.js";
import { showTooltip, hideTooltip } from "./tooltip.js";
import { pressable } from "./keyboard.js";
import { joinClusterGroups } from "./clusterGroups.js";

/**
 * Reusable chart. Data: the `chips` of data/geometry.js clusterLayout ({index, units, x, y, width,
 * height, grid}). Call `chart(g)` on an SVG group. Settings (chainable getters/setters):
 * - `fills(unit) -> [colour...]`: one colour per selected word (the square is split into stripes);
 *   an empty list gives the neutral colour;
 * - `selected`: Set of unit ids drawn with a dark outline;
 * - `highlighted`: Set of chip indices in focus (others are dimmed) or null;
 * - `mirrored`: labels on the right instead of the left;
 * - `unitTitle(unit) -> html` for the tooltip.
 * Events (`chart.on`): CHART.HOVER / CHART.LEAVE (event, chip), CHART.CLICK (event, {chip, unit})
 * on a unit square, CHART.SELECT (event, chip) on the chip itself (its frame or label).
 */
export function memoryChips() {
  const state = {
    data: [],
    fills: () => [],
    selected: new Set(),
    highlighted: null,
    mirrored: false,
    unitTitle: (u) => `unit ${u}`,
  };
  const listeners = d3.dispatch(CHART.HOVER, CHART.LEAVE, CHART.CLICK, CHART.SELECT);

  function chart(g) {
    const chips = joinClusterGroups(g, "chip", "units", state, listeners,
      (d) => `memory chip ${d.index + 1}, ${d.units.length} units: pin its highlight`);
    chips.select("rect.chip-body")
      .attr("width", (d) => d.width)
      .attr("height", (d) => d.height)
      .attr("rx", 4);

    chips.select("text.chip-label")
      .attr("x", (d) => (state.mirrored ? d.width + 6 : -6))
      .attr("y", (d) => Math.min(d.height / 2, 10))
      .attr("text-anchor", state.mirrored ? "start" : "end")
      .attr("dominant-baseline", "central")
      .text((d) => `${d.units.length}`);

    const units = chips.select("g.chip-units").selectAll("g.unit")
      .data((d) => d.grid.cells.map((c) => ({ ...c, chip: d.index, cell: d.grid.cell })), (c) => c.unit)
      .join((enter) => {
        const e = enter.append("g").attr("class", "unit");
        e.append("rect").attr("class", "unit-outline");
        return e;
      })
      .attr("transform", (c) => `translate(${c.x},${c.y})`)
      .attr("data-unit", (c) => c.unit)
      .classed("selected", (c) => state.selected.has(c.unit))
      .on("click", (event, c) => listeners.call(CHART.CLICK, null, event, { chip: c.chip, unit: c.unit }))
      .call(pressable, (c) => `unit ${c.unit}: show its words`,
        (event, c) => listeners.call(CHART.CLICK, null, event, { chip: c.chip, unit: c.unit }))
      .on("mousemove", (event, c) => showTooltip(event, state.unitTitle(c.unit)))
      .on("mouseleave", hideTooltip);

    units.selectAll("rect.stripe")
      .data((c) => {
        const colours = state.fills(c.unit);
        const list = colours.length ? colours : [DIVERGING.neutral];
        const w = c.cell / list.length;
        return list.map((fill, i) => ({ fill, x: i * w, w, h: c.cell }));
      })
      .join("rect")
      .attr("class", "stripe")
      .attr("x", (s) => s.x)
      .attr("width", (s) => s.w)
      .attr("height", (s) => s.h)
      .attr("fill", (s) => s.fill);

    units.select("rect.unit-outline").raise()
      .attr("width", (c) => c.cell)
      .attr("height", (c) => c.cell);
  }

  chart.data = accessor(chart, state, "data");
  chart.fills = accessor(chart, state, "fills");
  chart.selected = accessor(chart, state, "selected");
  chart.highlighted = accessor(chart, state, "highlighted");
  chart.mirrored = accessor(chart, state, "mirrored");
  chart.unitTitle = accessor(chart, state, "unitTitle");
  chart.on = function (type, listener) {
    listeners.on(type, listener);
    return chart;
  };
  return chart;
}
