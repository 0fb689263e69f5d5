// Curved links between memory chips and word clouds.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { accessor } from "../data/options.js";
import { formatNumber } from "../data/scales.js";
import { linkOpacity } from "../data/links.js";
import { showTooltip, hideTooltip } from "./tooltip.js";

/**
 * Reusable chart. Data: the `links` of clusterLayout ({id, d, width, color, mean, mean_abs, count,
 * word_cluster, unit_cluster}). Settings: `highlighted` (Set of link ids or null: others dim).
 * Events: CHART.HOVER / CHART.LEAVE (event, link).
 */
export function linkBundle() {
  const state = { data: [], highlighted: null };
  const listeners = d3.dispatch(CHART.HOVER, CHART.LEAVE);

  function chart(g) {
    g.selectAll("path.link")
      .data(state.data, (l) => l.id)
      .join("path")
      .attr("class", "link")
      .attr("data-link", (l) => l.id)
      .attr("d", (l) => l.d)
      .attr("stroke", (l) => l.color)
      .attr("stroke-width", (l) => l.width)
      // weak links fade, so strong pairings stand out of a dense bundle (CSS overrides on hover)
      .attr("stroke-opacity", (l) => linkOpacity(l.strength))
      .classed("dim", (l) => state.highlighted !== null && !state.highlighted.has(l.id))
      .classed("focus", (l) => state.highlighted !== null && state.highlighted.has(l.id))
      .on("mousemove", (event, l) => {
        showTooltip(event, `units ${l.unit_cluster + 1} ↔ words ${l.word_cluster + 1}<br>mean ${formatNumber(l.mean)}, mean |s| ${formatNumber(l.mean_abs)}<br>${l.count} word-unit pairs`);
        listeners.call(CHART.HOVER, null, event, l);
      })
      .on("mouseleave", (event, l) => {
        hideTooltip();
        listeners.call(CHART.LEAVE, null, event, l);
      });
  }

  chart.data = accessor(chart, state, "data");
  chart.highlighted = accessor(chart, state, "highlighted");
  chart.on = function (type, listener) {
    listeners.on(type, listener);
    return chart;
  };
  return chart;
}
