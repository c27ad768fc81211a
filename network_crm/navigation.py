"""Which section of the main navigation the current page belongs to (a context processor).

base.html marks that link `aria-current="page"`; deciding it here, once per page, replaces a
chain of template conditions on `request.resolver_match` in every page's navigation.
"""


def section_of(app_name: str, url_name: str) -> str:
    """The navigation section of the URL named `app_name:url_name` ("" when none)."""
    if app_name == "insights":
        return "insights" if url_name == "insights" else "network"
    if "event" in url_name:
        return "events"
    if app_name == "contacts":
        return "contacts"
    if "support" in url_name:
        return "gives"
    if "mentorship" in url_name:
        return "mentorships"
    if app_name == "interactions" and url_name == "list":
        return "interactions"
    if url_name == "dashboard":
        return "dashboard"
    return ""


def navigation(request) -> dict:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": ""}
    return {"nav_section": section_of(match.app_name, match.url_name or "")}
