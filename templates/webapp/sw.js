// network_crm's service worker (served by webapp.views.service_worker at /sw.js, so its scope
// is the whole site). It keeps the app shell (static files) and a few pages on the device, so
// the app and its Log form open without a connection; pages are fetched from the network first
// and their last copy shown when it cannot be reached. Conversations logged offline wait in
// IndexedDB (static/js/outbox.js) and are sent from here too, by Background Sync, once.
"use strict";

const VERSION = "{{ version }}";
const SHELL = {{ shell|safe }};
const PAGES = {{ pages|safe }};
const DIRECTORY = {{ directory|safe }};
const STATIC_PREFIX = {{ static_prefix|safe }};
const NO_CACHE = {{ no_cache|safe }};
const SHELL_CACHE = `ncrm-shell-${VERSION}`;
const PAGE_CACHE = "ncrm-pages";
// The signed-in user whose pages PAGE_CACHE holds, kept as a response in it.
const USER_KEY = "/__ncrm-user";
// A page slower than this comes from the device when a copy is there (no signal, "lie-fi").
const NETWORK_TIMEOUT_MS = 4000;
const MAX_PAGES = 60;

importScripts({{ outbox_script|safe }});
self.NcrmOutbox.configure({{ outbox_urls|safe }});

async function refreshPages() {
  const cache = await caches.open(PAGE_CACHE);
  const wanted = [...Object.values(PAGES), DIRECTORY];
  await Promise.all(wanted.map(async (url) => {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch (error) { /* offline: keep the copy we have */ }
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(SHELL);
    await refreshPages();
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("ncrm-shell-") && name !== SHELL_CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

function cacheable(url, response) {
  if (!response || !response.ok || response.redirected || response.type !== "basic") return false;
  if (NO_CACHE.some((prefix) => url.pathname.startsWith(prefix))) {
    return Object.values(PAGES).includes(url.pathname);
  }
  return (response.headers.get("Content-Type") || "").startsWith("text/html");
}

async function trimPages(cache) {
  const keys = await cache.keys();
  const pages = keys.filter((request) => !request.url.endsWith(USER_KEY));
  for (const request of pages.slice(0, Math.max(0, pages.length - MAX_PAGES))) {
    await cache.delete(request);
  }
}

function timeout(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}

async function fromDevice(request, url) {
  const cache = await caches.open(PAGE_CACHE);
  const copy = await cache.match(request, { ignoreVary: true });
  if (copy) return copy;
  // The Log form opens from any link to it (?next=…, ?contact=…): one copy serves them all.
  if (url.pathname === PAGES.log) {
    const form = await cache.match(PAGES.log, { ignoreSearch: true });
    if (form) return form;
  }
  return (await cache.match(PAGES.offline)) || Response.error();
}

async function navigate(event) {
  const request = event.request;
  const url = new URL(request.url);
  const network = fetch(request).then(async (response) => {
    if (cacheable(url, response)) {
      const cache = await caches.open(PAGE_CACHE);
      await cache.put(request, response.clone());
      await trimPages(cache);
    }
    return response;
  });
  event.waitUntil(network.catch(() => null));
  try {
    const cache = await caches.open(PAGE_CACHE);
    const copy = await cache.match(request, { ignoreVary: true });
    const answer = copy ? await Promise.race([network, timeout(NETWORK_TIMEOUT_MS)]) : await network;
    return answer || copy;
  } catch (error) {
    return fromDevice(request, url);
  }
}

// Cards a page loads after itself (htmx GETs, such as the dashboard's Review card): the network
// first, else their last copy, kept apart from the full page at the same address.
async function fragment(request) {
  const url = new URL(request.url);
  const key = new URL(url);
  key.searchParams.set("__fragment", "1");
  try {
    const response = await fetch(request);
    if (cacheable(url, response)) {
      const cache = await caches.open(PAGE_CACHE);
      await cache.put(key.href, response.clone());
      await trimPages(cache);
    }
    return response;
  } catch (error) {
    return (await caches.match(key.href)) || Response.error();
  }
}

async function staticFile(request) {
  const copy = await caches.match(request, { ignoreVary: true });
  if (copy) return copy;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL_CACHE)).put(request, response.clone());
  return response;
}

async function directory(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      (await caches.open(PAGE_CACHE)).put(DIRECTORY, response.clone());
    }
    return response;
  } catch (error) {
    return (await caches.match(DIRECTORY)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
  } else if (url.pathname === DIRECTORY) {
    event.respondWith(directory(request));
  } else if (request.headers.get("HX-Request") === "true") {
    event.respondWith(fragment(request));
  }
});

// A page tells who is signed in: another user's (or a signed-out) device copy is dropped.
async function setUser(user) {
  const cache = await caches.open(PAGE_CACHE);
  const known = await cache.match(USER_KEY);
  const before = known ? await known.text() : null;
  if (before === String(user)) return false;
  if (before !== null) {
    await caches.delete(PAGE_CACHE);
  }
  if (user) await (await caches.open(PAGE_CACHE)).put(USER_KEY, new Response(String(user)));
  return true;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "user") {
    event.waitUntil(setUser(data.user).then((changed) => (changed && data.user ? refreshPages() : null)));
  } else if (data.type === "refresh") {
    event.waitUntil(refreshPages());
  } else if (data.type === "flush") {
    event.waitUntil(self.NcrmOutbox.flush());
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === self.NcrmOutbox.SYNC_TAG) event.waitUntil(self.NcrmOutbox.flush());
});

// Reminders pushed by the server (notifications.senders.send_web_push).
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(self.registration.showNotification(data.title || "network_crm", {
    body: data.body || "",
    tag: data.tag || "network_crm",
    icon: SHELL.find((url) => url.includes("icon-192")),
    badge: SHELL.find((url) => url.includes("icon-192")),
    data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url || "/", self.location.origin);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin === target.origin && "focus" in client) {
        await client.focus();
        return client.navigate ? client.navigate(target.href) : null;
      }
    }
    return self.clients.openWindow(target.href);
  })());
});
