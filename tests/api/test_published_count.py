"""The periods' stored counts of public reports (``PublishedReportCount``), whose sum the API's
list of every published report gives as its count, follow each publication."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q, Sum
from django.urls import reverse

from assignments import services
from assignments.models import (
    PublishedReportCount,
    Report,
    ReportingPeriod,
    ReportStatus,
    published_report_count,
)
from tests import factories
from tests.factories import REOPENED

pytestmark = pytest.mark.django_db


def stored_and_counted() -> tuple[dict, dict]:
    stored = dict(
        PublishedReportCount.objects.values("period")
        .annotate(n=Sum("published"))
        .values_list("period", "n")
    )
    counted = {
        pk: n
        for pk, n in ReportingPeriod.objects.annotate(
            n=Count("reports", filter=Q(reports__published_version__isnull=False))
        ).values_list("pk", "n")
        if n
    }
    return stored, counted


def test_the_counts_follow_every_publication(client, organisation, reporter, reviewer):
    budget = factories.make_budget()
    first, second = (factories.make_period(budget=budget) for _ in range(2))
    made = {}
    for period in (first, second):
        for status in (ReportStatus.PUBLISHED, REOPENED, ReportStatus.APPROVED, "draft"):
            made[period.pk, status] = factories.make_report(
                status=status,
                period=period,
                organisation=organisation,
                reporter=reporter,
                reviewer=reviewer,
                assignment=factories.make_assignment(budget=budget, organisations=[organisation]),
            )
    stored, counted = stored_and_counted()
    assert stored == counted
    assert stored[first.pk] == stored[second.pk] == 2  # published and reopened
    assert published_report_count() == Report.objects.public().count() == 4

    # An approved report published, and a reopened one's correction published: one more.
    services.publish_report(report=made[first.pk, ReportStatus.APPROVED], by=reviewer)
    reopened = made[second.pk, REOPENED]
    services.submit_report(report=Report.objects.get(pk=reopened.pk), by=reporter)
    services.approve_report(report=Report.objects.get(pk=reopened.pk), by=reviewer)
    services.publish_report(report=Report.objects.get(pk=reopened.pk), by=reviewer)
    stored, counted = stored_and_counted()
    assert stored == counted
    assert (stored[first.pk], stored[second.pk]) == (3, 2)

    data = client.get(reverse("api:reports")).json()
    assert data["count"] == published_report_count() == Report.objects.public().count() == 5
    assert len(data["items"]) == 5
    # A filtered list is counted.
    data = client.get(reverse("api:reports"), {"period": second.pk}).json()
    assert data["count"] == 2


def test_the_api_takes_the_stored_count_only_for_the_whole_list(client, organisation, reviewer):
    report = factories.make_report(
        status=ReportStatus.PUBLISHED, organisation=organisation, reviewer=reviewer
    )
    # What a stale count would give, to show which count the list uses.
    PublishedReportCount.objects.filter(period=report.period_id).update(published=7)

    assert client.get(reverse("api:reports"), {"limit": 5}).json()["count"] == 7
    assert client.get(reverse("api:reports"), {"latest": "true"}).json()["count"] == 1
