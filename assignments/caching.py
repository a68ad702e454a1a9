"""
Caching of the public pages.

Public pages show only published content, which changes only when something is published.
Each cached page's key holds a "publication generation"; publishing (and anything else that
changes public content) bumps it, so every public page is fresh at once, on every server that
shares the cache, without tracking which page shows what.

Two pieces, as Django's own per-site cache has:

- ``@public_page`` marks a view's answers to anonymous GET and HEAD requests as public pages
  (the same for every visitor) and gives them the headers that say so;
- ``PublicPageCacheMiddleware`` stores those answers, and serves a stored page before the
  URL is resolved and before the view, the CSRF check and django-axes run. A page from the
  cache then costs about what the bare view (``/health/live``) costs.

The middleware serves and stores only requests without a session cookie. Those are
anonymous for certain, which it can tell without loading a session, so without the
database: a signed-in user's pages carry their name and menu, and an anonymous visitor who
has a session cookie is served fresh pages. A page that shows a visitor messages of their
own (the messages framework's) is not a public page, and is neither stored nor marked public.

Every public page carries an ``ETag`` (a digest of its content) and a ``Last-Modified`` (when
it was rendered), and a request that already holds it (``If-None-Match``,
``If-Modified-Since``) is answered ``304 Not Modified``, from the cache as well. A publication
renders the pages again, so both change with what they show.

A page served from the cache to a browser that accepts gzip (every browser says so) is sent
compressed: it is compressed once, on the first such request, and stored beside the page
(``_with_gzip``), so a hit costs no compression and a page rendered afresh (a miss, or any
page without a cache) none either. A public page holds no secret of the visitor's (no
session, no CSRF token), so compression reveals nothing (BREACH needs a secret in the
answer).

A cache that cannot be reached makes pages uncached, never unavailable.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.text import compress_string
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION_KEY = "public:generation"

# Paths that are never public pages and must not wait for the cache: the load balancers'
# health checks (a cache outage must not fail /health/live).
NEVER_PAGES = ("/health/",)

# As Django's GZipMiddleware reads Accept-Encoding.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def public_content_changed() -> None:
    """Invalidate every cached public page (call after commit).

    If the cache cannot be reached, this is logged as an error and what was published stays
    published: the pages cached before are shown until they expire
    (``PORTAL_PUBLIC_CACHE_SECONDS``) or the cache is emptied.
    """
    try:
        _next_generation()
    except Exception:  # any backend's error: the change itself is committed
        logger.exception("The cache cannot be reached: the public pages were not refreshed")


def _next_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet, or it expired
        cache.set(GENERATION_KEY, 2, timeout=None)


def _key(request: HttpRequest) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public:page:{generation()}:{get_language()}:{path}"


def _is_anonymous_read(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not request.user.is_authenticated


def _showed_messages(request: HttpRequest) -> bool:
    """Whether the page showed the visitor messages of their own (the messages framework
    marks its storage used once a template has gone through them): such a page is theirs."""
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and storage.used)


def _public_headers(response: HttpResponse) -> None:
    patch_cache_control(response, public=True, max_age=60)
    response["Vary"] = "Accept-Language, Accept-Encoding, Cookie"


def _etag(content: bytes) -> str:
    return f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


def _validators(response: HttpResponse, etag: str, rendered_at: float) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(rendered_at)


def _conditional(request: HttpRequest, response: HttpResponse, rendered_at: float):
    """The response, or ``304 Not Modified`` where the request already holds it."""
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=int(rendered_at), response=response
    )


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark the view's answers to anonymous GET and HEAD requests as public pages, which
    ``PublicPageCacheMiddleware`` stores when they are successful. An answer that shows the
    visitor messages of their own is theirs, and is not marked."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()  # so that what it shows is known
        if _is_anonymous_read(request) and not _showed_messages(request):
            response.public_page = True  # type: ignore[attr-defined]  # a mark for the middleware
            _public_headers(response)
        return response

    return wrapper


def _with_gzip(key: str, entry: tuple) -> bytes:
    """Compress a stored page and store it again with its compressed bytes, for as long as
    it had left: the first hit that accepts gzip pays for the compression, no other."""
    content, _content_type, _etag, rendered_at = entry
    gzipped = compress_string(content)
    remaining = rendered_at + settings.PORTAL_PUBLIC_CACHE_SECONDS - time.time()
    if remaining > 1:
        try:
            cache.set(key, (*entry, gzipped), timeout=remaining)
        except Exception:
            logger.warning("The cache cannot be written", exc_info=True)
    return gzipped


def _hit(request: HttpRequest, key: str, entry: tuple) -> HttpResponse:
    """A stored page: (content, content type, ETag, when it was rendered) and, once a
    browser that accepts gzip has asked for it, its compressed content."""
    content, content_type, etag, rendered_at = entry[:4]
    encoding = None
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        gzipped = entry[4] if len(entry) == 5 else _with_gzip(key, entry)
        if len(gzipped) < len(content):  # else too short to gain by compression
            # As GZipMiddleware: a weak ETag, the same page in other bytes.
            content, etag, encoding = gzipped, f"W/{etag}", "gzip"
    response = HttpResponse(content, content_type=content_type)
    _public_headers(response)
    _validators(response, etag, rendered_at)  # stored: no digest on a hit
    if encoding:
        response["Content-Encoding"] = encoding
    response["X-Cache"] = "hit"
    return _conditional(request, response, rendered_at)


class PublicPageCacheMiddleware:
    """Serve a public page from the cache before the URL is resolved; store the public pages
    the views render (see the module's description). Place it after the middleware that sets
    the language and the user, and after the ones whose headers every response needs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._may_be_cached(request):
            return self.get_response(request)
        key = cached = None
        try:
            key = _key(request)
            cached = cache.get(key)
        except Exception:  # any backend's error: serve the page uncached
            logger.warning("The cache cannot be read; serving the page uncached", exc_info=True)
        # An entry of an older release, without its validators, is rendered and stored again.
        if key is not None and cached is not None and len(cached) in (4, 5):
            return _hit(request, key, cached)

        response = self.get_response(request)
        if not getattr(response, "public_page", False):
            return response
        response["X-Cache"] = "miss"
        if response.status_code != 200 or response.streaming:
            return response
        etag, rendered_at = _etag(response.content), time.time()
        _validators(response, etag, rendered_at)
        if key is not None:
            # Under the key of the generation the request began in: if something was
            # published meanwhile, the page is stored where no request looks any more.
            try:
                cache.set(
                    key,
                    (response.content, response["Content-Type"], etag, rendered_at),
                    timeout=settings.PORTAL_PUBLIC_CACHE_SECONDS,
                )
            except Exception:
                logger.warning("The cache cannot be written", exc_info=True)
        return _conditional(request, response, rendered_at)

    @staticmethod
    def _may_be_cached(request: HttpRequest) -> bool:
        return (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path_info.startswith(NEVER_PAGES)
            and _is_anonymous_read(request)
        )
