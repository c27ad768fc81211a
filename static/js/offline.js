// The installable app in the page: registers the service worker (templates/webapp/sw.js),
// keeps a Log form that cannot reach the server in the outbox (static/js/outbox.js) and sends
// it when the connection returns, shows what waits to be sent, and lets the Log form's contact
// picker search the contacts kept on the device while offline. Everything here is an
// enhancement: without it the Log form posts as a plain page.
(() => {
  "use strict";
  const Outbox = window.NcrmOutbox;
  const app = document.querySelector("meta[name='ncrm-app']");
  if (!app || !Outbox) return;
  const user = app.dataset.user || "";
  Outbox.configure({ session: app.dataset.session, log: app.dataset.log });
  const LOG_FORM = "form[data-offline-log]";
  const REFRESH_EVERY_MS = 5 * 60 * 1000;
  const RETRY_EVERY_MS = 30 * 1000;

  // --- The service worker -------------------------------------------------------------------
  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    try {
      if (user) await navigator.serviceWorker.register(app.dataset.sw, { scope: "/" });
      const registration = user ? await navigator.serviceWorker.ready : await navigator.serviceWorker.getRegistration("/");
      const worker = registration && (registration.active || registration.waiting || registration.installing);
      if (!worker) return;
      // Another user's (or a signed-out) copy of the pages is dropped by the worker.
      worker.postMessage({ type: "user", user });
      const last = Number(localStorage.getItem("ncrm-refreshed") || 0);
      if (user && navigator.onLine && Date.now() - last > REFRESH_EVERY_MS) {
        localStorage.setItem("ncrm-refreshed", String(Date.now()));
        worker.postMessage({ type: "refresh" });
      }
    } catch (error) {
      console.warn("service worker not registered:", error);
    }
  }

  // --- The Log form -------------------------------------------------------------------------
  function newKey() {
    return crypto.randomUUID ? crypto.randomUUID()
      : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
        (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
  }

  function localToday() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  function prepare(root) {
    const forms = root.matches && root.matches(LOG_FORM) ? [root] : root.querySelectorAll(LOG_FORM);
    forms.forEach((form) => {
      let key = form.querySelector("input[name=idempotency_key]");
      if (!key) {
        key = document.createElement("input");
        key.type = "hidden";
        key.name = "idempotency_key";
        form.append(key);
      }
      if (!key.value) key.value = newKey();
      // A Log form kept on the device since an earlier day still says that day (a form sent
      // back with errors says what the user chose).
      const day = form.querySelector("input[name=occurred_on]");
      const today = localToday();
      const untouched = day && day.value === day.defaultValue && !form.querySelector(".errorlist");
      if (untouched && day.value && day.value < today && !form.dataset.dayChecked) {
        day.value = today;
      }
      form.dataset.dayChecked = "1";
    });
  }

  function chosenNames(form) {
    const chips = Array.from(form.querySelectorAll("[data-picker-selected] input[name=contacts]:checked"));
    return chips.map((box) => box.parentElement.textContent.trim());
  }

  function titleOf(form) {
    const summary = (form.querySelector("[name=summary]") || {}).value || "";
    const kind = form.querySelector("select[name=kind]");
    const kindLabel = kind && kind.selectedOptions[0] ? kind.selectedOptions[0].textContent.trim() : "Conversation";
    const names = chosenNames(form).join(", ");
    return `${summary.trim() || kindLabel}${names ? " with " + names : ""}`;
  }

  function showQueued(form, title) {
    const template = document.getElementById("log-queued-template");
    if (!template) return;
    const box = template.content.firstElementChild.cloneNode(true);
    box.querySelector("[data-queued-title]").textContent = title;
    form.replaceWith(box);
    const first = box.querySelector("a, button");
    if (first) first.focus();
  }

  function missingContacts(form) {
    if (chosenNames(form).length) return false;
    // The picker's field (label, help, errors): where the server puts this error too.
    const picker = form.querySelector("[data-contact-picker]");
    const field = picker && (picker.closest(".field") || picker);
    if (field && !field.querySelector(".errorlist")) {
      const list = document.createElement("ul");
      list.className = "errorlist";
      list.setAttribute("role", "alert");
      const item = document.createElement("li");
      item.textContent = "Pick at least one contact.";
      list.append(item);
      field.append(list);
      field.classList.add("has-error");
    }
    return true;
  }

  async function keep(form) {
    if (form.dataset.kept) return;
    if (missingContacts(form)) return;
    form.dataset.kept = "1";
    const fields = Array.from(new FormData(form).entries())
      .filter(([name, value]) => name !== "csrfmiddlewaretoken" && typeof value === "string");
    const key = form.querySelector("input[name=idempotency_key]").value;
    const title = titleOf(form);
    await Outbox.add({ key, user, fields, title });
    showQueued(form, title);
    Outbox.requestSync();
    flushSoon();
  }

  const isLogForm = (elt) => elt && elt.matches && elt.matches(LOG_FORM);

  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (isLogForm(elt) && !navigator.onLine) {
      event.preventDefault();
      keep(elt);
    } else if (isPickerSearch(elt) && !navigator.onLine) {
      event.preventDefault();
      searchOnDevice(elt);
    }
  });

  // The request never got an answer (no signal, a timeout): its outcome is unknown, so it is
  // kept with the same key; if the server did log it, the second send is told "already saved".
  for (const name of ["htmx:sendError", "htmx:timeout"]) {
    document.addEventListener(name, (event) => {
      const elt = event.detail.elt;
      if (isLogForm(elt)) keep(elt);
      else if (isPickerSearch(elt)) searchOnDevice(elt);
    });
  }

  document.addEventListener("htmx:responseError", (event) => {
    const elt = event.detail.elt;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    // A server error or an old CSRF token (a page from the device): kept, sent later.
    if (isLogForm(elt) && (status >= 500 || status === 403)) keep(elt);
  });

  // Offline, the links that would fetch the Log form into a dialog open the page instead
  // (the service worker has it).
  window.addEventListener("click", (event) => {
    if (navigator.onLine) return;
    const link = event.target.closest && event.target.closest("a[data-shortcut='l'], a[data-open-log], a[hx-get]");
    if (link && link.getAttribute("href")) event.stopImmediatePropagation();
  }, true);

  // --- The contact picker without a connection ------------------------------------------------
  let directory = null;

  function isPickerSearch(elt) {
    return elt && elt.matches && elt.matches("[data-contact-picker] input[type=search]");
  }

  async function contactsOnDevice() {
    if (!directory) {
      const response = await fetch(app.dataset.directory, { credentials: "same-origin" });
      directory = (await response.json()).contacts;
    }
    return directory;
  }

  const fold = (text) => (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  async function searchOnDevice(input) {
    const picker = input.closest("[data-contact-picker]");
    const results = picker.querySelector(".picker-results");
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    results.replaceChildren();
    if (!words.length) return;
    let contacts;
    try {
      contacts = await contactsOnDevice();
    } catch (error) {
      const note = document.createElement("p");
      note.className = "empty";
      note.textContent = "Your contacts are not on this device yet: open the app once while online.";
      results.append(note);
      return;
    }
    const chosen = new Set(Array.from(picker.querySelectorAll("[data-picker-selected] input")).map((box) => box.value));
    const found = contacts.filter(([id, name, company]) =>
      !chosen.has(String(id)) && words.every((word) => fold(`${name} ${company}`).includes(word))).slice(0, 10);
    for (const [id, name, company] of found) {
      const option = document.createElement("label");
      option.className = "picker-option";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = picker.dataset.fieldName || "contacts";
      box.value = String(id);
      box.dataset.name = name;
      const title = document.createElement("span");
      title.className = "picker-name";
      title.textContent = name;
      const more = document.createElement("span");
      more.className = "muted small";
      more.textContent = company;
      option.append(box, title, more);
      results.append(option);
    }
    if (!found.length) {
      const note = document.createElement("p");
      note.className = "empty";
      note.textContent = `No contact on this device matches “${input.value}” (it keeps the people you talked to most recently).`;
      results.append(note);
    }
  }

  // --- Sending, and what waits ----------------------------------------------------------------
  let timer = null;

  async function mine() {
    return (await Outbox.all()).filter((entry) => String(entry.user) === String(user));
  }

  async function flushNow() {
    if (!user || !navigator.onLine) return;
    await Outbox.flush();
    await showStatus();
  }

  function flushSoon() {
    setTimeout(flushNow, 50);
  }

  function announce(text) {
    const messages = document.getElementById("messages");
    if (!messages) return;
    const flash = document.createElement("p");
    flash.className = "flash flash-success";
    flash.textContent = text;
    messages.append(flash);
  }

  // Keys this page has seen waiting. Whoever sends one (this page, another tab, or the service
  // worker's Background Sync, which may win the outbox's lock when the connection returns), the
  // page says so when it sees it saved.
  const unsent = new Set();

  function noteArrivals(entries) {
    const arrived = entries.filter((e) => e.state === "saved" && unsent.has(e.key)).length;
    for (const entry of entries) {
      if (entry.state === "saved") unsent.delete(entry.key);
      else unsent.add(entry.key);
    }
    if (!arrived) return;
    announce(`Sent ${arrived} conversation${arrived === 1 ? "" : "s"} logged on this device.`);
    document.body.dispatchEvent(new CustomEvent("interactionLogged", { bubbles: true }));
  }

  async function showStatus() {
    const bar = document.getElementById("app-status");
    if (!bar) return;
    const entries = user ? await mine() : [];
    noteArrivals(entries);
    const waiting = entries.filter((e) => e.state !== "saved").length;
    const offline = !navigator.onLine;
    bar.hidden = !offline && !waiting;
    bar.classList.toggle("offline", offline);
    bar.querySelector("[data-status-text]").textContent = offline
      ? `Offline: pages show their last copy${waiting ? "" : "; what you log is kept here and sent later"}.`
      : "";
    const link = bar.querySelector("[data-status-link]");
    link.hidden = !waiting;
    link.textContent = `${waiting} logged on this device ${waiting === 1 ? "is" : "are"} not sent yet`;
    clearInterval(timer);
    timer = waiting && !offline ? setInterval(flushNow, RETRY_EVERY_MS) : null;
    renderOutbox();
  }

  // --- The outbox page -------------------------------------------------------------------------
  const STATES = {
    waiting: ["Waiting for a connection", "warn"],
    sending: ["Sending", "warn"],
    saved: ["Saved", "good"],
    rejected: ["Needs attention", "bad"],
  };

  function errorText(errors) {
    return Object.entries(errors || {}).map(([field, list]) =>
      `${field === "__all__" ? "" : field.replace(/_/g, " ") + ": "}${list.map((e) => e.message || e).join(" ")}`).join("; ");
  }

  async function renderOutbox() {
    const list = document.querySelector("[data-outbox-list]");
    const template = document.getElementById("outbox-item-template");
    if (!list || !template) return;
    const entries = (await mine()).sort((a, b) => b.loggedAt.localeCompare(a.loggedAt));
    list.replaceChildren();
    for (const entry of entries) {
      const item = template.content.firstElementChild.cloneNode(true);
      const [label, tone] = STATES[entry.state] || [entry.state, ""];
      item.dataset.key = entry.key;
      item.dataset.state = entry.state;
      item.querySelector("[data-field=title]").textContent = entry.summary || entry.title;
      const badge = item.querySelector("[data-field=state]");
      badge.textContent = label;
      badge.classList.add(tone);
      item.querySelector("[data-field=when]").textContent =
        `Logged ${new Date(entry.loggedAt).toLocaleString()}`;
      const detail = entry.state === "rejected" ? errorText(entry.errors) : entry.error || "";
      item.querySelector("[data-field=detail]").textContent = detail;
      const link = item.querySelector("[data-field=link]");
      if (entry.url) { link.href = entry.url; link.hidden = false; }
      item.querySelector("[data-action=discard]").hidden = entry.state === "saved" || entry.state === "sending";
      item.querySelector("[data-action=retry]").hidden = entry.state !== "waiting";
      list.append(item);
    }
    const empty = document.querySelector("[data-outbox-empty]");
    if (empty) empty.hidden = entries.length > 0;
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("[data-outbox-list] [data-action]");
    if (!button) return;
    const key = button.closest("[data-key]").dataset.key;
    if (button.dataset.action === "discard") {
      if (!window.confirm("Discard this conversation? It has not reached the server.")) return;
      await Outbox.remove(key);
      Outbox.changed();
    } else {
      await flushNow();
    }
  });

  Outbox.onChange(() => showStatus());
  window.addEventListener("online", () => { showStatus(); flushNow(); });
  window.addEventListener("offline", () => showStatus());
  document.addEventListener("htmx:load", (event) => prepare(event.detail.elt));
  document.addEventListener("DOMContentLoaded", () => {
    prepare(document);
    registerWorker();
    showStatus();
    flushNow();
  });
})();
