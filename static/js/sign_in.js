// Passkeys and security keys (allauth's webauthn.js runs the browser's prompt): when the
// prompt fails or is cancelled, say so beside the button instead of only in the console.
document.addEventListener("allauth.error", (event) => {
  const box = document.querySelector("[data-webauthn-error]");
  if (!box) return;
  event.preventDefault();
  const error = event.detail && event.detail.exception;
  const cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
  box.textContent = cancelled
    ? "The passkey prompt was closed or timed out. Try again, or use another way to sign in."
    : "This browser could not use a passkey or security key here.";
  box.hidden = false;
});
