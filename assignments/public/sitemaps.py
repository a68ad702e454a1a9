"""
The sitemap of every public page, in Swedish and English, each with its alternates.

Reports appear once published, with the time their public version was published; a reporting
period's compilation appears once one of its reports is published.
"""

from __future__ import annotations

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from assignments.models import Assignment, Indicator, Organisation, Report, ReportingPeriod
from goals.models import GlobalGoal, GlobalTarget

from .goals import DETAIL_URL_NAMES, TARGET_URL_NAMES


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PagesSitemap(PublicSitemap):
    """The public pages that exist once: home, the lists and the open data page."""

    def items(self) -> list[str]:
        return [
            "home",
            "public:assignment_list",
            "public:organisation_list",
            "public:council_goals",
            "public:indicator_list",
            "goals_public:sdg_list",
            "goals_public:mdg_list",
            "opendata:index",
            "public:accessibility",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class AssignmentSitemap(PublicSitemap):
    def items(self) -> QuerySet[Assignment]:
        return Assignment.objects.only("pk").order_by("budget__year", "code")

    def location(self, item: Assignment) -> str:
        return reverse("public:assignment_detail", args=[item.pk])


class OrganisationSitemap(PublicSitemap):
    def items(self) -> QuerySet[Organisation]:
        return Organisation.objects.only("slug").order_by("name")

    def location(self, item: Organisation) -> str:
        return reverse("public:organisation_detail", args=[item.slug])


class ReportSitemap(PublicSitemap):
    def items(self) -> QuerySet[Report]:
        return Report.objects.public().only("pk", "published_at").order_by("pk")

    def location(self, item: Report) -> str:
        return reverse("public:report_detail", args=[item.pk])

    def lastmod(self, item: Report) -> datetime.datetime | None:
        return item.published_at


class PeriodSitemap(PublicSitemap):
    def items(self) -> QuerySet[ReportingPeriod]:
        published = Report.objects.public().filter(period=OuterRef("pk"))
        return (
            ReportingPeriod.objects.filter(Exists(published))
            .only("pk")
            .order_by("budget__year", "deadline")
        )

    def location(self, item: ReportingPeriod) -> str:
        return reverse("public:period_compilation", args=[item.pk])


class IndicatorSitemap(PublicSitemap):
    def items(self) -> QuerySet[Indicator]:
        return Indicator.objects.only("code").order_by("code")

    def location(self, item: Indicator) -> str:
        return reverse("public:indicator_detail", args=[item.code])


class GlobalGoalSitemap(PublicSitemap):
    def items(self) -> QuerySet[GlobalGoal]:
        return GlobalGoal.objects.only("framework", "number").order_by("framework", "number")

    def location(self, item: GlobalGoal) -> str:
        return reverse(DETAIL_URL_NAMES[item.framework], args=[item.number])


class GlobalTargetSitemap(PublicSitemap):
    def items(self) -> QuerySet[GlobalTarget]:
        return (
            GlobalTarget.objects.select_related("goal")
            .only("code", "goal__framework", "goal__number")
            .order_by("goal__framework", "goal__number", "position")
        )

    def location(self, item: GlobalTarget) -> str:
        return reverse(TARGET_URL_NAMES[item.goal.framework], args=[item.goal.number, item.code])


SITEMAPS = {
    "pages": PagesSitemap,
    "assignments": AssignmentSitemap,
    "organisations": OrganisationSitemap,
    "reports": ReportSitemap,
    "periods": PeriodSitemap,
    "goals": GlobalGoalSitemap,
    "targets": GlobalTargetSitemap,
    "indicators": IndicatorSitemap,
}
