"""The public API's addresses: ``/api/v1/`` (language-independent; see the root URLconf)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path

from .endpoints import api


def _read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """
    Answer HEAD as GET (the server sends the headers only), as Django's own views do. Exempt
    from the CSRF check: the API changes nothing, reads no session, and answers every other
    method with 405 Method Not Allowed, not with the CSRF failure page.
    """

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "HEAD":
            request.method = "GET"
        return view(request, *args, **kwargs)

    functools.update_wrapper(wrapper, view)
    wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # read by CsrfViewMiddleware
    return wrapper


def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """An address under /api/v1/ that names nothing: a 404 in JSON, like the API's others."""
    return JsonResponse({"detail": f"There is nothing at /api/v1/{rest}."}, status=404)


def _patterns() -> list[URLPattern | URLResolver]:
    patterns, _app_name, _namespace = api.urls
    # django-ninja's own root view (its name is reversed for the description's server) goes
    # last: the API's index operation answers at the same address.
    root = [p for p in patterns if getattr(p, "name", None) == "api-root"]
    patterns = [p for p in patterns if p not in root] + root
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _read_only(pattern.callback)
    return [*patterns, re_path(r"^(?P<rest>.*)$", _read_only(not_found), name="not_found")]


urlpatterns = [path("", (_patterns(), "api", "api"))]
