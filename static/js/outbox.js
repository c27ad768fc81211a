// The outbox: conversations logged on this device, kept in IndexedDB until the server has
// them. Loaded by every page (with offline.js) and by the service worker (sw.js), which both
// send it: on load, when the connection returns, and by Background Sync. Each entry carries
// the idempotency key its Log form was given, so however often it is sent (a lost answer, two
// tabs, the worker and a page at once), the server logs it once (webapp.views.log).
(() => {
  "use strict";
  const scope = typeof self !== "undefined" ? self : window;
  const DB_NAME = "network_crm";
  const STORE = "outbox";
  const SYNC_TAG = "ncrm-outbox";
  const LOCK = "ncrm-outbox";
  // Saved entries stay listed this long, so the user sees them arrive.
  const KEEP_SAVED_MS = 3 * 24 * 3600 * 1000;
  const config = { session: "/app/session/", log: "/app/log/" };
  const channel = "BroadcastChannel" in scope ? new BroadcastChannel("ncrm-outbox") : null;
  let dbPromise = null;

  function open() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const store = request.result.createObjectStore(STORE, { keyPath: "key" });
          store.createIndex("state", "state");
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  async function run(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const all = () => run("readonly", (store) => store.getAll());
  const get = (key) => run("readonly", (store) => store.get(key));
  const put = (entry) => run("readwrite", (store) => store.put(entry));
  const remove = (key) => run("readwrite", (store) => store.delete(key));

  function changed() {
    if (channel) channel.postMessage({ type: "changed" });
    if (typeof window !== "undefined" && scope === window) {
      window.dispatchEvent(new CustomEvent("ncrm:outbox"));
    }
  }

  async function update(key, changes) {
    const entry = await get(key);
    if (!entry) return null;
    Object.assign(entry, changes, { updatedAt: new Date().toISOString() });
    await put(entry);
    changed();
    return entry;
  }

  // Keep a Log form's fields; `entry` has key, user, fields ([name, value] pairs), title.
  async function add(entry) {
    const now = new Date().toISOString();
    await put({ state: "waiting", loggedAt: now, updatedAt: now, attempts: 0, error: "", ...entry });
    changed();
  }

  function withLock(work) {
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request(LOCK, { ifAvailable: true }, (lock) => (lock ? work() : null));
    }
    return work();
  }

  async function session() {
    const response = await fetch(config.session, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`session: ${response.status}`);
    return response.json();
  }

  async function sendOne(entry, token) {
    const body = new URLSearchParams(entry.fields);
    body.set("idempotency_key", entry.key);
    body.set("logged_at", entry.loggedAt);
    const response = await fetch(config.log, {
      method: "POST", body, credentials: "same-origin", cache: "no-store",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    });
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    const attempts = (entry.attempts || 0) + 1;
    if (response.status === 200 || response.status === 201) {
      return update(entry.key, { state: "saved", url: data.url || "", summary: data.summary || "", attempts, error: "" });
    }
    if (response.status === 422 || response.status === 400) {
      return update(entry.key, { state: "rejected", errors: data.errors || {}, attempts, error: "" });
    }
    // 403 (an old token), 5xx, a proxy's error page: kept, tried again later.
    await update(entry.key, { state: "waiting", attempts, error: `The server answered ${response.status}.` });
    throw new Error(`log: ${response.status}`);
  }

  async function prune(entries) {
    const cutoff = Date.now() - KEEP_SAVED_MS;
    for (const entry of entries) {
      if (entry.state === "saved" && Date.parse(entry.updatedAt) < cutoff) await remove(entry.key);
    }
  }

  // Send every waiting entry of the signed-in user, one at a time; stop at the first failure
  // (offline, or the server unwell): the next flush tries again. Returns how many were saved.
  function flush() {
    return withLock(async () => {
      const entries = await all();
      await prune(entries);
      const waiting = entries.filter((e) => e.state === "waiting" || e.state === "sending");
      if (!waiting.length) return 0;
      let who;
      try {
        who = await session();
      } catch (error) {
        return 0;  // offline
      }
      if (!who.user) return 0;  // signed out: kept until this user signs in again
      let saved = 0;
      for (const entry of waiting.filter((e) => String(e.user) === String(who.user))) {
        await update(entry.key, { state: "sending" });
        try {
          const result = await sendOne(entry, who.csrf_token);
          if (result && result.state === "saved") saved += 1;
        } catch (error) {
          const still = await get(entry.key);
          if (still && still.state === "sending") await update(entry.key, { state: "waiting", error: "No connection." });
          break;
        }
      }
      return saved;
    });
  }

  async function requestSync() {
    // Background Sync (Chromium): the service worker sends when the connection returns,
    // even with every tab closed.
    try {
      const registration = await scope.navigator.serviceWorker.ready;
      if (registration.sync) await registration.sync.register(SYNC_TAG);
    } catch (error) { /* not offered: the pages send instead */ }
  }

  scope.NcrmOutbox = {
    SYNC_TAG, add, all, get, remove, update, flush, requestSync, changed,
    configure(urls) { Object.assign(config, urls); },
    onChange(callback) {
      if (channel) channel.addEventListener("message", callback);
      if (typeof window !== "undefined" && scope === window) window.addEventListener("ncrm:outbox", callback);
    },
  };
})();
