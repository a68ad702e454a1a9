"""The public API's addresses: ``/api/v1/`` (language-independent; see the root URLconf)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path

from .endpoints import api


def _head_as_get(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer HEAD as GET (the server sends the headers only), as Django's own views do."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "HEAD":
            request.method = "GET"
        return view(request, *args, **kwargs)

    wrapper.__name__ = getattr(view, "__name__", "api_view")
    wrapper.__doc__ = view.__doc__
    return wrapper


def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """An address under /api/v1/ that names nothing: a 404 in JSON, like the API's others."""
    return JsonResponse({"detail": f"There is nothing at /api/v1/{rest}."}, status=404)


def _patterns() -> list[URLPattern | URLResolver]:
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _head_as_get(pattern.callback)
    return [*patterns, re_path(r"^(?P<rest>.*)$", not_found, name="not_found")]


urlpatterns = [path("", (_patterns(), "api", "api"))]
