"""
The reviewers' tools in the admin: who has reported in a period (page and CSV), closing and
reopening periods, and copying a budget year's assignments and responsibilities to the next.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assignments import services
from assignments.models import (
    Assignment,
    OrganisationKind,
    Report,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
)
from assignments.selectors import current_period
from assignments.services.budgets import next_year_title
from goals.models import Budget, CouncilGoal, GlobalGoal, GlobalTarget, GoalArea
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


STATUS_URL = "assignments_reportingperiod_status"
CSV_URL = "assignments_reportingperiod_status_csv"


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


# Who has reported


@pytest.fixture
def late_period(budget):
    """An open period whose deadline has passed."""
    return factories.make_period(
        budget=budget,
        name="Tertial 1",
        opens_on=datetime.date(2000, 1, 1),
        deadline=TODAY - datetime.timedelta(days=3),
    )


STATES = ["not_started", "draft", "submitted", "returned", "approved", "published"]


@pytest.fixture
def every_state(budget, late_period, reviewer):
    """Six organisations, each with its report on one assignment in another state."""
    assignment = factories.make_assignment(budget=budget, code="A1", title="Integrera målen")
    coastal = factories.make_assignment(budget=budget, code="A2", title="Kuststaden")
    organisations = []
    for n, status in enumerate(STATES, 1):
        organisation = factories.make_organisation(name=f"Nämnd {n} för {status}")
        Responsibility.objects.create(assignment=assignment, organisation=organisation)
        if status != "not_started":
            factories.make_report(
                status=status,
                assignment=assignment,
                organisation=organisation,
                period=late_period,
                reviewer=reviewer,
                content={"summary": "Klart."} if status != ReportStatus.DRAFT else None,
                save=status != ReportStatus.DRAFT,
            )
        organisations.append(organisation)
    Responsibility.objects.create(
        assignment=coastal, organisation=organisations[0], role=ResponsibilityRole.PARTICIPANT
    )
    return organisations


def test_status_page_shows_every_state_in_words_and_marks_the_late_ones(
    reviewer_client, late_period, every_state
):
    response = reviewer_client.get(url(STATUS_URL), {"period": late_period.pk})

    assert response.status_code == 200
    status = response.context["status"]
    assert status.period == late_period
    assert {
        (line.organisation.name, line.assignment.code): line.status for line in status.lines
    } == {
        **{(f"Nämnd {n} för {state}", "A1"): state for n, state in enumerate(STATES, 1)},
        ("Nämnd 1 för not_started", "A2"): "not_started",
    }
    late = {
        (line.organisation.name, line.assignment.code)
        for line in status.lines
        if line.past_deadline
    }
    assert late == {
        ("Nämnd 1 för not_started", "A1"),
        ("Nämnd 1 för not_started", "A2"),
        ("Nämnd 2 för draft", "A1"),
        ("Nämnd 4 för returned", "A1"),
    }
    assert [(value, count) for value, _label, count in status.counts] == [
        ("not_started", 2),
        ("draft", 1),
        ("submitted", 1),
        ("returned", 1),
        ("approved", 1),
        ("published", 1),
    ]
    assert status.past_deadline == 4

    page = response.content.decode()
    for label in ["Not started", "Draft", "Submitted", "Sent back", "Approved", "Published"]:
        assert label in page
    assert page.count('<span class="past-deadline">past deadline</span>') == 4
    assert "(Participant)" in page
    assert "The deadline has passed." in page
    report = Report.objects.get(organisation=every_state[2])
    assert url("assignments_report_change", report.pk) in page
    assert f"?period={late_period.pk}" in page  # the CSV link keeps the period


def test_nothing_is_late_before_the_deadline(reviewer_client, budget, late_period, every_state):
    ReportingPeriod.objects.filter(pk=late_period.pk).update(deadline=TODAY)

    response = reviewer_client.get(url(STATUS_URL), {"period": late_period.pk})

    assert response.context["status"].past_deadline == 0
    assert 'class="past-deadline">past deadline' not in response.content.decode()


def test_csv_has_the_page_data_with_a_byte_order_mark(reviewer_client, late_period, every_state):
    response = reviewer_client.get(url(CSV_URL), {"period": late_period.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "organisation",
        "organisation kind",
        "assignment code",
        "assignment title",
        "role",
        "status",
        "submitted at",
        "past deadline",
    ]
    submitted = Report.objects.get(organisation=every_state[2])
    submitted_at = timezone.localtime(submitted.submitted_at).strftime("%Y-%m-%d %H:%M")
    titles = {"A1": "Integrera målen", "A2": "Kuststaden"}
    expected = [
        ("Nämnd 1 för not_started", "A1", "Lead", "Not started", "", "yes"),
        ("Nämnd 1 för not_started", "A2", "Participant", "Not started", "", "yes"),
        ("Nämnd 2 för draft", "A1", "Lead", "Draft", "", "yes"),
        ("Nämnd 3 för submitted", "A1", "Lead", "Submitted", submitted_at, "no"),
        ("Nämnd 4 för returned", "A1", "Lead", "Sent back", rows[4][6], "yes"),
        ("Nämnd 5 för approved", "A1", "Lead", "Approved", rows[5][6], "no"),
        ("Nämnd 6 för published", "A1", "Lead", "Published", rows[6][6], "no"),
    ]
    assert rows[1:] == [
        [name, "Committee", code, titles[code], role, status, at, late]
        for name, code, role, status, at, late in expected
    ]
    assert all(rows[i][6] for i in (4, 5, 6))  # returned, approved and published were submitted


def test_csv_names_that_begin_like_a_formula_are_escaped(reviewer_client, late_period):
    """The rule of assignments/spreadsheets.py, which the public CSV files follow too."""
    assignment = factories.make_assignment(
        budget=late_period.budget, code="-A1", title='=HYPERLINK("http://evil.example")'
    )
    organisation = factories.make_organisation(name="@Nämnden")
    Responsibility.objects.create(assignment=assignment, organisation=organisation)

    response = reviewer_client.get(url(CSV_URL), {"period": late_period.pk})

    [row] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert row[:4] == ["'@Nämnden", "Committee", "'-A1", '\'=HYPERLINK("http://evil.example")']


def test_csv_is_in_the_language_of_the_admin(client, admin_user, late_period, every_state):
    client.force_login(admin_user)
    with translation.override("sv"):
        swedish_url = reverse(f"admin:{CSV_URL}")
    response = client.get(swedish_url, {"period": late_period.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["Nämnd 1 för not_started", "Nämnd"]  # å, ä and ö survive
    assert rows[1][5] == "Ej påbörjad"


def test_the_open_period_with_the_nearest_deadline_is_shown_first(reviewer_client, budget):
    day = datetime.timedelta(days=1)
    factories.make_period(
        budget=budget, name="Stängd", opens_on=TODAY - 30 * day, deadline=TODAY + day, closed=True
    )
    factories.make_period(
        budget=budget, name="Senare", opens_on=TODAY - 30 * day, deadline=TODAY + 60 * day
    )
    nearest = factories.make_period(
        budget=budget, name="Närmast", opens_on=TODAY - 30 * day, deadline=TODAY + 10 * day
    )
    factories.make_period(
        budget=budget, name="Ej öppnad", opens_on=TODAY + day, deadline=TODAY + 2 * day
    )

    response = reviewer_client.get(url(STATUS_URL))

    assert response.context["status"].period == nearest
    page = response.content.decode()
    assert f'<option value="{nearest.pk}" selected>' in page
    assert page.count("<option ") == 4


def test_default_period_without_an_open_one_is_the_nearest_deadline():
    def period(name, deadline, *, closed=True, opens=datetime.date(2018, 1, 1)):
        return ReportingPeriod(name=name, opens_on=opens, deadline=deadline, closed=closed)

    today = datetime.date(2018, 6, 1)
    past = period("T1", datetime.date(2018, 5, 11))
    later = period("T2", datetime.date(2018, 9, 14), closed=False, opens=datetime.date(2018, 8, 1))
    assert current_period([past, later], today=today) == past
    late = period("T1 öppen", datetime.date(2018, 5, 11), closed=False)
    assert current_period([past, late, later], today=today) == late
    assert current_period([], today=today) is None


def test_another_period_can_be_chosen_and_an_unknown_one_is_not_found(
    reviewer_client, budget, late_period
):
    other = factories.make_period(budget=budget, name="Årsanalys")
    response = reviewer_client.get(url(STATUS_URL), {"period": other.pk})
    assert response.context["status"].period == other
    assert "No organisation is responsible" in response.content.decode()

    assert reviewer_client.get(url(STATUS_URL), {"period": 999999}).status_code == 404
    assert reviewer_client.get(url(STATUS_URL), {"period": "x"}).status_code == 404
    assert reviewer_client.get(url(CSV_URL), {"period": 999999}).status_code == 404


def test_status_page_without_periods_says_so(reviewer_client):
    response = reviewer_client.get(url(STATUS_URL))
    assert response.status_code == 200
    assert "There are no reporting periods yet." in response.content.decode()


def add_organisations(n: int, *, assignments, period, reviewer_user) -> None:
    for i in range(n):
        organisation = factories.make_organisation(
            kind=OrganisationKind.BOLAG if i % 2 else OrganisationKind.NAMND
        )
        for assignment in assignments:
            Responsibility.objects.create(assignment=assignment, organisation=organisation)
        Report.objects.create(
            assignment=assignments[0],
            organisation=organisation,
            period=period,
            status=STATES[1 + i % 5],
            submitted_at=timezone.now(),
        )


@pytest.mark.parametrize("view", [STATUS_URL, CSV_URL])
def test_status_queries_do_not_grow_with_organisations(
    reviewer_client, reviewer, budget, late_period, django_assert_num_queries, view
):
    assignments = [factories.make_assignment(budget=budget) for _ in range(4)]
    rows = {"assignments": assignments, "period": late_period, "reviewer_user": reviewer}
    add_organisations(2, **rows)
    target = url(view)
    reviewer_client.get(target)  # warm caches outside the count

    with CaptureQueriesContext(connection) as small:
        response = reviewer_client.get(target)
    assert response.status_code == 200

    add_organisations(18, **rows)
    with django_assert_num_queries(len(small)):
        response = reviewer_client.get(target)
    if view == STATUS_URL:
        assert len(response.context["status"].rows) == 20
    else:
        assert response.content.decode("utf-8-sig").count("\n") == 1 + 20 * 4


def test_the_status_page_is_linked_from_the_admin_index_and_the_periods(reviewer_client):
    status_url = url(STATUS_URL)
    index = reviewer_client.get(url("index")).content.decode()
    assert f'href="{status_url}"' in index
    assert "Who has reported" in index
    periods = reviewer_client.get(url("assignments_reportingperiod_changelist")).content.decode()
    assert f'href="{status_url}"' in periods


def test_superuser_sees_the_status_page(admin_client, late_period, every_state):
    assert admin_client.get(url(STATUS_URL)).status_code == 200
    assert admin_client.get(url(CSV_URL)).status_code == 200


def test_staff_without_permission_to_view_reports_gets_no_status(client, late_period):
    user = factories.make_user(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_reportingperiod"))
    client.force_login(user)

    assert client.get(url(STATUS_URL)).status_code == 403
    assert client.get(url(CSV_URL)).status_code == 403
    index = client.get(url("index")).content.decode()
    assert url(STATUS_URL) not in index


def test_a_reporter_gets_no_admin_page(client, reporter, late_period, budget):
    client.force_login(reporter)
    for target in [
        url(STATUS_URL),
        url(CSV_URL),
        url("assignments_reportingperiod_changelist"),
        url("goals_budget_changelist"),
    ]:
        response = client.get(target)
        assert response.status_code == 302
        assert response.url.startswith(url("login"))
    response = client.post(
        url("goals_budget_changelist"),
        {"action": "copy_to_next_year", "_selected_action": [budget.pk], "confirm": "yes"},
    )
    assert response.status_code == 302
    assert not Budget.objects.filter(year=budget.year + 1).exists()


# Closing and reopening periods


def run_action(client, changelist: str, action: str, objects, **extra):
    return client.post(
        url(changelist),
        {"action": action, "_selected_action": [obj.pk for obj in objects], **extra},
        follow=True,
    )


def test_closing_periods_stops_submissions_and_is_logged(
    reviewer_client, reviewer, budget, period, organisation, reporter, assignment
):
    closed_already = factories.make_period(budget=budget, closed=True)
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )
    services.save_report(report=report, by=reporter, content={"summary": "Klart."})

    response = run_action(
        reviewer_client,
        "assignments_reportingperiod_changelist",
        "close",
        [period, closed_already],
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 period closed: it accepts no new submissions." in page
    assert "1 period was closed already." in page
    period.refresh_from_db()
    assert period.closed
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ReportingPeriod), user=reviewer
    )
    assert [(e.object_id, e.action_flag) for e in entries] == [(str(period.pk), CHANGE)]
    assert "accepts no new submissions" in entries.get().change_message
    with pytest.raises(ValidationError) as error:
        services.submit_report(report=report, by=reporter)
    assert error.value.code == "period_closed"

    response = run_action(
        reviewer_client,
        "assignments_reportingperiod_changelist",
        "reopen",
        [period, closed_already],
    )

    assert "2 periods reopened." in response.content.decode()
    assert not ReportingPeriod.objects.filter(closed=True).exists()
    assert LogEntry.objects.filter(content_type__model="reportingperiod").count() == 3
    services.submit_report(report=report, by=reporter)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_closing_needs_the_change_permission(client, period):
    user = factories.make_user(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_reportingperiod"))
    client.force_login(user)

    response = client.get(url("assignments_reportingperiod_changelist"))
    assert response.status_code == 200
    assert response.context["action_form"] is None  # no action this user may take
    run_action(client, "assignments_reportingperiod_changelist", "close", [period])
    period.refresh_from_db()
    assert not period.closed


# Copying a budget year to the next


@pytest.fixture
def budget_2018(db):
    """A budget year with goals, assignments and responsibilities, as the admin shows it."""
    budget = factories.make_budget(year=2018, title="Malmö stads budget 2018", direction="Mål.")
    area = GoalArea.objects.create(budget=budget, number=8, name="Hållbar stad", direction="Text.")
    goal = CouncilGoal.objects.create(area=area, number=2, text="Klimatsmarta val.")
    goal.global_goals.set(GlobalGoal.objects.sdg().filter(number__in=[7, 13]))
    lead = factories.make_organisation(name="Kommunstyrelsen")
    participant = factories.make_organisation(name="Miljönämnden")
    ended = factories.make_organisation(
        name="Stadsområdesnämnd Norr", valid_to=datetime.date(2018, 12, 31)
    )
    coastal = factories.make_assignment(
        budget=budget, code="2018:4", title="Kuststaden", text="Stärka kuststaden.",
        council_goal=goal, organisations=[lead],
    )  # fmt: skip
    coastal.global_goals.set(GlobalGoal.objects.sdg().filter(number__in=[11, 14]))
    coastal.global_targets.set(
        GlobalTarget.objects.filter(goal__framework="sdg", code__in=["11.7", "14.1"])
    )
    Responsibility.objects.create(
        assignment=coastal, organisation=participant, role=ResponsibilityRole.PARTICIPANT
    )
    integrate = factories.make_assignment(
        budget=budget, code="2018:1", title="Integrera", organisations=[lead, ended]
    )
    return budget, {"coastal": coastal, "integrate": integrate, "ended": ended}


COPY = "copy_to_next_year"


def test_copy_asks_for_confirmation_showing_what_it_will_copy(reviewer_client, budget_2018):
    budget, _objects = budget_2018

    response = reviewer_client.post(
        url("goals_budget_changelist"), {"action": COPY, "_selected_action": [budget.pk]}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Malmö stads budget 2019 (kopia)" in page
    for text in [
        "1 goal area",
        "1 council goal,",
        "2 assignments,",
        "3 responsibilities",
        "Stadsområdesnämnd Norr",
        'name="confirm" value="yes"',
    ]:
        assert text in page
    assert not Budget.objects.filter(year=2019).exists()  # the preview was rolled back
    assert not LogEntry.objects.exists()


def test_copy_creates_next_year_once_and_keeps_the_links(reviewer_client, reviewer, budget_2018):
    budget, objects = budget_2018

    response = run_action(reviewer_client, "goals_budget_changelist", COPY, [budget], confirm="yes")

    assert response.status_code == 200
    copy = Budget.objects.get(year=2019)
    assert response.redirect_chain[-1][0] == url("goals_budget_change", copy.pk)
    assert (
        "1 goal area, 1 council goal, 2 assignments and 3 responsibilities copied from 2018 "
        "to 2019." in response.content.decode()
    )
    assert copy.title == "Malmö stads budget 2019 (kopia)"
    assert copy.direction == "Mål."
    assert (copy.decision_reference, copy.adopted_on) == ("", None)
    goal = CouncilGoal.objects.get(area__budget=copy)
    assert (goal.code, goal.text, goal.area.name) == ("8.2", "Klimatsmarta val.", "Hållbar stad")
    assert sorted(goal.global_goals.values_list("number", flat=True)) == [7, 13]

    coastal = Assignment.objects.get(budget=copy, code="2018:4")
    assert (coastal.title, coastal.text) == ("Kuststaden", "Stärka kuststaden.")
    assert coastal.council_goal == goal
    assert set(coastal.global_goals.all()) == set(objects["coastal"].global_goals.all())
    assert set(coastal.global_targets.all()) == set(objects["coastal"].global_targets.all())
    responsibilities = set(
        Responsibility.objects.filter(assignment__budget=copy).values_list(
            "assignment__code", "organisation__name", "role"
        )
    )
    assert responsibilities == {
        ("2018:4", "Kommunstyrelsen", "lead"),
        ("2018:4", "Miljönämnden", "participant"),
        ("2018:1", "Kommunstyrelsen", "lead"),
    }  # not Stadsområdesnämnd Norr, which ended with 2018
    assert "Stadsområdesnämnd Norr" in response.content.decode()

    logged = LogEntry.objects.filter(user=reviewer)
    assert (
        logged.get(
            content_type=ContentType.objects.get_for_model(Budget), object_id=str(copy.pk)
        ).action_flag
        == ADDITION
    )
    assert (
        logged.filter(
            content_type=ContentType.objects.get_for_model(Assignment), action_flag=ADDITION
        ).count()
        == 2
    )
    assert (
        logged.filter(content_type=ContentType.objects.get_for_model(Responsibility)).count() == 3
    )
    entries = logged.count()

    response = run_action(reviewer_client, "goals_budget_changelist", COPY, [budget], confirm="yes")

    assert "Nothing to copy: 2019 has everything of 2018 already." in response.content.decode()
    assert Assignment.objects.filter(budget=copy).count() == 2
    assert Responsibility.objects.filter(assignment__budget=copy).count() == 3
    assert CouncilGoal.objects.filter(area__budget=copy).count() == 1
    assert LogEntry.objects.filter(user=reviewer).count() == entries


def test_copy_into_an_existing_year_adds_only_what_is_missing(reviewer_client, budget_2018):
    budget, _objects = budget_2018
    existing = factories.make_budget(year=2019, title="Budget 2019")
    kept = factories.make_assignment(budget=existing, code="2018:1", title="Egen titel")

    response = reviewer_client.post(
        url("goals_budget_changelist"), {"action": COPY, "_selected_action": [budget.pk]}
    )
    assert "exists already" in response.content.decode()
    run_action(reviewer_client, "goals_budget_changelist", COPY, [budget], confirm="yes")

    existing.refresh_from_db()
    assert existing.title == "Budget 2019"
    kept.refresh_from_db()
    assert kept.title == "Egen titel"
    assert Assignment.objects.filter(budget=existing).count() == 2
    assert set(
        Responsibility.objects.filter(assignment=kept).values_list("organisation__name", flat=True)
    ) == {"Kommunstyrelsen"}


def test_copy_wants_exactly_one_budget(reviewer_client, budget_2018):
    budget, _objects = budget_2018
    other = factories.make_budget(year=2017)

    response = run_action(
        reviewer_client, "goals_budget_changelist", COPY, [budget, other], confirm="yes"
    )

    assert "Select exactly one budget year to copy." in response.content.decode()
    assert not Budget.objects.filter(year=2019).exists()


def test_superuser_copies_too(admin_client, budget_2018):
    budget, _objects = budget_2018
    run_action(admin_client, "goals_budget_changelist", COPY, [budget], confirm="yes")
    assert Assignment.objects.filter(budget__year=2019).count() == 2


def test_next_year_title():
    def title(text, year=2018):
        return next_year_title(Budget(year=year, title=text))

    assert title("Malmö stads budget 2018") == "Malmö stads budget 2019 (kopia)"
    assert title("Budget 2019 (kopia)", year=2019) == "Budget 2020 (kopia)"
    assert title("Budget") == "Budget 2019 (kopia)"
    assert len(title("B" * 200)) == 200
