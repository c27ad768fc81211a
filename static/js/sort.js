// Sort new people: one key per choice (each radio's data-key), "c" for the cadence, Enter to
// save, "x" to archive, "s" to skip. Without JavaScript the screen is a plain form.
(() => {
  "use strict";
  const card = () => document.getElementById("sort-card");
  const click = (name) => {
    const el = card() && card().querySelector(`[data-sort="${name}"]`);
    // htmx wires a swapped-in card up only when it settles (20 ms later, more on a busy
    // machine); a key pressed before that would post the plain form and reload the page.
    if (el && window.htmx) window.htmx.process(card());
    if (el) el.click();
    return Boolean(el);
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !card()) return;
    const field = event.target.closest("input[type=number], input[type=text], textarea, select");
    if (field) {
      if (event.key === "Escape") field.blur();
      return; // typing a cadence; Enter submits the form as usual
    }
    const key = event.key.toLowerCase();
    let handled = false;
    if (key === "enter" && !event.target.closest("a, button")) handled = click("save");
    else if (key === "x") handled = click("archive");
    else if (key === "s") handled = click("skip");
    else if (key === "c") {
      const cadence = card().querySelector('[data-key="c"]');
      if (cadence) { cadence.focus(); cadence.select(); handled = true; }
    } else {
      const radio = card().querySelector(`input[type=radio][data-key="${CSS.escape(key)}"]`);
      if (radio) { radio.checked = true; radio.focus(); handled = true; }
    }
    if (handled) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // After htmx brings the next person, put focus on their name for screen readers and keys.
  document.addEventListener("htmx:afterSwap", (event) => {
    const title = event.detail.elt.id === "sort-card" || event.detail.target.id === "sort-card"
      ? document.getElementById("sort-title") : null;
    if (title) title.focus();
  });
})();
