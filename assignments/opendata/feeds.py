"""
Atom feeds of published reports (all of them, and those that concern one Agenda 2030 goal)
and of newly published indicator values (all indicators, and one).

Like every public view of a report, a feed shows only the report's published version. The
indicator values are public as they are stored; a reporter's values are among them once their
report is published.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext as _

from assignments.models import (
    Assignment,
    Indicator,
    IndicatorValue,
    Report,
    ReportingPeriod,
    ReportVersion,
    value_time_order,
)
from assignments.selectors.indicators import KOLADA, attribution, with_sources
from goals.models import GlobalGoal

from .datasets import KOLADA_ATTRIBUTION

LATEST = 50
MAX_AGE = 5 * 60


class PublishedReportsFeed(Feed):
    """The latest published reports, newest first."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    def title(self, obj=None) -> str:
        return _("Published reports – the sustainability portal of %(organisation)s") % {
            "organisation": settings.PORTAL_ORGANISATION_NAME
        }

    def subtitle(self, obj=None) -> str:
        return _(
            "Reports of the committees and companies of %(organisation)s on their assignments, "
            "as published after review by the sustainability office."
        ) % {"organisation": settings.PORTAL_ORGANISATION_NAME}

    def link(self, obj=None) -> str:
        return reverse("opendata:index")

    def items(self, obj=None) -> QuerySet[Report]:
        return self.reports()[:LATEST]

    def reports(self) -> QuerySet[Report]:
        return (
            Report.objects.public()
            .select_related("assignment", "organisation", "period__budget", "published_version")
            # Never load the working fields: they may hold an unpublished correction.
            .only(
                "assignment__code",
                "organisation__name",
                "period__name",
                "period__budget__year",
                "published_version__summary",
                "published_at",
            )
            .order_by("-published_at", "-pk")
        )

    def item_title(self, report: Report) -> str:
        return f"{report.assignment.code} – {report.organisation.name} – {report.period}"

    def item_description(self, report: Report) -> str:
        # Atom summaries are HTML: the plain text is escaped, its paragraphs kept.
        assert report.published_version is not None  # the feed lists published reports
        return linebreaks(report.published_version.summary, autoescape=True)

    def item_link(self, report: Report) -> str:
        return reverse("public:report_detail", args=[report.pk])

    def item_author_name(self, report: Report) -> str:
        return report.organisation.name

    def item_pubdate(self, report: Report) -> datetime.datetime | None:
        return report.published_at

    def item_updateddate(self, report: Report) -> datetime.datetime | None:
        return report.published_at


class GoalReportsFeed(PublishedReportsFeed):
    """
    The latest published reports that concern one Agenda 2030 goal: the published version
    contributes to one of its targets, or the assignment is linked to the goal or a target.
    """

    def get_object(self, request: HttpRequest, number: int) -> GlobalGoal:
        return get_object_or_404(GlobalGoal.objects.sdg(), number=number)

    # Django's Feed passes these the goal from get_object(); the feed above has no object.
    def title(self, obj: GlobalGoal) -> str:  # type: ignore[override]
        return _("Published reports on goal %(number)s: %(title)s – %(organisation)s") % {
            "number": obj.number,
            "title": obj.title,
            "organisation": settings.PORTAL_ORGANISATION_NAME,
        }

    def link(self, obj: GlobalGoal) -> str:  # type: ignore[override]
        return reverse("goals_public:sdg_detail", args=[obj.number])

    def items(self, obj: GlobalGoal) -> QuerySet[Report]:  # type: ignore[override]
        contributes = ReportVersion.contributed_targets.through.objects.filter(
            reportversion=OuterRef("published_version"), globaltarget__goal=obj
        )
        linked_goal = Assignment.global_goals.through.objects.filter(
            assignment=OuterRef("assignment"), globalgoal=obj
        )
        linked_target = Assignment.global_targets.through.objects.filter(
            assignment=OuterRef("assignment"), globaltarget__goal=obj
        )
        return self.reports().filter(
            Exists(contributes) | Exists(linked_goal) | Exists(linked_target)
        )[:LATEST]


# Indicator values


@dataclass(frozen=True)
class Scope:
    """What an indicator values feed covers (one indicator, or all), and the host it is
    served on, which its entries' ids name."""

    indicator: Indicator | None
    host: str


@dataclass(frozen=True)
class Publication:
    """The values of one indicator published (or changed) on one day: one entry."""

    indicator: Indicator
    day: datetime.date
    updated: datetime.datetime
    values: list[IndicatorValue]
    host: str


def publications(values: QuerySet[IndicatorValue], *, host: str) -> list[Publication]:
    """
    The latest ``LATEST`` publications of ``values``, newest first: one for each indicator
    and day (in the portal's time zone) values of it were published or changed on. Two
    queries: the indicators and days, then their values.
    """
    days = list(
        values.annotate(day=TruncDate("published_at"))
        .values("indicator", "day")
        .annotate(updated=Max("published_at"))
        .order_by("-updated", "-indicator")[:LATEST]
    )
    if not days:
        return []
    since = datetime.datetime.combine(
        min(row["day"] for row in days), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    found: dict[tuple[int, datetime.date], list[IndicatorValue]] = defaultdict(list)
    published = with_sources(
        values.filter(indicator__in={row["indicator"] for row in days}, published_at__gte=since)
    ).order_by(*value_time_order(), "dimension", "category")
    for value in published:
        found[value.indicator_id, timezone.localdate(value.published_at)].append(value)
    return [
        Publication(
            indicator=found[key][0].indicator,
            day=row["day"],
            updated=row["updated"],
            values=found[key],
            host=host,
        )
        for row in days
        if (key := (row["indicator"], row["day"])) in found
    ]


def indicator_page(indicator: Indicator) -> str:
    """The indicator's public page; the open data page's section of the values while the
    portal has no page named ``public:indicator_detail``."""
    try:
        return reverse("public:indicator_detail", args=[indicator.code])
    except NoReverseMatch:
        return reverse("opendata:index") + "#indicator-values"


def _time(value: IndicatorValue) -> str:
    """The time a value describes: its year, or its reporting period and year."""
    return ReportingPeriod.label(value.period.name, value.year) if value.period else str(value.year)


class IndicatorValuesFeed(Feed):
    """New values of the indicators (of one, given its code), newest first: an entry for each
    indicator and day its values were published or changed on."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    def get_object(self, request: HttpRequest, code: str | None = None) -> Scope:
        indicator = get_object_or_404(Indicator, code=code) if code is not None else None
        return Scope(indicator, request.get_host().rsplit(":", 1)[0])

    def title(self, obj: Scope) -> str:
        if obj.indicator is not None:
            return _("New values for %(indicator)s – %(organisation)s") % {
                "indicator": f"{obj.indicator.code} {obj.indicator.title}",
                "organisation": settings.PORTAL_ORGANISATION_NAME,
            }
        return _("New indicator values – the sustainability portal of %(organisation)s") % {
            "organisation": settings.PORTAL_ORGANISATION_NAME
        }

    def subtitle(self, obj: Scope) -> str:
        return _(
            "Values of the indicators that follow up the goals of %(organisation)s, as they "
            "are published: imported from Kolada or a file, or reported by the committees and "
            "companies and published after review."
        ) % {"organisation": settings.PORTAL_ORGANISATION_NAME}

    def link(self, obj: Scope) -> str:
        if obj.indicator is not None:
            return indicator_page(obj.indicator)
        return reverse("opendata:index") + "#indicator-values"

    def items(self, obj: Scope) -> list[Publication]:
        values = IndicatorValue.objects.all()
        if obj.indicator is not None:
            values = values.filter(indicator=obj.indicator)
        return publications(values, host=obj.host)

    def item_title(self, item: Publication) -> str:
        times = dict.fromkeys(_time(value) for value in item.values)
        return _("New values for %(indicator)s: %(times)s") % {
            "indicator": f"{item.indicator.code} {item.indicator.title}",
            "times": ", ".join(times),
        }

    def item_description(self, item: Publication) -> str:
        indicator = item.indicator
        unit = f" {indicator.unit}" if indicator.unit else ""
        rows = format_html_join(
            "",
            "<li>{}{}: {}{}</li>",
            (
                (
                    _time(value),
                    f", {value.breakdown_label}" if value.dimension else "",
                    indicator.format_value(value.value),
                    unit,
                )
                for value in item.values
            ),
        )
        sources = sorted({attribution(value) for value in item.values} - {""})
        credit = format_html_join(
            "",
            "<p>{}</p>",
            (
                (
                    KOLADA_ATTRIBUTION
                    if source == KOLADA
                    else _("Source: %(source)s") % {"source": source},
                )
                for source in sources
            ),
        )
        return format_html("<ul>{}</ul>{}", rows, credit)

    def item_link(self, item: Publication) -> str:
        return indicator_page(item.indicator)

    def item_guid(self, item: Publication) -> str:
        # A tag URI (RFC 4151): the same entry in the Swedish and the English feed.
        return f"tag:{item.host},{item.day.isoformat()}:indicator-values/{item.indicator.code}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Publication) -> str:
        return ", ".join(sorted({attribution(value) for value in item.values} - {""}))

    def item_pubdate(self, item: Publication) -> datetime.datetime:
        return item.updated

    def item_updateddate(self, item: Publication) -> datetime.datetime:
        return item.updated
