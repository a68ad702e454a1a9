"""The review queue's page is chosen on the reports' keys alone, then read with its relations
(``selectors.pages.KeyFirstPaginator``): in the queue's order, with no query per row."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment, Report, ReportStatus
from assignments.review.reports import ReportAdmin
from assignments.selectors.pages import KeyFirstPaginator, read_page
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(period, organisation, reporter) -> list[int]:
    """Five submitted reports, submitted in another order than they were made; their pks in
    the queue's order (the oldest submission first)."""
    reports = [
        factories.make_report(
            status=ReportStatus.SUBMITTED,
            period=period,
            organisation=organisation,
            reporter=reporter,
            assignment=factories.make_assignment(
                budget=period.budget, organisations=[organisation]
            ),
        )
        for _ in range(5)
    ]
    start = timezone.now() - datetime.timedelta(days=10)
    for report, day in zip(reports, [3, 1, 4, 0, 2], strict=True):
        Report.objects.filter(pk=report.pk).update(
            submitted_at=start + datetime.timedelta(days=day)
        )
    return [reports[i].pk for i in (3, 1, 4, 0, 2)]


def test_pages_keep_the_queues_order_and_read_their_relations(queue, django_assert_num_queries):
    rows = Report.objects.select_related("assignment", "organisation", "period").order_by(
        F("submitted_at").asc(nulls_last=True), "pk"
    )
    paginator = KeyFirstPaginator(rows, 2)
    shown = []
    for number in paginator.page_range:
        with django_assert_num_queries(1):
            page = list(paginator.page(number).object_list)
            # No query for the relations.
            labels = [f"{r.assignment.code} {r.organisation.name} {r.period.name}" for r in page]
        assert all(labels)
        shown += [report.pk for report in page]
    assert shown == queue


def test_the_queue_page_selects_keys_in_its_sorted_query(client, reviewer, queue, monkeypatch):
    # A queue of one page is read whole, without paging.
    monkeypatch.setattr(ReportAdmin, "list_per_page", 2)
    client.force_login(reviewer)
    url = reverse("admin:assignments_report_changelist")
    shown = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"status__exact": "submitted", "p": number})
        shown += [r.pk for r in response.context["cl"].result_list]
        (page,) = [q["sql"] for q in queries if '"assignments_report"."narrative"' in q["sql"]]
        outer, inner = page.split(" IN (SELECT ", 1)
        assert "LIMIT" in inner
        assert "narrative" not in inner and "assignments_organisation" not in inner
        assert "LIMIT" not in outer
    assert shown == queue


def test_read_page_refuses_deferred_rows(db):
    rows = Assignment.objects.defer("text").order_by("pk")
    with pytest.raises(ValueError, match="whole rows"):
        read_page(rows[:2], rows)
