// The reminders settings page: turn on web push for this device. Asks for permission,
// subscribes with the server's VAPID public key through the service worker, and sends the
// subscription to the server, which then lists this device among the places reminders go.
(() => {
  "use strict";

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function keyBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  function deviceName() {
    const ua = navigator.userAgent;
    const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS"
      : /Mac OS/.test(ua) ? "Mac" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
    const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox"
      : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "browser";
    return `${browser}${os ? " on " + os : ""}`;
  }

  async function subscribe(box) {
    const status = box.querySelector("[data-push-status]");
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      status.textContent = "Notifications are blocked for this site: allow them in the browser's site settings.";
      return;
    }
    status.textContent = "Turning push on…";
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.dataset.key),
      });
      const json = subscription.toJSON();
      const body = new URLSearchParams({
        endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth, name: deviceName(),
      });
      const response = await fetch(box.dataset.url, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      status.textContent = "Push is on for this device.";
      window.location.reload();
    } catch (error) {
      status.textContent = `Push could not be turned on: ${error.message}`;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const box = document.querySelector("[data-push]");
    if (!box) return;
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
    const button = box.querySelector("[data-push-enable]");
    const status = box.querySelector("[data-push-status]");
    button.hidden = false;
    status.textContent = Notification.permission === "denied"
      ? "Notifications are blocked for this site: allow them in the browser's site settings."
      : "";
    button.addEventListener("click", () => subscribe(box));
  });
})();
