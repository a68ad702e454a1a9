"""
Template helpers of the layout every page shares.

``{% site_urls as urls %}`` gives the addresses the header and the footer link to. They
depend only on the language (``/`` or ``/en/``), the script prefix and the URLconf, so each
process reverses them once per combination instead of on every request: reversing a name
costs about as much as rendering the rest of the header.
"""

from __future__ import annotations

import functools

from django import template
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()

# The layout's links: a name in templates, and the URL name it reverses.
SITE_URL_NAMES = {
    "home": "home",
    "assignments": "public:assignment_list",
    "organisations": "public:organisation_list",
    "council_goals": "public:council_goals",
    "sdgs": "goals_public:sdg_list",
    "mdgs": "goals_public:mdg_list",
    "open_data": "opendata:index",
    "accessibility": "public:accessibility",
    "my_assignments": "assignments:my_assignments",
    "admin": "admin:index",
    "login": "login",
    "logout": "logout",
}

# The account pages, from which signing in returns to the start page rather than to them.
ACCOUNT_PAGES = frozenset(
    {
        "login",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)


@functools.lru_cache(maxsize=32)
def _reversed(language: str | None, script_prefix: str, resolver) -> dict[str, str]:
    # The resolver is part of the key: tests that swap the URLconf clear Django's resolver
    # cache, and so get a new resolver and freshly reversed addresses.
    urls = {}
    for key, name in SITE_URL_NAMES.items():
        try:
            urls[key] = reverse(name)
        except NoReverseMatch:  # as {% url … as var %}: a link that does not exist is empty
            urls[key] = ""
    return urls


@register.simple_tag
def site_urls() -> dict[str, str]:
    """The addresses of the layout's links in the active language (see SITE_URL_NAMES)."""
    return _reversed(get_language(), get_script_prefix(), get_resolver(get_urlconf()))


@register.filter
def is_account_page(url_name: str | None) -> bool:
    return url_name in ACCOUNT_PAGES
