"""The open data pages: the downloads, their data package descriptor and the page that
describes them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from assignments.caching import public_page
from goals.models import GlobalGoal

from .datasets import (
    CC0,
    CSV_TEXT_RULE,
    DATASETS,
    DOWNLOAD_MAX_AGE,
    FORMATS,
    KOLADA_RULE,
    KOLADA_SOURCE,
    LIST_SEPARATOR,
    Dataset,
    csv_lines,
    json_lines,
)


def download(request: HttpRequest, dataset: str, fmt: str) -> StreamingHttpResponse:
    """One dataset as CSV or JSON, streamed row by row."""
    chosen = DATASETS[dataset]
    lines = csv_lines(chosen, request) if fmt == "csv" else json_lines(chosen, request)
    response = StreamingHttpResponse(lines, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{chosen.name}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=DOWNLOAD_MAX_AGE)
    return response


PACKAGE_DESCRIPTION = _(
    "The assignments of the city council budget of %(organisation)s to its committees and "
    "companies, their links to the UN global goals, and the published reports on "
    "how the work is going."
)
INDICATORS_DESCRIPTION = _(
    "Besides, the indicators that follow up the goals and assignments, with their values over time."
)


def datapackage(request: HttpRequest) -> JsonResponse:
    """The downloads described as a Frictionless (tabular) Data Package."""
    organisation = settings.PORTAL_ORGANISATION_NAME
    descriptor = {
        "profile": "tabular-data-package",
        "name": f"{slugify(organisation)}-sustainability-assignments",
        "title": _("%(organisation)s: sustainability assignments and reports")
        % {"organisation": organisation},
        "description": " ".join(
            [
                PACKAGE_DESCRIPTION % {"organisation": organisation},
                str(INDICATORS_DESCRIPTION),
                str(KOLADA_RULE),
                str(CSV_TEXT_RULE),
            ]
        ),
        "homepage": request.build_absolute_uri(reverse("opendata:index")),
        "licenses": [CC0],
        "sources": [KOLADA_SOURCE],
        "keywords": [organisation, "Agenda 2030", "SDG", "budget", "Kolada"],
        "resources": [dataset.resource(request) for dataset in DATASETS.values()],
    }
    response = JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=DOWNLOAD_MAX_AGE)
    return response


@dataclass(frozen=True)
class DatasetSummary:
    dataset: Dataset
    rows: int
    links: dict[str, str]


@public_page
def index(request: HttpRequest) -> HttpResponse:
    """What data there is, in which formats and under which licence."""
    datasets = [
        DatasetSummary(
            dataset=dataset,
            rows=dataset.count(),
            links={
                fmt: reverse("opendata:download", kwargs={"dataset": dataset.name, "fmt": fmt})
                for fmt in FORMATS
            },
        )
        for dataset in DATASETS.values()
    ]
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": datasets,
            "sdgs": GlobalGoal.objects.sdg().order_by("number"),
            "list_separator": LIST_SEPARATOR,
            "csv_text_rule": CSV_TEXT_RULE,
            "kolada_rule": KOLADA_RULE,
        },
    )
