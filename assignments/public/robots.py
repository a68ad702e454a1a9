"""robots.txt: everything public may be crawled; the staff side may not."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import override


def _private_prefixes() -> list[str]:
    """
    The staff side in every language: reporting pages and account pages. The admin is left
    out on purpose: its path is set per installation to keep it from scanners, and robots.txt
    would give it away.
    """
    prefixes: dict[str, list[str]] = {"reporting": [], "account": []}
    for language, _name in settings.LANGUAGES:
        with override(language):
            prefixes["reporting"].append(reverse("assignments:my_assignments"))
            login = reverse("login")  # e.g. /konto/login/: the prefix is its folder
            prefixes["account"].append(login[: login.rstrip("/").rindex("/") + 1])
    return [prefix for group in prefixes.values() for prefix in group]


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {prefix}" for prefix in _private_prefixes()]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=60 * 60)
    return response
