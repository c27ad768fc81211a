"""Script and HTML payloads in every text field of every model, every page opened in Chromium:
no dialog, nothing run (window.__xss stays undefined), no injected element, no CSP violation,
no console error. The data is made through factories, the pages are visited in one browser."""

import os

import pytest

from .conftest import MARKER, build_hostile_world, pages

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

# Records every CSP violation the page reports, before any of the page's own code runs.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""
# Elements and attributes a payload would add; the app itself has none of them (strict CSP).
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('img[src="x"], [onerror], [onload], svg[onload]')) {
    found.push(el.outerHTML.slice(0, 120));
  }
  for (const s of document.scripts) {
    if (!s.src || s.text.includes("__xss")) found.push("inline script: " + s.text.slice(0, 80));
  }
  for (const a of document.querySelectorAll("a[href], form[action], iframe[src]")) {
    const url = (a.getAttribute("href") || a.getAttribute("action") || a.getAttribute("src"));
    if (url.trim().toLowerCase().startsWith("javascript:")) found.push("js url: " + url);
  }
  return found;
}"""
def _visit(page, url: str, errors: list, dialogs: list) -> list[str]:
    """Open one page, let htmx and the page's scripts finish, and list what went wrong."""
    start_errors, start_dialogs = len(errors), len(dialogs)
    # Only the dashboard loads a card after the page (htmx); elsewhere "load" is enough.
    page.goto(url, wait_until="networkidle" if url == "/" else "load")
    if url == "/network/":
        page.wait_for_selector('#network-graph[data-state="ready"]')
    problems = [f"dialog: {d}" for d in dialogs[start_dialogs:]]
    if page.evaluate("() => typeof window.__xss") != "undefined":
        problems.append("a payload ran (window.__xss is set)")
    problems += [f"injected: {el}" for el in page.evaluate(INJECTED)]
    problems += [f"CSP: {v}" for v in page.evaluate("() => window.__csp || []")]
    problems += [f"console: {e}" for e in errors[start_errors:]]
    return problems


@pytest.fixture
def hostile_page(owner_page, hostile_owner):
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    owner_page.on("dialog", on_dialog)
    owner_page.context.add_init_script(WATCH_CSP)
    return owner_page, dialogs


def test_no_payload_runs_or_injects_an_element_on_any_page(
    hostile_page, hostile_owner, browser_errors, live_server
):
    page, dialogs = hostile_page
    world = build_hostile_world(hostile_owner)
    problems, shown = [], 0
    for name, url in pages(world).items():
        problems += [f"{name} ({url}): {p}" for p in _visit(page, url, browser_errors, dialogs)]
        shown += MARKER in page.content()
    # The network map draws its nodes from JSON with script: search it for the payload too.
    page.goto(pages(world)["network"], wait_until="networkidle")
    page.wait_for_selector('#network-graph[data-state="ready"]')
    page.fill("#network-search", MARKER)
    page.wait_for_timeout(300)
    problems += [f"network search: {p}" for p in _visit_current(page, browser_errors, dialogs)]
    assert not problems, "\n".join(problems)
    assert shown >= 25


def _visit_current(page, errors, dialogs) -> list[str]:
    problems = [f"dialog: {d}" for d in dialogs]
    if page.evaluate("() => typeof window.__xss") != "undefined":
        problems.append("a payload ran (window.__xss is set)")
    problems += [f"injected: {el}" for el in page.evaluate(INJECTED)]
    problems += [f"CSP: {v}" for v in page.evaluate("() => window.__csp || []")]
    return problems
