// Keyboard access for chart marks: reachable with Tab, activated with Enter or Space, like a
// button; focusing a group fires the same highlight as hovering it.

function isPress(event) {
  return event.key === "Enter" || event.key === " ";
}

/** Make every element of `selection` a focusable button named by `label(d)`; `onPress(event, d)`. */
export function pressable(selection, label, onPress) {
  return selection
    .attr("tabindex", 0)
    .attr("role", "button")
    .attr("aria-label", label)
    .on("keydown.press", (event, d) => {
      if (!isPress(event)) return;
      event.preventDefault();
      event.stopPropagation();
      onPress(event, d);
    });
}

/** Fire `onEnter` when focus moves into a group and `onLeave` when it moves out of it. */
export function focusGroup(selection, onEnter, onLeave) {
  return selection
    .on("focusin.group", function (event, d) {
      if (!this.contains(event.relatedTarget)) onEnter(event, d);
    })
    .on("focusout.group", function (event, d) {
      if (!this.contains(event.relatedTarget)) onLeave(event, d);
    });
}
