// Dashboard behaviour (issue 3). Everything here is an enhancement: without JavaScript every
// link and form on the dashboard still works as a plain page.
(() => {
  "use strict";

  const dialog = () => document.getElementById("log-dialog");
  const dialogBody = () => document.getElementById("log-dialog-body");
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  let opener = null;

  // --- The Log form in a dialog -----------------------------------------------------------
  // The "+ Log" link (also opened by the "l" shortcut in app.js) and each "Log a touch" link
  // load the log form's fragment into a <dialog>; the link's href is the no-JS fallback.
  function openLog(link) {
    const box = dialog();
    if (!box || !window.htmx || typeof box.showModal !== "function") return false;
    if (box.open) return true;  // "l" again (focus on a button inside) must not wipe the form
    opener = link;
    htmx.ajax("GET", link.getAttribute("href"), { target: "#log-dialog-body", swap: "innerHTML" });
    return true;
  }

  // The first field in error, else the first visible field (the contact search box).
  function focusFirstField(box) {
    const fields = dialogBody().querySelectorAll(
      ".has-error input, .has-error select, .has-error textarea, input:not([type=hidden]), select, textarea");
    const field = Array.from(fields).find((el) => !el.closest("[hidden]"));
    (field || box.querySelector("[data-close-dialog]")).focus();
  }

  function closeLog() {
    const box = dialog();
    if (box && box.open) box.close();
  }

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const closer = event.target.closest("#log-dialog [data-close-dialog]");
    if (closer) {
      event.preventDefault();
      closeLog();
      return;
    }
    const link = event.target.closest("a[data-shortcut='l'], a[data-open-log]");
    if (link && openLog(link)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", () => {
    const box = dialog();
    if (!box) return;
    // Escape closes a modal <dialog> natively; on any close, empty it and give focus back.
    box.addEventListener("close", () => {
      dialogBody().replaceChildren();
      if (opener && document.contains(opener)) opener.focus();
      else focusHeading("card-reach-out");
      opener = null;
    });
    // A click on the backdrop (outside the dialog's box) closes it too.
    box.addEventListener("click", (event) => {
      if (event.target === box) closeLog();
    });
  });

  // After a save, the form's view fires interactionLogged (before its confirmation is
  // swapped in): once that swap has settled, close the dialog and say what was logged.
  // A quick log says so from the same event: it reaches <body> even when the button that sent
  // it was replaced by a card's reload meanwhile (its own htmx events would not).
  let closeAfterSettle = null;
  document.body.addEventListener("interactionLogged", (event) => {
    const detail = event.detail || {};
    if (dialog() && dialog().open) closeAfterSettle = detail.message || "Logged.";
    else if (detail.quick) toast(detail.message || "Logged.");
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    if (closeAfterSettle === null) return;
    const message = closeAfterSettle;
    closeAfterSettle = null;
    closeLog();
    toast(message);
  });

  // The form arrived (first open, or back with field errors): show the dialog, focus a field.
  // After settle, log.js has un-hidden the contact search (it does so on htmx:load).
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const body = dialogBody();
    const settled = event.target;
    if (!body || !(settled === body || body.contains(settled)) || closeAfterSettle !== null) return;
    if (!body.querySelector("form")) return;
    if (!dialog().open) dialog().showModal();
    focusFirstField(dialog());
  });

  // --- Quick logs -------------------------------------------------------------------------
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const button = event.detail.elt.closest && event.detail.elt.closest("[data-quick-log]");
    if (!button) return;
    if (!event.detail.successful) toast("Could not log that. Try again.", "error");
  });

  // A refused row action (for example a snooze date in the past) says why.
  document.body.addEventListener("htmx:responseError", (event) => {
    const elt = event.detail.elt;
    if (!elt.closest || !elt.closest(".dash-card")) return;
    const text = (event.detail.xhr && event.detail.xhr.responseText) || "";
    toast(text.length < 200 ? text : "That did not work. Reload the page and try again.", "error");
  });

  // --- A change that lands while a card reloads -------------------------------------------
  // htmx queues the card's next reload on the card itself and forgets it when the reload in
  // flight replaces the card, although that reload may have been read before the change.
  // Such a card reloads once more when its new self is in (an abort would log an error).
  // These listeners on <body> come before the cards' own (htmx adds those when it processes
  // the page, after this deferred script), so a card found reloading here was reloading already.
  const reloadAgain = new Set();
  for (const change of ["interactionLogged", "followUpChanged", "promiseChanged"]) {
    document.body.addEventListener(change, () => {
      for (const card of document.querySelectorAll("[id^='card-'][hx-get].htmx-request")) {
        reloadAgain.add(card.id);
      }
    });
  }
  document.body.addEventListener("htmx:load", (event) => {
    const card = event.target;
    if (!card.id || !reloadAgain.delete(card.id)) return;
    htmx.ajax("GET", card.getAttribute("hx-get"), { source: card, target: card, swap: "outerHTML" });
  });

  // --- Rows and cards keep keyboard focus -------------------------------------------------
  // When a row leaves or a card reloads under the keyboard focus, move focus to the same place
  // in the new content (the next row, else the card's heading) instead of losing it to <body>.
  let pending = null;

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    const active = document.activeElement;
    if (!target || !active || !target.contains(active)) return;
    const card = target.closest(".dash-card");
    if (!card) return;
    const rows = Array.from(card.querySelectorAll("[data-row]"));
    const row = active.closest("[data-row]");
    pending = { cardId: card.id, rowId: row && row.id, index: row ? rows.indexOf(row) : -1 };
  });

  document.body.addEventListener("htmx:afterSettle", () => {
    if (!pending || document.activeElement !== document.body) {
      pending = null;
      return;
    }
    const { cardId, rowId, index } = pending;
    pending = null;
    const card = document.getElementById(cardId);
    if (!card) return;
    const rows = Array.from(card.querySelectorAll("[data-row]"));
    const row = (rowId && document.getElementById(rowId)) || rows[Math.min(index, rows.length - 1)];
    const control = row && row.querySelector(FOCUSABLE);
    if (control) control.focus();
    else focusHeading(cardId);
  });

  function focusHeading(cardId) {
    const card = document.getElementById(cardId);
    const heading = card && card.querySelector("h2[tabindex='-1']");
    if (heading) heading.focus();
  }

  // Close an open snooze menu with Escape and return focus to its summary.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const menu = event.target.closest && event.target.closest("details.snooze[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });

  // --- Toasts -----------------------------------------------------------------------------
  function toast(text, level = "success") {
    const region = document.getElementById("messages");
    if (!region) return;
    const note = document.createElement("p");
    note.className = `flash flash-${level} toast`;
    note.setAttribute("role", "status");
    note.textContent = text;
    region.prepend(note);
    setTimeout(() => note.remove(), 5000);
  }
})();
