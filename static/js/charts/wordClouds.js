// Word clouds drawn as SVG text from the server's layouts, so every word is a clickable element.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { accessor } from "../data/options.js";
import { formatNumber } from "../data/scales.js";
import { showTooltip, hideTooltip, esc } from "./tooltip.js";
import { pressable } from "./keyboard.js";
import { joinClusterGroups } from "./clusterGroups.js";

/** Font the layouts were measured with (vendored), then fallbacks. */
export const CLOUD_FONT = "'Droid Sans Mono', 'DejaVu Sans Mono', monospace";

/**
 * Position of a word's text: the server's baseline if it sent one, otherwise the centre of the
 * word's box (text-anchor middle, central baseline); rotated words turn -90 degrees about it.
 */
export function wordAnchor(w) {
  const rotated = (w.rotate ?? w.rotation ?? 0) === 90;
  if (Number.isFinite(w.baseline_x) && Number.isFinite(w.baseline_y)) {
    return { x: w.baseline_x, y: w.baseline_y, anchor: "start", baseline: "alphabetic", rotated };
  }
  return { x: w.x + w.width / 2, y: w.y + w.height / 2, anchor: "middle", baseline: "central", rotated };
}

/**
 * Reusable chart. Data: the `clouds` of clusterLayout ({index, x, y, width, height, scale, layout:
 * {width, height, words: [{word, size, x, y, width, height, rotate, color}]}}). Settings:
 * `selected` (Set of words, drawn highlighted), `highlighted` (Set of cloud indices or null),
 * `mirrored` (cluster number on the left), `strength(cloudIndex, word) -> number|null` for the
 * tooltip. Events: CHART.HOVER / CHART.LEAVE (event, cloud), CHART.CLICK (event, {cloud, word}) on
 * a word, CHART.SELECT (event, cloud) on the cloud's background or number.
 */
export function wordClouds() {
  const state = { data: [], selected: new Set(), highlighted: null, mirrored: false, strength: () => null };
  const listeners = d3.dispatch(CHART.HOVER, CHART.LEAVE, CHART.CLICK, CHART.SELECT);

  function chart(g) {
    const clouds = joinClusterGroups(g, "cloud", "words", state, listeners,
      (d) => `word cluster ${d.index + 1}: pin its highlight`);
    clouds.select("rect.cloud-body")
      .attr("width", (d) => d.width)
      .attr("height", (d) => d.height)
      .attr("rx", 6);

    clouds.select("text.cloud-label")
      .attr("x", (d) => (state.mirrored ? -6 : d.width + 6))
      .attr("y", 10)
      .attr("text-anchor", state.mirrored ? "end" : "start")
      .text((d) => d.index + 1);

    const inner = clouds.select("g.cloud-words")
      .attr("transform", (d) => {
        // centre the scaled layout vertically in its (minimum-height) box
        const dy = Math.max(0, (d.height - d.layout.height * d.scale) / 2);
        return `translate(0,${dy}) scale(${d.scale})`;
      });

    const words = inner.selectAll("g.word")
      .data((d) => d.layout.words.map((w) => ({ ...w, cloud: d.index })), (w) => w.word)
      .join((enter) => {
        const e = enter.append("g").attr("class", "word");
        e.append("rect").attr("class", "word-box");
        e.append("text");
        return e;
      })
      .attr("data-word", (w) => w.word)
      .classed("selected", (w) => state.selected.has(w.word))
      .on("click", (event, w) => listeners.call(CHART.CLICK, null, event, { cloud: w.cloud, word: w.word }))
      .call(pressable, (w) => `word ${w.word}: show its response`,
        (event, w) => listeners.call(CHART.CLICK, null, event, { cloud: w.cloud, word: w.word }))
      .on("mousemove", (event, w) => {
        const s = state.strength(w.cloud, w.word);
        showTooltip(event, `<b>${esc(w.word)}</b>${s === null ? "" : `<br>strength ${formatNumber(s)}`}<br><span class="muted">click to show its response</span>`);
      })
      .on("mouseleave", hideTooltip);

    words.select("rect.word-box")
      .attr("x", (w) => w.x - 1)
      .attr("y", (w) => w.y - 1)
      .attr("width", (w) => w.width + 2)
      .attr("height", (w) => w.height + 2)
      .attr("rx", 2);

    words.select("text")
      .each(function (w) {
        const a = wordAnchor(w);
        d3.select(this)
          .attr("x", a.x)
          .attr("y", a.y)
          .attr("text-anchor", a.anchor)
          .attr("dominant-baseline", a.baseline)
          .attr("transform", a.rotated ? `rotate(-90 ${a.x} ${a.y})` : null)
          .attr("textLength", a.rotated ? w.height : w.width)
          .attr("lengthAdjust", "spacingAndGlyphs");
      })
      .attr("font-size", (w) => w.size ?? w.font_size)
      .attr("fill", (w) => (state.selected.has(w.word) ? null : w.color))
      .text((w) => w.word);
  }

  chart.data = accessor(chart, state, "data");
  chart.selected = accessor(chart, state, "selected");
  chart.highlighted = accessor(chart, state, "highlighted");
  chart.mirrored = accessor(chart, state, "mirrored");
  chart.strength = accessor(chart, state, "strength");
  chart.on = function (type, listener) {
    listeners.on(type, listener);
    return chart;
  };
  return chart;
}
