"""
The floor of the benchmarks: the cheapest page the portal could serve that shows anything
from the database, to set the targets' ratios against what this machine can do at all.

``bench/suite.py`` runs gunicorn with ``bench.settings``: the production settings with these
routes added after every route of the portal, which are left as they are.

``/bench/floor/N/`` renders the portal's own layout (``base.html``: header, navigation,
language switch, footer) around the names of N organisations, each read with a query of its
own: the primary key's index, one column, no join. With N = 1 it is the least that a page
of the portal showing data can cost; the difference to N = 4 (as many queries as the report
page makes) is what each further ORM query costs. ``/bench/plain/N/`` is the same without
the layout: a bare HTML document around the names, what a page would cost if its layout
cost nothing. None is cached.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from assignments.models import Organisation

MAX_QUERIES = 10


def _names(queries: int) -> list[str]:
    if not 1 <= queries <= MAX_QUERIES:
        raise Http404("between 1 and 10 queries")
    return [
        Organisation.objects.only("name").order_by("pk")[position].name
        for position in range(queries)
    ]


@require_safe
def floor(request: HttpRequest, queries: int) -> HttpResponse:
    return render(request, "bench/floor.html", {"names": _names(queries)})


@require_safe
def plain(request: HttpRequest, queries: int) -> HttpResponse:
    return render(request, "bench/plain.html", {"names": _names(queries)})


urlpatterns = [
    path("bench/floor/<int:queries>/", floor, name="bench_floor"),
    path("bench/plain/<int:queries>/", plain, name="bench_plain"),
]
