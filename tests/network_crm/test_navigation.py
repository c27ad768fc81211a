"""The navigation's current section (network_crm/navigation.py) is, for every named URL of the
project, the link the template conditions it replaced marked as the current page."""

import pytest
from django.template import Context, Template
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

from network_crm.navigation import section_of

# base.html's conditions before the context processor, one line per link.
REPLACED = Template(
    "{% if match.url_name == 'dashboard' %}dashboard{% endif %}"
    "{% if match.app_name == 'contacts' and 'event' not in match.url_name %}contacts{% endif %}"
    "{% if match.url_name == 'list' and match.app_name == 'interactions' %}interactions{% endif %}"
    "{% if 'support' in match.url_name %}gives{% endif %}"
    "{% if 'event' in match.url_name %}events{% endif %}"
    "{% if 'mentorship' in match.url_name %}mentorships{% endif %}"
    "{% if match.app_name == 'insights' and match.url_name != 'insights' %}network{% endif %}"
    "{% if match.app_name == 'insights' and match.url_name == 'insights' %}insights{% endif %}"
)


def _named_urls(patterns, app_name=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _named_urls(entry.url_patterns, entry.app_name or app_name)
        elif isinstance(entry, URLPattern) and entry.name:
            yield app_name, entry.name


NAMED = sorted(set(_named_urls(get_resolver().url_patterns)))


@pytest.mark.parametrize(("app_name", "url_name"), NAMED)
def test_section_is_the_link_the_old_conditions_marked(app_name, url_name):
    match = {"app_name": app_name, "url_name": url_name}
    assert section_of(app_name, url_name) == REPLACED.render(Context({"match": match}))


def test_every_section_of_the_navigation_has_pages():
    found = {section_of(app, name) for app, name in NAMED}
    assert found >= {
        "dashboard", "contacts", "interactions", "gives", "events", "mentorships", "network",
        "insights",
    }
