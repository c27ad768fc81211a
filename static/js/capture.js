// Review rows (capture/): keys act on the row that has the focus. Enter logs it (on the row
// itself; on a button Enter presses that button), E opens the Log form prefilled to add notes,
// X dismisses, J and K move between rows. Every action is also a plain button or link.
(() => {
  "use strict";

  function rows() {
    return Array.from(document.querySelectorAll("[data-suggestion]"));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    if (!target.closest || target.closest("input, textarea, select, [contenteditable], dialog")) return;
    const row = target.closest("[data-suggestion]");
    if (!row) return;
    const key = event.key.toLowerCase();
    let control = null;
    if (key === "enter" && target === row) control = row.querySelector("[data-suggestion-log]");
    else if (key === "e") control = row.querySelector("[data-suggestion-edit]");
    else if (key === "x") control = row.querySelector("[data-suggestion-dismiss]");
    else if (key === "j" || key === "k") {
      const all = rows();
      const next = all[all.indexOf(row) + (key === "j" ? 1 : -1)];
      if (next) {
        event.preventDefault();
        next.focus();
      }
      return;
    }
    if (control) {
      event.preventDefault();
      event.stopPropagation();
      control.click();
    }
  });
})();
