// Event and view names, in one place: modules import these constants instead of typing strings.

/** Events the charts dispatch (d3.dispatch types). */
export const CHART = Object.freeze({
  HOVER: "hover",       // (event, datum) pointer entered a mark
  LEAVE: "leave",       // (event, datum) pointer left a mark
  CLICK: "click",       // (event, datum) a mark was clicked
  SELECT: "select",     // (event, datum) a whole chip or cloud was clicked (not one unit or word)
});

/** Events of the shared view state (the selection, kept in the URL). */
export const VIEW_STATE = Object.freeze({
  CHANGE: "change",     // (state, changedKeys)
});

/** The page's views (the `view` URL parameter). */
export const VIEWS = Object.freeze({
  MAIN: "main",
  COMPARE: "compare",
  SENTENCE: "sentence",
  TRAJECTORIES: "trajectories",
  UNITS: "units",
  CONFIGS: "configs",
});
