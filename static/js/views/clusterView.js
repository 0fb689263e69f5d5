// One co-cluster view: memory chips, links and word clouds in one SVG, with linked hovering.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { memoryChips, wordClouds, linkBundle } from "../charts/index.js";
import { esc } from "../charts/tooltip.js";
import { clusterLayout } from "../data/geometry.js";
import { partners } from "../data/links.js";
import { divergingColor, formatNumber } from "../data/scales.js";
import { mergeOptions } from "../data/options.js";

const DEFAULTS = Object.freeze({
  mirrored: false,
  onWord: () => {},   // (word) a word of a cloud was clicked
  onUnit: () => {},   // (unit) a unit square was clicked
  onHover: () => {},  // ({chip, cloud} | null) for a status line
});

/**
 * Create a view for `container` (a d3 selection; the caller appends `svg()` to it once drawn). `update({data, words, selectedUnits, limit,
 * threshold, widthScale})` draws the co-clusters `data` (API answer); `words` is [{word, stats}]
 * (stats from the word endpoint, or null while loading); squares are split in one stripe per word
 * and coloured by its response with the colour limit `limit`. Returns the layout.
 */
export function createClusterView(container, options = {}) {
  const o = mergeOptions(DEFAULTS, options);
  // detached until the first data arrive: the views attach it (so "an svg is there" means drawn)
  const svg = d3.create("svg").attr("class", `cluster-svg${o.mirrored ? " mirrored" : ""}`)
    .attr("role", "img");
  const gLinks = svg.append("g").attr("class", "links");
  const gChips = svg.append("g").attr("class", "chips");
  const gClouds = svg.append("g").attr("class", "clouds");
  const chips = memoryChips().mirrored(o.mirrored);
  const clouds = wordClouds().mirrored(o.mirrored);
  const links = linkBundle();
  let layout = null;
  let last = null;

  const strengthIndex = new Map();

  let pinned = null; // a clicked chip or cloud keeps its partners highlighted until clicked again

  function highlight(hovered) {
    if (!layout) return;
    const focus = hovered ?? pinned;
    if (focus === null) {
      chips.highlighted(null);
      clouds.highlighted(null);
      links.highlighted(null);
    } else {
      const p = partners(layout.links, focus);
      chips.highlighted(p.chips);
      clouds.highlighted(p.clouds);
      links.highlighted(p.links);
    }
    gChips.call(chips);
    gClouds.call(clouds);
    gLinks.call(links);
    o.onHover(focus);
  }

  function pin(focus) {
    const same = pinned && pinned.chip === focus.chip && pinned.cloud === focus.cloud;
    pinned = same ? null : focus;
    svg.classed("pinned", pinned !== null);
    highlight(null);
  }

  chips.on(CHART.HOVER, (e, d) => highlight({ chip: d.index }))
    .on(CHART.LEAVE, () => highlight(null))
    .on(CHART.CLICK, (e, d) => o.onUnit(d.unit))
    .on(CHART.SELECT, (e, d) => pin({ chip: d.index, cloud: undefined }));
  clouds.on(CHART.HOVER, (e, d) => highlight({ cloud: d.index }))
    .on(CHART.LEAVE, () => highlight(null))
    .on(CHART.CLICK, (e, d) => o.onWord(d.word))
    .on(CHART.SELECT, (e, d) => pin({ chip: undefined, cloud: d.index }));

  function update(params) {
    if (!last || last.data !== params.data) pinned = null;
    svg.classed("pinned", pinned !== null);
    last = params;
    const { data, words = [], selectedUnits = new Set(), limit = 1, threshold, widthScale, width } = params;
    const margin = { left: o.mirrored ? 24 : 36, right: o.mirrored ? 36 : 24 };
    const fitWidth = width ? Math.min(width, 1100) - margin.left - margin.right - 4 : null;
    layout = clusterLayout(data, { mirrored: o.mirrored, threshold, widthScale, fitWidth });
    svg.attr("width", layout.width + margin.left + margin.right).attr("height", layout.height)
      .attr("aria-label", `${data.k} memory chips and ${data.k} word clouds of ${data.model}, layer ${data.layer}, ${data.state}`)
      .attr("data-k", data.k);
    for (const g of [gLinks, gChips, gClouds]) g.attr("transform", `translate(${margin.left},0)`);

    strengthIndex.clear();
    data.word_clusters.forEach((cluster, i) => cluster.forEach((w) => strengthIndex.set(`${i}:${w.word}`, w.strength)));

    const stats = words.filter((w) => w.stats && Array.isArray(w.stats.mean));
    chips.data(layout.chips)
      .selected(selectedUnits)
      .highlighted(null)
      .fills((unit) => stats.map((w) => divergingColor(w.stats.mean[unit], limit)))
      .unitTitle((unit) => {
        const rows = stats.map((w) => `${esc(w.word)}: <b>${formatNumber(w.stats.mean[unit])}</b>`);
        return `unit ${unit}${rows.length ? "<br>" + rows.join("<br>") : ""}<br><span class="muted">click for its top words</span>`;
      });
    clouds.data(layout.clouds)
      .selected(new Set(words.map((w) => w.word)))
      .highlighted(null)
      .strength((i, word) => strengthIndex.get(`${i}:${word}`) ?? null);
    links.data(layout.links).highlighted(null);
    if (pinned) {
      highlight(null); // draws, with the pinned chip or cloud in focus
    } else {
      gLinks.call(links);
      gChips.call(chips);
      gClouds.call(clouds);
    }
    return layout;
  }

  return {
    update,
    svg: () => svg.node(),
    layout: () => layout,
    redraw: (width) => last && update({ ...last, width: width ?? last.width }),
  };
}
