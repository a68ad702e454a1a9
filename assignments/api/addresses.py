"""Absolute addresses of the API's objects and of their public pages, in both languages.

A list page links each of its objects to several others, in two languages: reversing each
address would cost more than the rest of the answer. The URL of each kind of page is reversed
once per process and language with a sentinel in place of its argument, and filled in after.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from goals.models import TARGET_CODE

LANGUAGES = ("sv", "en")
_SENTINEL = "2147483647"
_SLUG_SENTINEL = "api-address-sentinel"
# A target's code as its page's address takes it.
_TARGET_CODE = re.compile(TARGET_CODE)


@functools.cache
def _template(viewname: str, language: str, argument: str | None) -> str:
    """The path of ``viewname`` with ``{}`` where its one argument goes."""
    with translation.override(language):
        if argument is None:
            return reverse(viewname).replace("{", "{{").replace("}", "}}")
        sentinel = _SLUG_SENTINEL if argument == "slug" else int(_SENTINEL)
        path = reverse(viewname, args=[sentinel]).replace("{", "{{").replace("}", "}}")
    return path.replace(str(sentinel), "{}", 1)


# A target's code in its page's address while the route is reversed (any code the route's
# converter takes; the goal's number is the sentinel).
_CODE_SENTINEL = "99.99"


@functools.cache
def _target_template(viewname: str, language: str) -> str:
    """The path of a target's page ``viewname`` with ``{number}`` and ``{code}`` in the
    places of its goal's number and its code."""
    with translation.override(language):
        path = reverse(viewname, args=[int(_SENTINEL), _CODE_SENTINEL])
    path = path.replace("{", "{{").replace("}", "}}")
    return path.replace(_SENTINEL, "{number}", 1).replace(_CODE_SENTINEL, "{code}", 1)


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

    def target_page(self, viewname: str, number: int, code: str) -> dict:
        """A target's public page (``viewname``, of a goal ``number``) in Swedish and
        English. A code its route does not take is reversed, and so refused."""
        pages = {}
        for language in LANGUAGES:
            if _TARGET_CODE.fullmatch(code):
                path = _target_template(viewname, language).format(number=int(number), code=code)
            else:
                with translation.override(language):
                    path = reverse(viewname, args=[number, code])
            pages[language] = self.root + path
        return pages

    def page_if_any(self, viewname: str, argument: object = None, suffix: str = "") -> dict | None:
        """A public page another room builds, as ``page``; None (``null``) while the portal
        has no page of that name, as a template draws a link only once its page exists."""
        try:
            return self.page(viewname, argument, suffix)
        except NoReverseMatch:
            return None
