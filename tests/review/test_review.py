"""
The review in the admin: the queue the report list opens on, its filters and search, the
review page with the submitted version beside the previous one, and who sees what.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assignments import services
from assignments.models import (
    Assignment,
    Organisation,
    OrganisationKind,
    Progress,
    Report,
    ReportStatus,
)
from assignments.review.reports import word_diff
from goals.models import Framework, GlobalGoal, GlobalTarget
from tests import factories
from tests.helpers import PDF
from tests.review.helpers import changelist, review_page, submit, url, write

pytestmark = pytest.mark.django_db


def rows(response) -> list[Report]:
    return list(response.context["cl"].result_list)


@pytest.fixture
def queue(budget, period, organisation, reporter):
    """Two submitted reports of the open period, and reports the queue must not show."""
    first = factories.make_assignment(budget=budget, organisations=[organisation])
    second = factories.make_assignment(budget=budget, organisations=[organisation])
    draft_assignment = factories.make_assignment(budget=budget, organisations=[organisation])
    older = submit(assignment=second, organisation=organisation, period=period, by=reporter)
    newer = submit(assignment=first, organisation=organisation, period=period, by=reporter)
    draft = write(
        assignment=draft_assignment, organisation=organisation, period=period, by=reporter
    )
    later = factories.make_period(
        budget=budget, opens_on=datetime.date(2000, 1, 1), deadline=datetime.date(2100, 1, 1)
    )
    elsewhere = submit(assignment=first, organisation=organisation, period=later, by=reporter)
    return {"older": older, "newer": newer, "draft": draft, "elsewhere": elsewhere}


# The queue


def test_the_bare_report_list_opens_the_queue(client, reviewer, queue):
    client.force_login(reviewer)
    response = client.get(changelist())

    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == changelist()
    assert parse_qs(target.query) == {"status__exact": ["submitted"], "open": ["yes"]}


def test_the_queue_shows_every_open_periods_submitted_reports_oldest_first(client, reviewer, queue):
    client.force_login(reviewer)
    response = client.get(changelist(), follow=True)

    assert response.status_code == 200
    assert rows(response) == [queue["older"], queue["newer"], queue["elsewhere"]]
    assert response.context["title"] == "Review queue"
    html = response.content.decode()
    assert "<h1>Review queue</h1>" in html
    assert str(queue["older"].period) in html and str(queue["elsewhere"].period) in html
    # The filters are shown, and one link clears them all.
    assert response.context["cl"].has_active_filters
    assert "Clear all filters" in html


def test_the_queue_leaves_out_closed_and_not_yet_opened_periods(
    client, reviewer, budget, organisation, reporter, queue
):
    closed = factories.make_period(
        budget=budget, opens_on=datetime.date(2000, 1, 1), deadline=datetime.date(2001, 1, 1)
    )
    in_closed = submit(
        assignment=queue["older"].assignment, organisation=organisation, period=closed, by=reporter
    )
    closed.closed = True
    closed.save()
    client.force_login(reviewer)
    response = client.get(changelist(), follow=True)
    assert in_closed not in rows(response)
    assert len(rows(response)) == 3


def test_without_an_open_period_the_queue_says_so(client, reviewer, period):
    period.closed = True
    period.save()
    client.force_login(reviewer)
    response = client.get(changelist(), follow=True)
    assert rows(response) == []
    assert "No reporting period is open." in response.content.decode()


def test_clearing_the_filters_shows_every_report(client, reviewer, queue):
    client.force_login(reviewer)
    queue_page = client.get(changelist(), follow=True)
    clear = queue_page.context["cl"].clear_all_filters_qs
    response = client.get(changelist() + clear)
    assert response.status_code == 200
    assert set(rows(response)) == set(queue.values())


def test_a_search_in_the_queue_finds_a_report_of_any_open_period(client, reviewer, queue):
    client.force_login(reviewer)
    elsewhere = queue["elsewhere"]
    response = client.get(
        changelist(status__exact="submitted", open="yes", q=elsewhere.assignment.code)
    )
    assert elsewhere in rows(response)


def test_a_search_that_finds_nothing_in_the_filters_says_what_all_reports_hold(
    client, reviewer, queue
):
    client.force_login(reviewer)
    draft = queue["draft"]
    response = client.get(changelist(status__exact="submitted", q=draft.assignment.code))
    assert rows(response) == []
    assert response.context["found_elsewhere"] == 1
    assert "Search all reports" in response.content.decode()


def test_a_request_with_a_query_is_never_redirected(client, reviewer, queue):
    client.force_login(reviewer)
    response = client.get(changelist(q="Test"))
    assert response.status_code == 200


def test_the_queue_shows_each_column(client, reviewer, queue, organisation):
    report = queue["older"]
    client.force_login(reviewer)
    response = client.get(changelist(status__exact="submitted", period__id__exact=report.period_id))
    html = response.content.decode()
    for text in [
        report.assignment.code,
        report.assignment.title,
        organisation.name,
        str(report.period),
        "Submitted",
        "On track",
        str(report.submitted_by),
    ]:
        assert text in html, text


# Filters and search


@pytest.fixture
def varied(budget, period, reporter, organisation):
    """Reports that differ in every filtered property."""
    company = factories.make_organisation(
        name="Malmö Energi AB", slug="malmo-energi", kind=OrganisationKind.BOLAG
    )
    company_reporter = factories.make_member(company)
    goal = factories.make_council_goal(budget=budget)
    climate = factories.make_assignment(
        budget=budget,
        organisations=[organisation, company],
        council_goal=goal,
        title="Klimatomställning i staden",
    )
    # Two SDGs of one assignment: the SDG filter still lists each report once.
    climate.global_goals.add(
        GlobalGoal.objects.sdg().get(number=13), GlobalGoal.objects.sdg().get(number=11)
    )
    climate.global_goals.add(GlobalGoal.objects.mdg().get(number=7))
    schools = factories.make_assignment(
        budget=budget, organisations=[organisation], title="Skolor och lärande"
    )
    schools.global_goals.add(GlobalGoal.objects.sdg().get(number=4))
    return {
        "climate_committee": submit(
            assignment=climate,
            organisation=organisation,
            period=period,
            by=reporter,
            summary="Cykelbanor byggs ut.",
            narrative="Vi planterar träd längs Amiralsgatan.",
        ),
        "climate_company": submit(
            assignment=climate,
            organisation=company,
            period=period,
            by=company_reporter,
            summary="Solceller på taken.",
            progress=Progress.AT_RISK,
        ),
        "schools": write(
            assignment=schools,
            organisation=organisation,
            period=period,
            by=reporter,
            summary="Läxhjälp i alla stadsdelar.",
        ),
        "goal": goal,
        "company": company,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status__exact": "draft"}, ["schools"]),
        ({"status__exact": "submitted"}, ["climate_committee", "climate_company"]),
        ({"progress__exact": "at_risk"}, ["climate_company"]),
        ({"organisation__kind__exact": "bolag"}, ["climate_company"]),
        ({"organisation__id__exact": "company"}, ["climate_company"]),
        ({"assignment__council_goal__id__exact": "goal"}, ["climate_committee", "climate_company"]),
        ({"sdg": "13"}, ["climate_committee", "climate_company"]),
        ({"sdg": "11"}, ["climate_committee", "climate_company"]),
        ({"sdg": "4"}, ["schools"]),
        ({"sdg": "7"}, []),  # MDG 7 is linked, SDG 7 is not
        ({"sdg": "4", "status__exact": "submitted"}, []),
    ],
)
def test_filters_return_the_right_reports(client, reviewer, varied, query, expected):
    query = {key: str(getattr(varied.get(value), "pk", value)) for key, value in query.items()}
    client.force_login(reviewer)
    response = client.get(changelist(**query))
    assert response.status_code == 200
    assert sorted(r.pk for r in rows(response)) == sorted(varied[name].pk for name in expected)


def test_the_period_filter_narrows_to_one_period(client, reviewer, queue):
    client.force_login(reviewer)
    response = client.get(changelist(period__id__exact=queue["elsewhere"].period_id))
    assert rows(response) == [queue["elsewhere"]]


def test_filters_offer_their_choices(client, reviewer, varied, budget):
    factories.make_period(budget=budget)  # A filter with one choice is not shown.
    client.force_login(reviewer)
    response = client.get(changelist(status__exact="submitted"))
    with translation.override("en"):
        titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert titles == [
        "reporting period open",
        "reporting period",
        "status",
        "progress",
        "organisation kind",
        "organisation",
        "council goal",
        "Agenda 2030 goal",
    ]
    html = response.content.decode()
    assert "Goal 13:" in html
    assert varied["goal"].code in html


def organisation_filter(response):
    """The organisation filter's form: its options (value, label, selected) and hidden
    fields."""
    html = response.content.decode()
    form = re.search(r'<form method="get" class="select-filter">(.*?)</form>', html, re.S)
    assert form, "no drop-down filter on the page"
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', form.group(1))
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1))
    return [(value, label, bool(selected)) for value, selected, label in options], hidden


def test_the_organisation_filter_is_a_drop_down_that_keeps_the_other_filters(
    client, reviewer, varied, organisation
):
    client.force_login(reviewer)
    response = client.get(changelist(status__exact="submitted", q="Sol"))
    options, hidden = organisation_filter(response)
    names = sorted(Organisation.objects.values_list("name", flat=True))
    assert options[0] == ("", "All", True)
    # And in Swedish.
    with translation.override("sv"):
        swedish = client.get(reverse("admin:assignments_report_changelist"), {"q": "Sol"})
    assert organisation_filter(swedish)[0][0] == ("", "Alla", True)
    assert '<button type="submit" class="button">Filtrera</button>' in swedish.content.decode()
    assert [label for _value, label, _selected in options[1:]] == names
    assert sorted(hidden) == [("q", "Sol"), ("status__exact", "submitted")]
    # No link per organisation: choosing is the form's work.
    assert "organisation__id__exact=" not in response.content.decode()


def test_choosing_an_organisation_and_then_all_again(client, reviewer, varied):
    client.force_login(reviewer)
    company = varied["company"]
    response = client.get(changelist(status__exact="submitted", organisation__id__exact=company.pk))
    assert rows(response) == [varied["climate_company"]]
    options, hidden = organisation_filter(response)
    assert [value for value, _label, selected in options if selected] == [str(company.pk)]
    assert hidden == [("status__exact", "submitted")]
    # "All" sends an empty value: every organisation's reports, no error.
    response = client.get(changelist(status__exact="submitted", organisation__id__exact=""))
    assert response.status_code == 200
    assert sorted(r.pk for r in rows(response)) == sorted(
        varied[name].pk for name in ("climate_committee", "climate_company")
    )


def test_the_organisation_filter_counts_reports_when_facets_are_shown(client, reviewer, varied):
    client.force_login(reviewer)
    response = client.get(changelist(status__exact="submitted", _facets="True"))
    options, _hidden = organisation_filter(response)
    labels = {label for _value, label, _selected in options}
    assert f"{varied['company'].name} (1)" in labels


def test_the_queue_does_not_count_every_report_in_the_database(client, reviewer, queue):
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist(status__exact="submitted"))
    assert response.status_code == 200
    counts = [
        q["sql"] for q in queries if "COUNT(" in q["sql"] and "assignments_report" in q["sql"]
    ]
    assert counts and all("WHERE" in sql for sql in counts), counts


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Klimatomställning", ["climate_committee", "climate_company"]),  # assignment title
        ("Solceller", ["climate_company"]),  # summary
        ("amiralsgatan", ["climate_committee"]),  # narrative, any case
        ("läxhjälp", ["schools"]),
        ("Testnämnden", ["climate_committee", "schools"]),  # organisation name
        ("Klimatomställning träd", ["climate_committee"]),  # every word must match
        ('"planterar träd"', ["climate_committee"]),  # a quoted phrase
        ("finns inte", []),
    ],
)
def test_search_covers_assignment_organisation_and_texts(client, reviewer, varied, term, expected):
    client.force_login(reviewer)
    response = client.get(changelist(q=term))
    assert sorted(r.pk for r in rows(response)) == sorted(varied[name].pk for name in expected)


def test_search_finds_a_report_by_assignment_code(client, reviewer, varied):
    report = varied["schools"]
    client.force_login(reviewer)
    response = client.get(changelist(q=report.assignment.code))
    assert rows(response) == [report]


# Constant queries


class BulkReports:
    """Submitted reports in one period, made in bulk: fifty assignments by a hundred bodies."""

    def __init__(self, *, period, reporter) -> None:
        budget = period.budget
        self.period, self.reporter = period, reporter
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Bulknämnd {n:03}", slug=f"bulk-{n:03}", kind="namnd")
            for n in range(100)
        )
        goal = factories.make_council_goal(budget=budget)
        assignments = Assignment.objects.bulk_create(
            Assignment(budget=budget, council_goal=goal, code=f"B{n:02}", title=f"Bulkuppdrag {n}")
            for n in range(50)
        )
        sdg = GlobalGoal.objects.sdg().get(number=11)
        Assignment.global_goals.through.objects.bulk_create(
            Assignment.global_goals.through(assignment=a, globalgoal=sdg) for a in assignments
        )
        self.pairs = [(a, o) for a in assignments for o in organisations]
        self.count = 0

    def grow_to(self, total: int) -> None:
        start = timezone.now() - datetime.timedelta(days=20)
        Report.objects.bulk_create(
            (
                Report(
                    assignment=assignment,
                    organisation=organisation,
                    period=self.period,
                    status=ReportStatus.SUBMITTED,
                    progress=Progress.ON_TRACK,
                    summary=f"Sammanfattning {n}",
                    submitted_at=start + datetime.timedelta(minutes=n),
                    submitted_by=self.reporter,
                )
                for n, (assignment, organisation) in enumerate(
                    self.pairs[self.count : total], start=self.count
                )
            ),
            batch_size=1000,
        )
        self.count = total


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "submitted"},
        {"status__exact": "submitted", "sdg": "11", "q": "Sammanfattning"},
    ],
    ids=["queue", "filtered-and-searched"],
)
def test_the_queue_makes_as_many_queries_for_5000_reports_as_for_100(
    client, reviewer, period, reporter, django_assert_num_queries, query
):
    reports = BulkReports(period=period, reporter=reporter)
    address = changelist(period__id__exact=period.pk, **query)
    client.force_login(reviewer)

    reports.grow_to(100)
    client.get(address)  # Warm caches (content types, the session) outside the count.
    with CaptureQueriesContext(connection) as small:
        response = client.get(address)
    assert response.context["cl"].result_count == 100

    reports.grow_to(5000)
    with django_assert_num_queries(len(small)):
        response = client.get(address)
    assert response.context["cl"].result_count == 5000
    assert len(response.context["cl"].result_list) == 100  # one page


# The review page


@pytest.fixture
def two_periods(budget, assignment, organisation, reporter, reviewer):
    """The organisation's approved report of an earlier period, and this period's, submitted."""
    earlier = factories.make_period(
        budget=budget,
        name="Tertial 1",
        opens_on=datetime.date(2000, 1, 1),
        deadline=datetime.date(2050, 1, 1),
    )
    before = submit(
        assignment=assignment,
        organisation=organisation,
        period=earlier,
        by=reporter,
        summary="Vi har kartlagt tio skolor.",
        narrative="Samma text.",
    )
    services.approve_report(report=before, by=reviewer)
    now = submit(
        assignment=assignment,
        organisation=organisation,
        period=factories.make_period(
            budget=budget,
            name="Tertial 2",
            opens_on=datetime.date(2000, 1, 1),
            deadline=datetime.date(2051, 1, 1),
        ),
        by=reporter,
        summary="Vi har kartlagt tolv skolor.",
        narrative="Samma text.",
        percent_complete=40,
    )
    return before, now


def test_the_review_page_shows_the_submitted_version_beside_the_previous_period(
    client, reviewer, two_periods
):
    before, now = two_periods
    client.force_login(reviewer)
    response = client.get(review_page(now))

    assert response.status_code == 200
    review = response.context["review"]
    assert review["version"] == now.current_version
    assert review["previous"] == before.current_version
    html = response.content.decode()
    assert "Previous: version 1, Tertial 1 2018" in html
    assert "Submitted: version 1, Tertial 2 2018" in html
    assert '<del><span class="visually-hidden">removed: </span>tio</del>' in html
    assert '<ins><span class="visually-hidden">added: </span>tolv</ins>' in html
    summary = next(row for row in review["rows"] if row.label == "Summary")
    narrative = next(row for row in review["rows"] if row.label == "Narrative")
    assert summary.changed and not narrative.changed


def test_a_resubmitted_report_is_compared_with_its_own_earlier_version(
    client, reviewer, two_periods, reporter
):
    _before, now = two_periods
    services.return_report(report=now, by=reviewer, note="Skriv mer om skolorna.")
    report = services.save_report(
        report=now,
        by=reporter,
        content={"summary": "Vi har kartlagt tolv skolor. Nu även två förskolor."},
    )
    services.submit_report(report=report, by=reporter)
    client.force_login(reviewer)
    response = client.get(review_page(now))

    review = response.context["review"]
    assert review["version"].number == 2
    assert review["previous"].report_id == now.pk
    assert review["previous"].number == 1
    assert '<ins><span class="visually-hidden">added: </span>Nu även två förskolor.</ins>' in (
        response.content.decode()
    )


def test_a_first_report_is_shown_without_comparison(client, reviewer, queue):
    client.force_login(reviewer)
    response = client.get(review_page(queue["older"]))
    html = response.content.decode()
    assert response.context["review"]["previous"] is None
    assert "There is no earlier version" in html
    assert "<ins>" not in html and "<del>" not in html
    assert queue["older"].summary in html


def test_a_draft_has_no_version_to_review(client, reviewer, queue):
    client.force_login(reviewer)
    response = client.get(review_page(queue["draft"]))
    assert response.status_code == 200
    assert "The report has not been submitted yet." in response.content.decode()
    assert response.context["review"]["decisions"] == []


def test_the_review_page_escapes_the_reporters_text(
    client, reviewer, budget, organisation, reporter, period
):
    report = submit(
        assignment=factories.make_assignment(budget=budget, organisations=[organisation]),
        organisation=organisation,
        period=period,
        by=reporter,
        summary='<script>alert("x")</script> & <b>fet</b>',
    )
    client.force_login(reviewer)
    html = client.get(review_page(report)).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt;" in html


def test_the_review_page_lists_attachments_targets_and_the_log(
    client, reviewer, budget, organisation, reporter, period
):
    report = write(
        assignment=factories.make_assignment(budget=budget, organisations=[organisation]),
        organisation=organisation,
        period=period,
        by=reporter,
    )
    services.save_report(
        report=report,
        by=reporter,
        content={"summary": "Med bilaga."},
        targets=GlobalTarget.objects.filter(goal__framework=Framework.SDG, code="11.6"),
    )
    attachment = services.add_attachment(
        report=report,
        by=reporter,
        upload=SimpleUploadedFile("Handlingsplan.pdf", PDF, content_type="application/pdf"),
    )
    services.submit_report(report=report, by=reporter)
    client.force_login(reviewer)
    response = client.get(review_page(report))
    html = response.content.decode()

    download = url("assignments:attachment_download", report.pk, attachment.pk)
    assert f'<a href="{download}" download>Handlingsplan.pdf</a>' in html
    assert client.get(download).status_code == 200  # the reviewer may download it
    assert "<strong>11.6</strong>" in html
    assert [event.get_action_display() for event in response.context["review"]["events"]] == [
        "Submitted",
        "Saved",
        "Saved",
        "Created",
    ]
    assert "History of the report" in html


def test_word_diff_marks_words_not_spacing_and_escapes():
    with translation.override("en"):
        old, new = word_diff("Ett  <två>\ntre fyra", "Ett <två> tre fem sex")
    assert old == (
        'Ett  &lt;två&gt;\ntre <del><span class="visually-hidden">removed: </span>fyra</del>'
    )
    assert new == (
        'Ett &lt;två&gt; tre <ins><span class="visually-hidden">added: </span>fem sex</ins>'
    )
    assert word_diff("Lika", "Lika") == ("Lika", "Lika")


# Who sees what


def test_reviewers_get_the_decision_buttons_and_actions(client, reviewer, queue):
    client.force_login(reviewer)
    response = client.get(review_page(queue["older"]))
    assert [d.decision.name for d in response.context["review"]["decisions"]] == [
        "approve",
        "send_back",
    ]
    html = response.content.decode()
    assert ">Approve</button>" in html and ">Send back</button>" in html

    response = client.get(changelist(status__exact="submitted"))
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert {"approve_selected", "send_back_selected"} <= set(actions)
    assert "Publish a period’s approved reports" in response.content.decode()


def test_staff_who_only_read_reports_get_no_decisions(client, queue):
    reader = factories.make_user(is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_report"))
    client.force_login(reader)

    response = client.get(review_page(queue["older"]))
    assert response.status_code == 200
    assert response.context["review"]["decisions"] == []
    html = response.content.decode()
    assert ">Approve</button>" not in html and ">Send back</button>" not in html

    response = client.get(changelist(status__exact="submitted"))
    assert response.status_code == 200
    assert response.context["action_form"] is None
    assert "Publish a period" not in response.content.decode()

    for name in ["approve", "send_back", "publish", "reopen"]:
        address = url(f"admin:assignments_report_{name}", queue["older"].pk)
        assert client.post(address, {"note": "Nej."}).status_code == 403
    assert client.get(url("admin:assignments_report_publish_period")).status_code == 403
    assert Report.objects.get(pk=queue["older"].pk).status == ReportStatus.SUBMITTED


def test_a_reporter_gets_no_admin_page(client, reporter, queue):
    client.force_login(reporter)
    report = queue["older"]
    addresses = [
        url("admin:index"),
        changelist(),
        review_page(report),
        url("admin:assignments_report_publish_period"),
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response.url.startswith(url("admin:login")), address
    for name in ["approve", "send_back", "publish", "reopen"]:
        response = client.post(url(f"admin:assignments_report_{name}", report.pk), {"note": "x"})
        assert response.status_code == 302
        assert response.url.startswith(url("admin:login"))
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_the_review_page_of_a_published_report_links_to_its_public_page(client, world):
    client.force_login(world.reviewer)
    report = world.published
    page = client.get(reverse("admin:assignments_report_change", args=[report.pk]))
    public = reverse("public:report_detail", args=[report.pk])
    assert f'href="{public}"' in page.content.decode()
    unpublished = client.get(reverse("admin:assignments_report_change", args=[world.draft.pk]))
    draft_public = reverse("public:report_detail", args=[world.draft.pk])
    assert f'href="{draft_public}"' not in unpublished.content.decode()
