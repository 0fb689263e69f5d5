// The frame both cluster charts share: one group per cluster, highlighted together, with the
// same hover, focus, click and keyboard events (memory chips and word clouds).

import { CHART } from "../events.js";
import { pressable, focusGroup } from "./keyboard.js";

/**
 * Join one `g.<name>` per item of `state.data` (by `index`), holding `rect.<name>-body`,
 * `text.<name>-label` and `g.<name>-<inner>`; place it at (x, y) and mark it `dim` or `focus`
 * from `state.highlighted`. Hovering or focusing it fires CHART.HOVER / CHART.LEAVE; clicking
 * its body or label, or pressing its label (named by `labelName(d)`), fires CHART.SELECT.
 */
export function joinClusterGroups(g, name, inner, state, listeners, labelName) {
  const fire = (type) => (event, d) => listeners.call(type, null, event, d);
  const groups = g.selectAll(`g.${name}`)
    .data(state.data, (d) => d.index)
    .join((enter) => {
      const e = enter.append("g").attr("class", name);
      e.append("rect").attr("class", `${name}-body`);
      e.append("text").attr("class", `${name}-label`);
      e.append("g").attr("class", `${name}-${inner}`);
      return e;
    })
    .attr("transform", (d) => `translate(${d.x},${d.y})`)
    .attr("data-cluster", (d) => d.index)
    .classed("dim", (d) => state.highlighted !== null && !state.highlighted.has(d.index))
    .classed("focus", (d) => state.highlighted !== null && state.highlighted.has(d.index))
    .on("mouseenter", fire(CHART.HOVER))
    .on("mouseleave", fire(CHART.LEAVE))
    .call(focusGroup, fire(CHART.HOVER), fire(CHART.LEAVE));
  groups.selectAll(`rect.${name}-body, text.${name}-label`).on("click", fire(CHART.SELECT));
  groups.select(`text.${name}-label`).call(pressable, labelName, fire(CHART.SELECT));
  return groups;
}
