// Keyboard shortcuts: a link with data-shortcut="l" is followed when "l" is pressed outside a field.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  const link = document.querySelector(`[data-shortcut="${event.key.toLowerCase()}"]`);
  if (link) {
    event.preventDefault();
    link.click();
  }
});
// A time-zone field (data-browser-zone, with a <datalist> of zones) offers this browser's own
// zone first: as the list's first suggestion and as a one-click button beside the field.
(() => {
  "use strict";
  const offer = (root) => root.querySelectorAll("input[data-browser-zone]").forEach((input) => {
    if (input.dataset.offered) return;
    input.dataset.offered = "1";
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const list = input.list;
    if (!zone || !list) return;
    const option = document.createElement("option");
    option.value = zone;
    option.label = "This browser's zone";
    list.prepend(option);
    if (input.value === zone) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small linklike";
    button.dataset.useZone = zone;
    button.textContent = `Use this browser's zone: ${zone.replaceAll("_", " ")}`;
    button.addEventListener("click", () => {
      input.value = zone;
      button.remove();
      input.focus();
    });
    input.insertAdjacentElement("afterend", button);
  });
  document.addEventListener("DOMContentLoaded", () => offer(document));
  document.addEventListener("htmx:load", (event) => offer(event.detail.elt));
})();
// On a phone, secondary filters (details[data-fold-on-phone]) start folded behind their summary.
(() => {
  "use strict";
  const fold = (root) => {
    if (!window.matchMedia("(max-width: 600px)").matches) return;
    root.querySelectorAll("details[data-fold-on-phone]").forEach((details) => { details.open = false; });
  };
  document.addEventListener("DOMContentLoaded", () => fold(document));
})();
