// The Compare view's similarity panel: a CKA heatmap of the two models' layers (a click opens
// that pair below), the matched units of the two open layers, and the hover link between a unit
// and its partner on the other side.

import d3 from "../../vendor/d3.js";
import * as api from "../api.js";
import { CHART } from "../events.js";
import { ckaHeatmap, matchStrip } from "../charts/index.js";
import { ckaCells, chipOrderByMatch, matchMaps, reorderClusters } from "../data/similarity.js";
import { appendError, setLoading } from "./status.js";

/** The state compared: c when both models have it and it is picked, else h. */
function compareKind(left, right, kind) {
  return kind === "c" && left.kinds.includes("c") && right.kinds.includes("c") ? "c" : "h";
}

/**
 * Create the panel in `el` (a d3 selection). `update({left, right, layerA, layerB, state})`
 * fetches and draws; it resolves to the unit matching of the open layers (or null). `linkHover
 * (grid, status)` lights a hovered unit's partner on the other side; `arrange(leftData,
 * rightData)` is the right side's co-clusters in the order of the match when the state asks.
 */
export function createSimilarityPanel(el, app) {
  el.attr("class", "similarity-panel");
  const heat = ckaHeatmap().on(CHART.CLICK, (event, c) => app.viewState.set({
    model: c.left.model, layer: c.left.layer, compare: c.right.model, layer2: c.right.layer }));
  const strip = matchStrip();
  let matching = null;
  let maps = matchMaps(null);
  let arranged = null;   // {key, data} memo of the reordered right side
  let token = 0;

  async function update({ left, right, layerA, layerB, state }) {
    const my = ++token;
    matching = null;
    maps = matchMaps(null);
    el.selectAll("*").remove();
    const kind = compareKind(left, right, state.state);
    const other = right.name === left.name ? null : right.name;
    const split = left.default_split ?? null;
    const cka = el.append("div").attr("class", "cka-block");
    cka.append("h3").text(`Linear CKA of ${kind} between layers`);
    const match = el.append("div").attr("class", "match-block");
    match.append("h3").text(`Matched units: ${left.name} L${layerA} ↔ ${right.name} L${layerB}`);
    setLoading(cka, true, "computing CKA…");
    const [sim, m] = await Promise.all([
      api.getSimilarity(left.name, { other, split, kind }).catch((err) => ({ err })),
      api.getMatching(left.name, { layer: layerA, other, layer2: layerB, split, kind }).catch((err) => ({ err })),
    ]);
    if (my !== token) return null;
    setLoading(cka, false);
    if (sim.err) {
      appendError(cka, sim.err, "no CKA for these models");
    } else {
      const cells = ckaCells(sim);
      const open = cells.cells.find((c) => c.left.model === left.name && c.left.layer === layerA
        && c.right.model === right.name && c.right.layer === layerB);
      cka.append("svg").call(heat.data(cells).selected(open ? `${open.i}:${open.j}` : null));
      cka.append("p").attr("class", "note").text(`over ${sim.tokens.toLocaleString("en")} positions of the ${sim.split} split; 1 = the same representation up to rotation and scale. Click a cell to open that pair.`);
    }
    if (m.err) {
      appendError(match, m.err, "no unit matching");
      return null;
    }
    matching = m;
    maps = matchMaps(m);
    match.append("svg").call(strip.data(m.pairs).width(Math.min(420, 12 * m.pairs.length + 60)));
    match.append("p").attr("class", "note").text(`mean |r| ${m.mean_abs_r.toFixed(2)} over ${m.pairs.length} one-to-one pairs (Hungarian assignment on |r|), strongest first; red r > 0, blue r < 0. Hover a unit to light its partner.`);
    match.append("label").attr("class", "match-order")
      .call((l) => l.append("input").attr("type", "checkbox").property("checked", state.matchOrder)
        .on("change", function () { app.viewState.set({ matchOrder: this.checked }); }))
      .append("span").text(` order ${right.name} L${layerB}'s chips by the match`);
    return m;
  }

  function arrange(leftData, rightData, on) {
    if (!on || !matching || !leftData || !rightData) return rightData;
    const key = [leftData, rightData, matching];
    if (!arranged || arranged.key.some((x, i) => x !== key[i])) {
      arranged = { key, data: reorderClusters(rightData, chipOrderByMatch(leftData.unit_clusters, rightData.unit_clusters, matching.pairs)) };
    }
    return arranged.data;
  }

  function light(grid, side, unit) {
    grid.selectAll("g.unit.matched").classed("matched", false);
    if (side === null) return null;
    const partner = (side === "left" ? maps.left : maps.right).get(unit);
    if (!partner) return null;
    const other = side === "left" ? "right" : "left";
    grid.select(`.compare-side.${side}`).selectAll(`g.unit[data-unit="${unit}"]`).classed("matched", true);
    grid.select(`.compare-side.${other}`).selectAll(`g.unit[data-unit="${partner.unit}"]`).classed("matched", true);
    return partner;
  }

  function linkHover(grid, status) {
    grid.on("mouseover.match", (event) => {
      const g = event.target.closest?.("g.unit");
      const sideEl = event.target.closest?.(".compare-side");
      if (!g || !sideEl) return;
      const side = sideEl.dataset.side;
      const unit = Number(g.dataset.unit);
      const partner = light(grid, side, unit);
      status.text(partner ? `${side} unit ${unit} ↔ ${side === "left" ? "right" : "left"} unit ${partner.unit} (r = ${partner.r.toFixed(2)})` : "");
    }).on("mouseout.match", (event) => {
      if (event.target.closest?.("g.unit")) { light(grid, null); status.text(""); }
    });
    strip.on(CHART.HOVER, (event, p) => { light(grid, "left", p.left); d3.select(event.currentTarget).classed("highlighted", true); })
      .on(CHART.LEAVE, (event) => { light(grid, null); d3.select(event.currentTarget).classed("highlighted", false); });
  }

  return { update, arrange, linkHover, destroy: () => { token += 1; } };
}
