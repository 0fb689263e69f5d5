// Unsaved config edits, per file, kept in a Storage (the page's sessionStorage) so that
// switching files, switching views or reloading the page does not lose them.

const KEY = "rnnvis.configDrafts";

export function createDrafts(storage) {
  function read() {
    try {
      const value = JSON.parse(storage?.getItem(KEY) ?? "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch {
      return {}; // unreadable: start again rather than fail
    }
  }
  function write(all) {
    try {
      if (Object.keys(all).length) storage?.setItem(KEY, JSON.stringify(all));
      else storage?.removeItem(KEY);
    } catch {
      // storage full or disabled: drafts then live only as long as the view
    }
  }
  return {
    /** The draft of `file`, or null. */
    get(file) {
      const text = read()[file];
      return typeof text === "string" ? text : null;
    },
    /** Keep `text` as the draft of `file`, or drop the draft when it equals the saved text. */
    update(file, text, savedText) {
      const all = read();
      if (text === savedText) delete all[file];
      else all[file] = text;
      write(all);
    },
    /** Forget the draft of `file` (after a save). */
    drop(file) {
      const all = read();
      delete all[file];
      write(all);
    },
    /** Files with a draft. */
    files() {
      return new Set(Object.keys(read()));
    },
  };
}
