// Geometry of the co-cluster view: memory chips, word clouds and links (pure).

import { clamp, mergeOptions } from "./options.js";
import { layoutLinks, LINK_DEFAULTS } from "./links.js";

/** Columns of a memory chip of n units: a wide-ish grid, at most maxColumns wide. */
export function chipColumns(n, maxColumns = 16) {
  if (n <= 0) return 1;
  return clamp(Math.ceil(Math.sqrt(2 * n)), 1, Math.min(n, maxColumns));
}

/**
 * The squares of a memory chip: one per unit, row by row. Returns {columns, rows, width, height,
 * cells: [{unit, x, y}]} with `cell` the square size and `gap` the space between squares, and a
 * `pad` around the grid.
 */
export function chipGrid(units, { cell = 9, gap = 2, maxColumns = 16, pad = 4 } = {}) {
  const n = units.length;
  const columns = chipColumns(n, maxColumns);
  const rows = Math.max(1, Math.ceil(n / columns));
  const step = cell + gap;
  const cells = units.map((unit, i) => ({ unit, x: pad + (i % columns) * step, y: pad + Math.floor(i / columns) * step }));
  return { columns, rows, cell, width: 2 * pad + columns * step - gap, height: 2 * pad + rows * step - gap, cells };
}

/**
 * Tops for boxes of `heights` stacked in order with at least `gap` between them, each as close as
 * possible to its wanted centre (least squares; pool-adjacent-violators), none above `top`.
 */
export function stackColumn(centres, heights, { gap = 8, top = 0 } = {}) {
  const n = heights.length;
  // offsets of each box top inside a packed block; a block's top minimises sum (top + off - want)^2
  const blocks = [];
  for (let i = 0; i < n; i++) {
    let block = { first: i, last: i, wants: [centres[i] - heights[i] / 2], offs: [0], height: heights[i] };
    block.top = block.wants[0];
    while (blocks.length) {
      const prev = blocks[blocks.length - 1];
      if (prev.top + prev.height + gap <= block.top) break;
      blocks.pop();
      const shift = prev.height + gap;
      const merged = {
        first: prev.first,
        last: block.last,
        wants: [...prev.wants, ...block.wants],
        offs: [...prev.offs, ...block.offs.map((o) => o + shift)],
        height: prev.height + gap + block.height,
      };
      merged.top = merged.wants.reduce((s, w, j) => s + w - merged.offs[j], 0) / merged.wants.length;
      block = merged;
    }
    blocks.push(block);
  }
  const tops = new Array(n);
  let floor = top;
  for (const b of blocks) {
    const t = Math.max(b.top, floor);
    b.offs.forEach((o, j) => { tops[b.first + j] = t + o; });
    floor = t + b.height + gap;
  }
  return tops;
}

export const LAYOUT_DEFAULTS = Object.freeze({
  cloudWidth: 260,     // width of the cloud column (px)
  linkGap: 170,        // horizontal room for the links (px)
  gap: 10,             // vertical space between clouds and between chips
  cell: 9,             // memory-chip square size
  cellGap: 2,
  maxColumns: 16,      // widest chip grid
  mirrored: false,     // false: chips | links | clouds; true: clouds | links | chips
  top: 8,
  fitWidth: null,      // if set, the cloud column and link gap shrink or grow to fill this width
  ...LINK_DEFAULTS,
});

/** Largest drawn height of one cloud for k clusters. */
export function maxCloudHeight(k) {
  return clamp(Math.round(2400 / Math.max(1, k)), 72, 240);
}

/**
 * Positions of everything in one co-cluster view from the API's co-cluster answer:
 * {width, height, chips: [{index, units, x, y, width, height, grid}], clouds: [{index, x, y, width,
 * height, scale, layout}], links: [...layoutLinks]}. Cloud i is scaled to fit the column and its
 * height budget; chip i is placed level with cloud i where the stack allows.
 */
export function clusterLayout(data, options = {}) {
  const o = mergeOptions(LAYOUT_DEFAULTS, options);
  const k = data.unit_clusters.length;
  const hMax = maxCloudHeight(k);
  const grids = data.unit_clusters.map((units) => chipGrid(units, { cell: o.cell, gap: o.cellGap, maxColumns: o.maxColumns }));
  const chipW = Math.max(0, ...grids.map((g) => g.width));
  if (o.fitWidth !== null) {
    const room = Math.max(0, o.fitWidth - chipW);
    o.linkGap = clamp(Math.round(room * 0.3), 60, 200);
    o.cloudWidth = clamp(room - o.linkGap, 120, 380);
  }
  const clouds = [];
  let y = o.top;
  for (let i = 0; i < k; i++) {
    const layout = (data.clouds && data.clouds[i]) || { width: 1, height: 1, words: [] };
    const scale = Math.min(1, o.cloudWidth / Math.max(1, layout.width), hMax / Math.max(1, layout.height));
    const height = Math.max(24, layout.height * scale);
    clouds.push({ index: i, y, width: layout.width * scale, height, scale, layout });
    y += height + o.gap;
  }
  const tops = stackColumn(clouds.map((c) => c.y + c.height / 2), grids.map((g) => g.height), { gap: o.gap, top: o.top });
  const chipColumnX = o.mirrored ? o.cloudWidth + o.linkGap : 0;
  const cloudColumnX = o.mirrored ? 0 : chipW + o.linkGap;
  const chips = grids.map((grid, i) => ({
    index: i,
    units: data.unit_clusters[i],
    // chips hug the link side: right-aligned normally, left-aligned when mirrored
    x: o.mirrored ? chipColumnX : chipColumnX + chipW - grid.width,
    y: tops[i],
    width: grid.width,
    height: grid.height,
    grid,
  }));
  for (const c of clouds) c.x = o.mirrored ? cloudColumnX + o.cloudWidth - c.width : cloudColumnX;
  const chipX = o.mirrored ? chipColumnX : chipColumnX + chipW;
  const cloudX = o.mirrored ? o.cloudWidth : cloudColumnX;
  const links = layoutLinks(data.links ?? [], chips, clouds, chipX, cloudX,
    { threshold: o.threshold, widthScale: o.widthScale, maxWidth: o.maxWidth, minWidth: o.minWidth });
  const bottom = Math.max(y, ...chips.map((c) => c.y + c.height + o.gap));
  return { width: chipW + o.linkGap + o.cloudWidth, height: bottom + o.top, chipColumnWidth: chipW, chips, clouds, links };
}
