"""
Template helpers of the layout every page shares.

``{% site_urls as urls %}`` gives the addresses the header and the footer link to. They
depend only on the language (``/`` or ``/en/``), the script prefix and the URLconf, so each
process reverses them once per combination instead of on every request: reversing a name
costs about as much as rendering the rest of the header.

``{% path "public:report_detail" report.pk %}`` is ``{% url %}`` for the links a page repeats
in its lists: reversing a name costs 30–100 µs, more than rendering the list item around it.
A route of one argument differs from one address to the next only in that argument, so each
process reverses it once per language, script prefix and URLconf, with a marker in the
argument's place, and then puts each argument where the marker was.

``{% organisation_name %}`` is the name of the organisation behind the portal, from the
setting PORTAL_ORGANISATION_NAME: never written into a template. A tag rather than a context
processor, so that the error pages, rendered without a request, have it too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()

# The layout's links: a name in templates, and the URL name it reverses.
SITE_URL_NAMES = {
    "home": "home",
    "assignments": "public:assignment_list",
    "organisations": "public:organisation_list",
    "council_goals": "public:council_goals",
    "indicators": "public:indicator_list",
    "sdgs": "goals_public:sdg_list",
    "mdgs": "goals_public:mdg_list",
    "open_data": "opendata:index",
    "accessibility": "public:accessibility",
    "my_assignments": "assignments:my_assignments",
    "admin": "admin:index",
    "login": "login",
    "logout": "logout",
}


@register.simple_tag
def organisation_name() -> str:
    """The organisation behind the portal (settings.PORTAL_ORGANISATION_NAME)."""
    return settings.PORTAL_ORGANISATION_NAME


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
    return _reversed(*_reversing_context())


def _reversing_context() -> tuple:
    """What a reversed address depends on besides the name and arguments: the language, the
    script prefix and the URLconf's resolver (new when tests swap the URLconf)."""
    return get_language(), get_script_prefix(), get_resolver(get_urlconf())


# Stand-ins for an argument while a route is reversed: digits, which every converter of a
# Django route accepts (int, slug, str, path), and a slug, which an int route refuses.
DIGITS_MARKER = "1234567890987654321"
SLUG_MARKER = "x-path-marker-x"
DIGITS = re.compile(r"[0-9]+")
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@functools.lru_cache(maxsize=128)
def _route(
    name: str, language: str | None, script_prefix: str, resolver
) -> tuple[str, str, bool] | None:
    """A route's address before and after its argument, and whether it takes slugs; None
    when the marker does not stand once for the argument (a converter that refuses it, an
    argument used twice), and the route is then always reversed."""
    try:
        url = reverse(name, args=[DIGITS_MARKER])
    except NoReverseMatch:
        return None
    if url.count(DIGITS_MARKER) != 1:
        return None
    head, _marker, tail = url.partition(DIGITS_MARKER)
    try:
        takes_slugs = reverse(name, args=[SLUG_MARKER]) == f"{head}{SLUG_MARKER}{tail}"
    except NoReverseMatch:
        takes_slugs = False
    return head, tail, takes_slugs


def _address(name: str, route: tuple[str, str, bool] | None, argument: int | str) -> str:
    value = str(argument)
    if route is not None:
        head, tail, takes_slugs = route
        if DIGITS.fullmatch(value) or (takes_slugs and SLUG.fullmatch(value)):
            return f"{head}{value}{tail}"
    return reverse(name, args=[argument])


@register.simple_tag
def path(name: str, argument: int | str) -> str:
    """The address of a route of one argument: the same as ``reverse(name, args=[argument])``
    (anything the fast way cannot be sure of, such as a text to be quoted, is reversed)."""
    return _address(name, _route(name, *_reversing_context()), argument)


def path_function(name: str) -> Callable[[int | str], str]:
    """``path`` of one route for many arguments (the rows of a table written in Python): the
    route is looked up once, for the active language, and each address is filled in."""
    return functools.partial(_address, name, _route(name, *_reversing_context()))
