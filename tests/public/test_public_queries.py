"""Every public page makes the same number of queries for ten times more data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assignments.models import (
    Assignment,
    Organisation,
    Progress,
    Report,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
)
from goals.models import Budget, CouncilGoal, GlobalGoal, GoalArea
from tests import factories
from tests.public.helpers import Reporting, url

PROGRESS = list(Progress.values)
TARGETS = ["11.6", "13.3", "14.1", "17.17", "9.c", "16.6"]


@dataclass
class Scaled:
    budget: Budget
    executive: Organisation
    crowded: Assignment
    period: ReportingPeriod
    report: Report


def build(*, year: int, scale: int, make: Reporting) -> Scaled:
    """
    A budget with ``2 × scale`` organisations and assignments. The executive board takes
    part in every assignment, and the first assignment is everyone's; each responsible
    organisation publishes a report in both periods and keeps a draft in a third.
    """
    budget = factories.make_budget(year=year, title=f"Budget {year}")
    sdgs = list(GlobalGoal.objects.sdg())
    goals = []
    for a in range(1, scale + 1):
        area = GoalArea.objects.create(budget=budget, number=a, name=f"Målområde {a}")
        for n in (1, 2):
            goal = CouncilGoal.objects.create(area=area, number=n, text=f"Mål {a}.{n}.")
            goal.global_goals.set(sdgs[a % 15 : a % 15 + 3])
            goals.append(goal)
    organisations = [
        factories.make_organisation(name=f"Nämnd {year}-{i}", slug=f"namnd-{year}-{i}")
        for i in range(2 * scale)
    ]
    executive = organisations[0]
    assignments = []
    for i in range(2 * scale):
        assignment = factories.make_assignment(
            budget=budget,
            council_goal=goals[i % len(goals)],
            organisations=[organisations[i]],
            code=f"{year}:{i + 1:02d}",
        )
        others = organisations if i == 0 else [executive]
        for organisation in others:
            if organisation != organisations[i]:
                Responsibility.objects.create(
                    assignment=assignment,
                    organisation=organisation,
                    role=ResponsibilityRole.PARTICIPANT,
                )
        assignment.global_goals.set(sdgs[i % 13 : i % 13 + 3])
        assignments.append(assignment)
    periods = [
        factories.make_period(
            budget=budget, name=name, deadline=datetime.date(2090 + year - 2000, month, 1)
        )
        for name, month in [("Tertial 1", 5), ("Tertial 2", 9), ("Årsanalys", 12)]
    ]
    n = 0
    for assignment in assignments:
        for responsibility in assignment.responsibilities.select_related("organisation"):
            for period in periods[:2]:
                n += 1
                make.report(
                    assignment,
                    responsibility.organisation,
                    period,
                    summary=f"Publicerad rapport {n}.",
                    narrative="Berättelse.",
                    progress=PROGRESS[n % len(PROGRESS)],
                    percent_complete=n % 100,
                    targets=TARGETS[n % 4 : n % 4 + 3],
                    attachments=["bilaga.pdf"] if n % 3 == 0 else [],
                )
            make.report(
                assignment,
                responsibility.organisation,
                periods[2],
                status=ReportStatus.DRAFT,
                summary="Utkast.",
                targets=["15.1"],
            )
    crowded = assignments[0]
    period = periods[0]
    report = (
        Report.objects.public()
        .filter(assignment=crowded, organisation=executive, period=period)
        .get()
    )
    return Scaled(budget, executive, crowded, period, report)


def pages(world: Scaled) -> dict[str, str]:
    latest = (
        Report.objects.public()
        .filter(assignment=world.crowded, organisation=world.executive)
        .select_related("published_version")
        .order_by("-period__deadline")
        .first()
    )
    goal = world.crowded.global_goals.order_by("number").first()
    return {
        "home": "/en/",
        "assignment_list": url("public:assignment_list"),
        "assignment_list_filtered": url(
            "public:assignment_list",
            query=(
                f"?q=Testuppdrag&year={world.budget.year}&organisation={world.executive.slug}"
                f"&council_goal={world.crowded.council_goal_id}&goal={goal.number}"
                f"&progress={latest.published_version.progress}"
            ),
        ),
        "assignment_detail": url("public:assignment_detail", world.crowded.pk),
        "organisation_list": url("public:organisation_list"),
        "organisation_detail": url("public:organisation_detail", world.executive.slug),
        "council_goals": url("public:council_goals", query=f"?year={world.budget.year}"),
        "report_detail": url("public:report_detail", world.report.pk),
        "period_compilation": url("public:period_compilation", world.period.pk),
        "accessibility": url("public:accessibility"),
    }


def count_queries(client, paths: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, path in paths.items():
        cache.clear()  # a cached page would make no query at all
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[name] = len(queries)
    return counts


# The queries of each page: what they fetch is written beside the number.
EXPECTED = {
    # budget, goal areas, council goals, the counts of assignments and responsibilities, the
    # stored counts of published reports (progress and periods), latest reports
    "home": 6,
    # the filter choices (years, council goals, global goals; the organisation is searched
    # for by name), the count, the page, its responsibilities and their progress
    "assignment_list": 7,
    "assignment_list_filtered": 7,
    # the assignment (and whether it has indicators: none here, so they are not fetched, see
    # test_indicator_pages.py), its responsibilities, global goals, targets, periods, reports
    "assignment_detail": 6,
    "organisation_list": 1,
    # the organisation, its assignments, reports, targets and goals
    "organisation_detail": 5,
    # budgets, goal areas, council goals, their global goals, assignments and indicators
    "council_goals": 6,
    # the report with its version, the assignment, the targets and the attachments
    "report_detail": 4,
    # the period, the reports, their targets and attachments
    "period_compilation": 4,
    "accessibility": 0,
}


@pytest.mark.django_db
def test_every_public_page_makes_the_same_queries_for_ten_times_more_data(
    client, django_capture_on_commit_callbacks
):
    make = Reporting(reviewer=factories.make_reviewer())
    with django_capture_on_commit_callbacks(execute=True):
        small_world = build(year=2030, scale=1, make=make)
    small_paths = pages(small_world)
    for path in small_paths.values():
        client.get(path)  # warm up per-process caches (content types, translations)
    small = count_queries(client, small_paths)

    with django_capture_on_commit_callbacks(execute=True):
        large_world = build(year=2031, scale=10, make=make)
    assert large_world.crowded.responsibilities.count() == 20
    assert Report.objects.public().filter(organisation=large_world.executive).count() == 40
    large_paths = pages(large_world)
    large = count_queries(client, large_paths)

    for world, paths in [(small_world, small_paths), (large_world, large_paths)]:
        cache.clear()
        filtered = client.get(paths["assignment_list_filtered"]).context["assignments"]
        assert world.crowded in filtered  # the filters are all applied, and match

    assert large == small
    assert small == EXPECTED


@pytest.mark.django_db
def test_the_large_pages_show_all_their_data(client, django_capture_on_commit_callbacks):
    """The counts above are of pages that really show ten times more."""
    make = Reporting(reviewer=factories.make_reviewer())
    with django_capture_on_commit_callbacks(execute=True):
        world = build(year=2031, scale=10, make=make)
    paths = pages(world)

    detail = client.get(paths["assignment_detail"])
    organisation = client.get(paths["organisation_detail"])
    compilation = client.get(paths["period_compilation"])
    home = client.get(paths["home"])

    assert len(detail.context["rows"]) == 20
    assert len(organisation.context["responsibilities"]) == 20
    assert len(organisation.context["reports"]) == 40
    assert compilation.context["report_count"] == 20 + 19 * 2
    assert home.context["reported_count"] == 20 + 19 * 2
    assert len(client.get(paths["assignment_list"]).context["assignments"]) == 20
