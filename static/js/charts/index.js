// Re-exports of the reusable charts.
export { memoryChips } from "./memoryChips.js";
export { wordClouds, wordAnchor, CLOUD_FONT } from "./wordClouds.js";
export { linkBundle } from "./linkBundle.js";
export { divergingLegend } from "./divergingLegend.js";
export { responseProfile } from "./responseProfile.js";
export { boxPlots } from "./boxPlots.js";
export { tokenGlyphs } from "./tokenGlyphs.js";
export { showTooltip, hideTooltip, esc } from "./tooltip.js";
export { textHeatmap } from "./textHeatmap.js";
export { histogramPair } from "./histogramPair.js";
export { saturationScatter, GATE_COLORS } from "./saturationScatter.js";
export { trajectoryPlot, pointColour, PATH_COLORS, CATEGORY_COLORS } from "./trajectoryPlot.js";
export { ckaHeatmap, ckaColour } from "./ckaHeatmap.js";
export { matchStrip } from "./matchStrip.js";
export { lossCurve } from "./lossCurve.js";
