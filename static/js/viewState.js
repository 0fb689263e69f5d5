// The shared selection state of the page, kept in the URL query so any view can be bookmarked.

import d3 from "../vendor/d3.js";
import { VIEW_STATE } from "./events.js";

/** Keys whose change makes a new browser-history entry (others replace the current one). */
const HISTORY_KEYS = new Set(["view", "model", "compare", "layer", "layer2", "state", "config", "rank", "a", "b"]);

/**
 * Create the view state over a URL codec (data/urlstate.js urlCodec): `get()` returns the current state (treat it as read-only), `set(patch)` merges a
 * patch, updates the URL and dispatches VIEW_STATE.CHANGE(state, changedKeys) if anything changed,
 * `on(type, listener)` subscribes. Back/forward in the browser restore earlier states.
 */
export function createViewState(codec, win = window) {
  const { parseState, serializeState, changedKeys, defaultState } = codec;
  const dispatch = d3.dispatch(VIEW_STATE.CHANGE);
  let state = parseState(win.location.search);

  function set(patch, { replace = false } = {}) {
    const next = { ...state, ...patch };
    const keys = changedKeys(state, next);
    if (!keys.length) return state;
    state = next;
    const url = `${win.location.pathname}${serializeState(state)}${win.location.hash}`;
    if (!replace && keys.some((k) => HISTORY_KEYS.has(k))) win.history.pushState(null, "", url);
    else win.history.replaceState(null, "", url);
    dispatch.call(VIEW_STATE.CHANGE, null, state, keys);
    return state;
  }

  win.addEventListener("popstate", () => {
    const next = parseState(win.location.search);
    const keys = changedKeys(state, next);
    state = next;
    if (keys.length) dispatch.call(VIEW_STATE.CHANGE, null, state, keys);
  });

  return {
    get: () => state,
    set,
    reset: () => set(defaultState()),
    on(type, listener) {
      dispatch.on(type, listener);
      return this;
    },
  };
}
