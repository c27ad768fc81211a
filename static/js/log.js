// The contact picker of every form (contacts.widgets) and the #modal frame (issue 3). Everything
// here is an enhancement: without JavaScript the picker's Find button posts the form back to
// show the matches, and the form posts as a page.
(() => {
  "use strict";

  // --- Contact picker ---------------------------------------------------------------------
  // The search results are checkboxes named "contacts"; a checked one moves into the selected
  // list (so a new search does not drop it), an unchecked selected one is removed.
  function enhance(root) {
    root.querySelectorAll("[data-contact-picker]").forEach((picker) => {
      if (picker.dataset.enhanced) return;
      picker.dataset.enhanced = "1";
      const search = picker.querySelector("[data-picker-search]");
      if (search) search.hidden = false;
    });
  }

  function pickerOf(el) {
    return el.closest && el.closest("[data-contact-picker]");
  }

  // The field the picked contacts are posted as (the Log form's "contacts", an event's
  // "attendees", a give's "contact"); a single picker keeps one contact at a time.
  const fieldName = (picker) => picker.dataset.fieldName || "contacts";

  function select(picker, checkbox) {
    const selected = picker.querySelector("[data-picker-selected]");
    const already = selected.querySelector(`input[value="${checkbox.value}"]`);
    if (!already) {
      if (picker.hasAttribute("data-single")) selected.replaceChildren();
      const chip = document.createElement("label");
      chip.className = "chip";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = fieldName(picker);
      box.value = checkbox.value;
      box.checked = true;
      chip.append(box, " " + (checkbox.dataset.name || checkbox.value));
      selected.append(chip);
    }
    const results = picker.querySelector(".picker-results");
    if (results) results.replaceChildren();
    const input = picker.querySelector("input[type=search]");
    if (input) {
      input.value = "";
      input.removeAttribute("aria-activedescendant");
      input.focus();
    }
  }

  document.addEventListener("change", (event) => {
    const box = event.target;
    const picker = pickerOf(box);
    if (!picker || box.type !== "checkbox") return;
    if (box.closest(".picker-results") && box.checked) {
      select(picker, box);
    } else if (box.closest("[data-picker-selected]") && !box.checked) {
      box.closest("label").remove();
      const input = picker.querySelector("input[type=search]");
      if (input) input.focus();
    }
  });

  // --- The picker from the keyboard -------------------------------------------------------
  // Focus stays in the search box (a combobox): ↓ and ↑ move the highlighted match, Enter
  // picks it (or the first match), and Enter never submits the form the picker sits in.
  const options = (picker) => Array.from(picker.querySelectorAll(".picker-results input[type=checkbox]"));

  function highlight(picker, input, index) {
    const boxes = options(picker);
    boxes.forEach((box, i) => {
      const option = box.closest(".picker-option");
      option.classList.toggle("is-active", i === index);
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      if (i === index) {
        if (!option.id) option.id = `${input.id}-option-${box.value}`;
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
  }

  function activeIndex(picker) {
    return options(picker).findIndex((box) => box.closest(".picker-option").classList.contains("is-active"));
  }

  document.addEventListener("keydown", (event) => {
    const el = event.target;
    const picker = pickerOf(el);
    if (!picker) return;
    // Enter on a match reached with Tab picks it too (a checkbox would submit the form).
    if (event.key === "Enter" && el.type === "checkbox" && el.closest(".picker-results")) {
      event.preventDefault();
      el.checked = true;
      select(picker, el);
      return;
    }
    if (el.type !== "search") return;
    const boxes = options(picker);
    const current = activeIndex(picker);
    if (event.key === "Enter") {
      event.preventDefault();
      const chosen = boxes[current] || boxes[0];
      if (chosen) {
        chosen.checked = true;
        select(picker, chosen);
      }
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && boxes.length) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = current < 0 ? (step > 0 ? 0 : boxes.length - 1) : (current + step + boxes.length) % boxes.length;
      highlight(picker, el, next);
    } else if (event.key === "Escape" && boxes.length) {
      // The first Escape empties the results; the next one closes the dialog around it.
      event.preventDefault();
      event.stopPropagation();
      picker.querySelector(".picker-results").replaceChildren();
      el.removeAttribute("aria-activedescendant");
    }
  }, true);

  // New results: nothing highlighted yet (the first match is what a bare Enter picks).
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail && event.detail.target;
    if (target && target.classList && target.classList.contains("picker-results")) {
      target.setAttribute("role", "listbox");
      target.querySelectorAll(".picker-option").forEach((option) => option.setAttribute("role", "option"));
      const input = pickerOf(target) && pickerOf(target).querySelector("input[type=search]");
      if (input) input.removeAttribute("aria-activedescendant");
    }
  });

  // --- The #modal frame of base.html --------------------------------------------------------
  const modal = () => document.getElementById("modal");
  let opener = null;

  function closeModal() {
    const box = modal();
    if (!box || !box.firstElementChild) return false;
    box.replaceChildren();
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
    return true;
  }

  function visible(el) {
    return !el.closest("[hidden]") && el.getClientRects().length > 0;
  }

  function focusFirstField(root) {
    enhance(root);  // the search box is shown by enhance(); a hidden one cannot take focus
    const fields = root.querySelectorAll(
      ".has-error input, .has-error select, .has-error textarea, input[type=search], select, textarea, input:not([type=hidden])");
    const field = Array.from(fields).find(visible);
    if (field) field.focus();
  }

  // --- Focus stays in an open dialog --------------------------------------------------------
  // Tab and Shift+Tab cycle through the dialog's own controls (the #modal frame here, the
  // dashboard's <dialog>), never into the page behind it.
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

  function openDialog() {
    const frame = modal() && modal().querySelector("[role=dialog]");
    if (frame) return frame;
    const native = document.querySelector("dialog[open]");
    return native && native.matches(":modal") ? native : null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const box = openDialog();
    if (!box) return;
    const items = Array.from(box.querySelectorAll(FOCUSABLE)).filter(visible);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (!box.contains(active)) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    } else if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  });

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const closer = event.target.closest("[data-close-modal]");
    if (closer && modal() && modal().contains(closer)) {
      event.preventDefault();
      closeModal();
      return;
    }
    // Pages without the dashboard's own <dialog> open the Log form in #modal.
    const link = event.target.closest("a[data-shortcut='l'], a[data-open-log]");
    if (!link || document.getElementById("log-dialog") || !window.htmx || !modal()) return;
    event.preventDefault();
    // Already on a page with the Log form (or the modal is open): go to it, do not stack another.
    const open = document.querySelector("form#log-form");
    if (open) {
      focusFirstField(open);
      return;
    }
    opener = link;
    htmx.ajax("GET", link.getAttribute("href"), { target: "#modal", swap: "innerHTML" });
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && closeModal()) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    // A click on the backdrop, outside the dialog box, closes it.
    if (event.target.matches && event.target.matches("#modal [data-modal]")) closeModal();
  });

  document.addEventListener("htmx:load", (event) => enhance(event.detail.elt));
  document.addEventListener("DOMContentLoaded", () => enhance(document));

  document.addEventListener("htmx:afterSwap", (event) => {
    const box = modal();
    // A history restore (Back after a search) swaps without a target.
    const target = event.detail && event.detail.target;
    if (!box || !target) return;
    if (target === box) {
      if (!opener) opener = document.activeElement;
      focusFirstField(box);
    } else if (target.id === "log-form" && box.querySelector("#log-form")) {
      // The form came back (with errors, or the confirmation): focus what needs attention.
      const form = box.querySelector("#log-form");
      if (form.matches("form")) focusFirstField(form);
      else {
        const action = form.querySelector("a, button");
        if (action) action.focus();
      }
    }
  });
})();
