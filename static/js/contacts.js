// Contacts list: a "select all on this page" box for the bulk actions. Without JavaScript each
// row's checkbox still works on its own.
(() => {
  "use strict";
  document.addEventListener("change", (event) => {
    const all = event.target.closest && event.target.closest("input[data-select-all]");
    if (!all) return;
    document.querySelectorAll('input[name="ids"][form="bulk-form"]').forEach((box) => {
      box.checked = all.checked;
    });
  });
  // Show the box only where the script runs.
  const reveal = (root) => root.querySelectorAll("input[data-select-all]").forEach((el) => { el.hidden = false; });
  document.addEventListener("DOMContentLoaded", () => reveal(document));
  document.addEventListener("htmx:load", (event) => reveal(event.detail.elt));
})();
