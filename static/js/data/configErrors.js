// Where validation errors of a YAML config belong in its text (pure).

/**
 * The 1-based line of a dotted key path ("model.cell", "train.optimizer.name", "model.layers.1")
 * in simple block YAML, found by indentation; null if not found (e.g. a flow mapping).
 */
export function findKeyLine(text, path) {
  if (!path) return null;
  const parts = String(path).split(".");
  const lines = text.split("\n");
  let from = 0;
  let to = lines.length;
  let indent = -1;
  let found = null;
  for (const part of parts) {
    if (/^\d+$/.test(part) && found !== null) {
      // a list index: the n-th "- " item below the current key, if the list is in block style
      let n = Number(part);
      let hit = null;
      for (let i = from; i < to; i++) {
        if (/^\s*(#|$)/.test(lines[i])) continue;
        const m = /^(\s*)-(\s|$)/.exec(lines[i]);
        const lead = /^(\s*)/.exec(lines[i])[1].length;
        if (!m && lead <= indent) break;
        if (m && lead >= indent) { if (n === 0) { hit = i; break; } n -= 1; }
      }
      if (hit === null) return found + 1;
      return hit + 1;
    }
    let hit = null;
    let childIndent = null;
    const keyRe = new RegExp(`^(\\s*)["']?${part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*:(\\s|$)`);
    for (let i = from; i < to; i++) {
      const line = lines[i];
      if (/^\s*(#|$)/.test(line)) continue;
      const lead = /^(\s*)/.exec(line)[1].length;
      if (found !== null && lead <= indent) break;
      if (childIndent === null) childIndent = lead;
      if (lead !== childIndent) continue;
      if (keyRe.test(line)) { hit = i; break; }
    }
    if (hit === null) return found === null ? null : found + 1;
    found = hit;
    indent = childIndent;
    from = hit + 1;
    to = lines.length;
  }
  return found === null ? null : found + 1;
}

/**
 * Errors grouped by line: {byLine: Map line -> [errors], unplaced: [errors]}. An error's line is
 * its `line` if the server gave one (and it is inside the text), otherwise the line of its key.
 */
export function errorsByLine(text, errors) {
  const count = text.split("\n").length;
  const byLine = new Map();
  const unplaced = [];
  for (const e of errors ?? []) {
    let line = Number.isInteger(e.line) && e.line >= 1 && e.line <= count ? e.line : null;
    if (line === null && e.key) line = findKeyLine(text, e.key);
    if (line === null) { unplaced.push(e); continue; }
    if (!byLine.has(line)) byLine.set(line, []);
    byLine.get(line).push({ ...e, line });
  }
  return { byLine, unplaced };
}

/** "key: message", unless the server's message already starts with its key. */
export function errorText(e) {
  const message = String(e.message ?? e);
  return e.key && !message.startsWith(`${e.key}:`) ? `${e.key}: ${message}` : message;
}
