"""Absolute addresses of the API's objects and of their public pages, in both languages.

A list page links each of its objects to several others, in two languages: reversing each
address would cost more than the rest of the answer. The URL of each kind of page is reversed
once per process and language with a sentinel in place of its argument, and filled in after.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

LANGUAGES = ("sv", "en")
_SENTINEL = "2147483647"
_SLUG_SENTINEL = "api-address-sentinel"


@functools.cache
def _template(viewname: str, language: str, argument: str | None) -> str:
    """The path of ``viewname`` with ``{}`` where its one argument goes."""
    with translation.override(language):
        if argument is None:
            return reverse(viewname).replace("{", "{{").replace("}", "}}")
        sentinel = _SLUG_SENTINEL if argument == "slug" else int(_SENTINEL)
        path = reverse(viewname, args=[sentinel]).replace("{", "{{").replace("}", "}}")
    return path.replace(str(sentinel), "{}", 1)


class Addresses:
    """The addresses a response links to, absolute on the host the request came to."""

    def __init__(self, request: HttpRequest) -> None:
        self.root = request.build_absolute_uri("/").rstrip("/")

    def api(self, name: str, argument: object = None, **query: object) -> str:
        kind = None if argument is None else ("slug" if isinstance(argument, str) else "id")
        path = _template(f"api:{name}", "sv", kind)
        address = self.root + (path if argument is None else path.format(argument))
        return f"{address}?{urlencode(query)}" if query else address

    def page(self, viewname: str, argument: object = None, suffix: str = "") -> dict:
        """A public page in Swedish and English (``suffix``: a query string or fragment)."""
        kind = None if argument is None else ("slug" if isinstance(argument, str) else "id")
        pages = {}
        for language in LANGUAGES:
            path = _template(viewname, language, kind)
            pages[language] = (
                self.root + (path if argument is None else path.format(argument)) + suffix
            )
        return pages

    def page_if_any(self, viewname: str, argument: object = None, suffix: str = "") -> dict | None:
        """A public page another room builds, as ``page``; None (``null``) while the portal
        has no page of that name, as a template draws a link only once its page exists."""
        try:
            return self.page(viewname, argument, suffix)
        except NoReverseMatch:
            return None
