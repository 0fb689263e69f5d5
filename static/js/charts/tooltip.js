// One floating tooltip for the page (HTML text, positioned near the pointer).

import d3 from "../../vendor/d3.js";

let tip = null;

function node() {
  if (!tip) tip = d3.select("body").append("div").attr("class", "tooltip").attr("role", "tooltip").style("opacity", 0);
  return tip;
}

/** Show `html` (trusted, built by our own code from escaped parts) near the pointer event. */
export function showTooltip(event, html) {
  const t = node().html(html).style("opacity", 1);
  const { innerWidth, innerHeight } = window;
  const box = t.node().getBoundingClientRect();
  let x = event.clientX + 14;
  let y = event.clientY + 14;
  if (x + box.width > innerWidth - 8) x = event.clientX - box.width - 14;
  if (y + box.height > innerHeight - 8) y = event.clientY - box.height - 14;
  t.style("left", `${x}px`).style("top", `${y}px`);
}

export function hideTooltip() {
  if (tip) tip.style("opacity", 0);
}

/** Escape text for HTML. */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
