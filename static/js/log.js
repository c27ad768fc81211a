// The Log form's contact picker and the #modal frame (issue 3). Everything here is an
// enhancement: without JavaScript the picker's Find button reloads the page with the matches,
// and the form posts as a page.
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

  function select(picker, checkbox) {
    const selected = picker.querySelector("[data-picker-selected]");
    const already = selected.querySelector(`input[value="${checkbox.value}"]`);
    if (!already) {
      const chip = document.createElement("label");
      chip.className = "chip";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "contacts";
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
      input.focus();
    }
  }

  document.addEventListener("change", (event) => {
    const box = event.target;
    const picker = pickerOf(box);
    if (!picker || box.name !== "contacts" || box.type !== "checkbox") return;
    if (box.closest(".picker-results") && box.checked) {
      select(picker, box);
    } else if (box.closest("[data-picker-selected]") && !box.checked) {
      box.closest("label").remove();
      const input = picker.querySelector("input[type=search]");
      if (input) input.focus();
    }
  });

  // Enter in the search box picks the first match instead of submitting the whole form;
  // arrow down moves into the results.
  document.addEventListener("keydown", (event) => {
    const input = event.target;
    const picker = pickerOf(input);
    if (!picker || input.type !== "search") return;
    const first = picker.querySelector(".picker-results input[type=checkbox]");
    if (event.key === "Enter") {
      event.preventDefault();
      if (first) {
        first.checked = true;
        select(picker, first);
      }
    } else if (event.key === "ArrowDown" && first) {
      event.preventDefault();
      first.focus();
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

  function focusFirstField(root) {
    const bad = root.querySelector(".has-error input, .has-error select, .has-error textarea");
    const field = bad || root.querySelector("input[type=search]:not([hidden]), select, textarea, input:not([type=hidden])");
    if (field) field.focus();
  }

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
    if (!box) return;
    const target = event.detail.target;
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
