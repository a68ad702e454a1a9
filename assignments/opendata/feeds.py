"""
Atom feeds of published reports: all of them, and those that concern one Agenda 2030 goal.

Like every public view of a report, a feed shows only the report's published version.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from assignments.models import Assignment, Report, ReportVersion
from goals.models import GlobalGoal

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
