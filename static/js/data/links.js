// Geometry of the links between memory chips and word clouds (pure).

import { SIGN_COLORS } from "./scales.js";
import { mergeOptions } from "./options.js";

const round = (x) => Math.round(x * 10) / 10;

/**
 * A horizontal cubic Bezier from (x0, y0) to (x1, y1): it leaves and enters horizontally, with the
 * control points `curvature` (0..1) of the way across.
 */
export function linkPath(x0, y0, x1, y1, curvature = 0.5) {
  const dx = (x1 - x0) * curvature;
  return `M${round(x0)},${round(y0)}C${round(x0 + dx)},${round(y0)} ${round(x1 - dx)},${round(y1)} ${round(x1)},${round(y1)}`;
}

export const LINK_DEFAULTS = Object.freeze({
  threshold: 0.2,   // hide links whose mean |response| is below this fraction of the strongest
  widthScale: 1,    // multiplies every width
  maxWidth: 14,     // width (px) of the strongest link at widthScale 1
  minWidth: 0.75,   // thinnest drawn width (px)
});

/**
 * The links to draw: each API link {word_cluster, unit_cluster, mean, mean_abs, count} that passes
 * the strength filter, with `id`, `strength` (mean_abs / strongest), `width`, `sign` (+1/-1) and
 * `color`. Sorted widest first, so thin links are drawn on top.
 */
export function visibleLinks(links, options = {}) {
  const o = mergeOptions(LINK_DEFAULTS, options);
  const finite = links.filter((l) => Number.isFinite(l.mean_abs) && l.count > 0);
  const max = Math.max(0, ...finite.map((l) => l.mean_abs));
  if (!(max > 0)) return [];
  return finite
    .map((l) => {
      const strength = l.mean_abs / max;
      const sign = l.mean < 0 ? -1 : 1;
      return {
        ...l,
        id: `${l.unit_cluster}-${l.word_cluster}`,
        strength,
        sign,
        width: Math.max(o.minWidth, strength * o.maxWidth * o.widthScale),
        color: sign > 0 ? SIGN_COLORS.positive : SIGN_COLORS.negative,
      };
    })
    .filter((l) => l.strength >= o.threshold)
    .sort((a, b) => b.width - a.width || a.id.localeCompare(b.id));
}

/**
 * Stack link ends along the side of each box (like a Sankey node): the ends of box i's links are
 * ordered by the other end's centre and packed around the box centre; if their total width is more
 * than `fill` of the box height, they are squeezed to fit. Returns Map link id -> y.
 */
export function stackEnds(links, boxes, ownKey, otherKey, otherBoxes, fill = 0.9) {
  const ends = new Map();
  const byBox = new Map();
  for (const l of links) {
    const i = l[ownKey];
    if (!byBox.has(i)) byBox.set(i, []);
    byBox.get(i).push(l);
  }
  for (const [i, group] of byBox) {
    const box = boxes[i];
    const centre = (b) => b.y + b.height / 2;
    group.sort((a, b) => centre(otherBoxes[a[otherKey]]) - centre(otherBoxes[b[otherKey]]) || a.id.localeCompare(b.id));
    const total = group.reduce((s, l) => s + l.width, 0);
    const room = Math.max(1, box.height * fill);
    const squeeze = total > room ? room / total : 1;
    let y = centre(box) - (total * squeeze) / 2;
    for (const l of group) {
      const w = l.width * squeeze;
      ends.set(l.id, y + w / 2);
      y += w;
    }
  }
  return ends;
}

/**
 * Paths for the visible links between chips (unit clusters) and clouds (word clusters).
 * `chips[i]` / `clouds[i]`: {y, height}; `chipX` / `cloudX`: the x of the chip side and the cloud
 * side of the links (so a mirrored view just swaps which is left). Adds `d`, `y0`, `y1`.
 */
export function layoutLinks(links, chips, clouds, chipX, cloudX, options = {}) {
  const shown = visibleLinks(links, options).filter((l) => chips[l.unit_cluster] && clouds[l.word_cluster]);
  const chipEnds = stackEnds(shown, chips, "unit_cluster", "word_cluster", clouds);
  const cloudEnds = stackEnds(shown, clouds, "word_cluster", "unit_cluster", chips);
  return shown.map((l) => {
    const y0 = chipEnds.get(l.id);
    const y1 = cloudEnds.get(l.id);
    return { ...l, y0, y1, d: linkPath(chipX, y0, cloudX, y1) };
  });
}

/** Opacity of a link of relative strength s in [0, 1]: weak links fade, strong ones stand out. */
export function linkOpacity(s) {
  return Math.round((0.18 + 0.5 * Math.max(0, Math.min(1, s))) * 100) / 100;
}

/** The partners of a hovered chip or cloud: {chips: Set, clouds: Set, links: Set of ids}. */
export function partners(links, { chip = null, cloud = null }) {
  const out = { chips: new Set(), clouds: new Set(), links: new Set() };
  for (const l of links) {
    if ((chip !== null && l.unit_cluster === chip) || (cloud !== null && l.word_cluster === cloud)) {
      out.chips.add(l.unit_cluster);
      out.clouds.add(l.word_cluster);
      out.links.add(l.id);
    }
  }
  if (chip !== null) { out.chips.add(chip); out.clouds.add(chip); }
  if (cloud !== null) { out.clouds.add(cloud); out.chips.add(cloud); }
  return out;
}
