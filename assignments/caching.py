"""
Caching of the public pages.

Public pages show only published content, which changes only when something is published.
Each cached page's key holds a "publication generation"; publishing (and anything else that
changes public content) bumps it, so every public page is fresh at once, on every server that
shares the cache, without tracking which page shows what.

Only anonymous GET requests are cached: a signed-in user's pages carry their name and menu.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

GENERATION_KEY = "public:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def public_content_changed() -> None:
    """Invalidate every cached public page (call after commit)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def _key(request: HttpRequest) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public:page:{generation()}:{get_language()}:{path}"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve an anonymous GET of a public page from the cache, and store successful ones."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        cacheable = request.method in ("GET", "HEAD") and not request.user.is_authenticated
        if not cacheable:
            return view(request, *args, **kwargs)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response["X-Cache"] = "hit"
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.streaming:
                cache.set(
                    key,
                    (response.content, response["Content-Type"]),
                    timeout=settings.PORTAL_PUBLIC_CACHE_SECONDS,
                )
            response["X-Cache"] = "miss"
        patch_cache_control(response, public=True, max_age=60)
        response["Vary"] = "Accept-Language, Cookie"
        return response

    return wrapper
