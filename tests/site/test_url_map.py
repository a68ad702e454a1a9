"""
Every URL of the portal, in both languages, with the view that answers it: held to the list
in ``url_map.txt``. The list was written before the code moved into its rooms, so the move
kept every address and every page. A deliberate change of an address is a change of this
list too: regenerate it with
``.venv/bin/python -m tests.site.test_url_map > tests/site/url_map.txt``
and read the diff.
"""

from __future__ import annotations

from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

MAP = Path(__file__).with_name("url_map.txt")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            view = pattern.lookup_str.rsplit(".", 1)[-1]
            yield namespace + (pattern.name or "?"), f"{prefix}{pattern.pattern}  {view}"


def url_map() -> list[str]:
    lines = []
    for language in ("sv", "en"):
        with translation.override(language):
            lines += [
                f"{language} {name} {route}"
                for name, route in sorted(_walk(get_resolver().url_patterns))
            ]
    return lines


def test_every_url_leads_to_the_same_page_as_in_the_map():
    expected = MAP.read_text(encoding="utf-8").splitlines()
    assert len(expected) > 300

    assert url_map() == expected


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malmo_portal.settings")
    django.setup()
    print("\n".join(url_map()))
