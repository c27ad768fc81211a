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
  // The bulk bar's "set tier / circle / discipline" selects show only for their own action
  // (without JavaScript they all show, and the action picks which one counts).
  const showBulkValues = (root) => {
    const action = root.querySelector("#bulk-action");
    if (!action) return;
    root.querySelectorAll("[data-bulk-for]").forEach((el) => {
      el.hidden = el.dataset.bulkFor !== action.value;
    });
  };
  document.addEventListener("change", (event) => {
    if (event.target.id === "bulk-action") showBulkValues(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", () => showBulkValues(document));
  document.addEventListener("htmx:load", (event) => showBulkValues(event.detail.elt));
  // Show the box only where the script runs.
  const reveal = (root) => root.querySelectorAll("input[data-select-all]").forEach((el) => { el.hidden = false; });
  document.addEventListener("DOMContentLoaded", () => reveal(document));
  document.addEventListener("htmx:load", (event) => reveal(event.detail.elt));
})();
