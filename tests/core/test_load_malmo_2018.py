"""`manage.py load_malmo_2018`: the city's budget 2018 as the council adopted it."""

import datetime
import io

import pytest
from django.core.management import call_command

from assignments.models import (
    Assignment,
    Indicator,
    IndicatorSource,
    Organisation,
    OrganisationKind,
    ReportingPeriod,
    Responsibility,
    ResponsibilityRole,
)
from goals.models import Budget, CouncilGoal, GoalArea
from tests.helpers import ROOT

SEED = ROOT / "assignments" / "data"
SEED = SEED / "budget-2018-excerpt.sv.txt"

MODELS = [
    Budget,
    GoalArea,
    CouncilGoal,
    Organisation,
    Assignment,
    Responsibility,
    ReportingPeriod,
    Indicator,
]

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "council goal links": CouncilGoal.global_goals.through.objects.count(),
        "assignment goal links": Assignment.global_goals.through.objects.count(),
        "assignment target links": Assignment.global_targets.through.objects.count(),
        "indicator goal links": Indicator.council_goals.through.objects.count(),
        "indicator target links": Indicator.global_targets.through.objects.count(),
    }


def test_a_second_run_changes_nothing():
    first = io.StringIO()
    call_command("load_malmo_2018", stdout=first)
    after_first = counts()
    snapshot = list(Assignment.objects.values())
    second = io.StringIO()
    call_command("load_malmo_2018", stdout=second)
    assert counts() == after_first
    assert list(Assignment.objects.values()) == snapshot
    assert "0 created, 0 updated" in second.getvalue()
    assert "0 links added" in second.getvalue()


def test_loads_the_budget_its_goal_areas_and_council_goals(malmo_2018):
    assert malmo_2018.title == "Malmö stads budget 2018"
    assert malmo_2018.direction.startswith("Malmö ska vara en stad i framkant")
    assert list(malmo_2018.goal_areas.values_list("number", flat=True)) == list(range(1, 10))
    goals = CouncilGoal.objects.filter(area__budget=malmo_2018)
    assert goals.count() == 10
    assert goals.filter(area__number=8).count() == 2
    area_1 = malmo_2018.goal_areas.get(number=1)
    assert area_1.name == "En ung, global och modern stad"
    assert area_1.direction.startswith("Malmö ska visa mod och nyfikenhet inför framtiden.")
    assert "Ocean Institute" in area_1.direction
    assert area_1.council_goals.get().text.startswith("Malmöborna ska kunna känna sig stolta")
    assert all(goal.global_goals.exists() for goal in goals)


def test_the_four_assignments_match_the_budget_text_word_for_word(malmo_2018):
    bullets = [
        line.strip().removeprefix("•").strip()
        for line in SEED.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("•")
    ]
    assert len(bullets) == 4
    texts = list(Assignment.objects.filter(budget=malmo_2018).values_list("text", flat=True))
    assert texts == bullets
    assert all(
        a.council_goal.area.number == 1 for a in Assignment.objects.filter(budget=malmo_2018)
    )


def test_organisations_keep_their_kind_parent_and_validity(malmo_2018):
    assert Organisation.objects.count() == 40
    assert Organisation.objects.filter(kind=OrganisationKind.KOMMUNSTYRELSE).count() == 1
    assert Organisation.objects.filter(kind=OrganisationKind.NAMND).count() == 22
    assert Organisation.objects.filter(kind=OrganisationKind.BOLAG).count() == 17
    social = Organisation.objects.get(name="Sociala resursnämnden")
    assert social.valid_to == datetime.date(2017, 4, 30)
    mkb = Organisation.objects.get(name="MKB Fastighets AB")
    assert mkb.parent.name == "Malmö Stadshus AB"
    assert Organisation.objects.get(slug="miljonamnden").name == "Miljönämnden"


def test_all_committees_and_companies_of_2018_answer_for_the_first_assignment(malmo_2018):
    first = Assignment.objects.get(budget=malmo_2018, code="2018:1")
    responsible = set(first.organisations.values_list("name", flat=True))
    assert "Kommunstyrelsen" in responsible
    assert "Miljönämnden" in responsible
    assert "MKB Fastighets AB" in responsible
    # Abolished on 1 May 2017: not asked to report in 2018.
    assert "Sociala resursnämnden" not in responsible
    assert "Stadsområdesnämnd Norr" not in responsible
    # Part-owned companies outside the city's group are not directed by its budget.
    assert "Copenhagen Malmö Port AB" not in responsible
    assert len(responsible) == 25
    assert set(first.responsibilities.values_list("role", flat=True)) == {ResponsibilityRole.LEAD}


def test_the_executive_board_leads_the_coastal_city_with_concerned_committees(malmo_2018):
    coastal = Assignment.objects.get(budget=malmo_2018, code="2018:4")
    lead = coastal.responsibilities.get(role=ResponsibilityRole.LEAD)
    assert lead.organisation.name == "Kommunstyrelsen"
    participants = coastal.responsibilities.filter(role=ResponsibilityRole.PARTICIPANT)
    assert participants.count() >= 2
    assert all(p.organisation.kind == OrganisationKind.NAMND for p in participants)
    for code in ["2018:2", "2018:3"]:
        only = Assignment.objects.get(budget=malmo_2018, code=code).responsibilities.get()
        assert only.organisation.name == "Kommunstyrelsen"


def test_assignments_link_to_sensible_global_goals_and_targets(malmo_2018):
    coastal = Assignment.objects.get(budget=malmo_2018, code="2018:4")
    assert 14 in set(coastal.global_goals.values_list("number", flat=True))
    for assignment in Assignment.objects.filter(budget=malmo_2018):
        goals = set(assignment.global_goals.values_list("pk", flat=True))
        assert goals
        # every linked target belongs to one of the assignment's linked goals
        assert set(assignment.global_targets.values_list("goal_id", flat=True)) <= goals


def test_reporting_periods_have_realistic_deadlines(malmo_2018):
    periods = list(ReportingPeriod.objects.filter(budget=malmo_2018))
    assert [p.name for p in periods] == ["Tertial 1", "Tertial 2", "Årsanalys"]
    for period in periods:
        assert period.opens_on < period.deadline
        assert (period.deadline - period.opens_on).days <= 45
    assert periods[0].deadline.year == 2018
    assert periods[2].deadline.year == 2019


def test_the_council_goals_are_measured_by_kolada_key_figures(malmo_2018):
    """Each KPI named in assignments/data/SOURCES.md, with its goal and Agenda 2030 target."""
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.prefetch_related("council_goals__area", "global_targets")
    }
    assert set(indicators) == {"N00401", "N02904", "N07403", "N45930", "U07801"}
    sources = (ROOT / "assignments" / "data" / "SOURCES.md").read_text("utf-8")
    for code, indicator in indicators.items():
        assert indicator.source == IndicatorSource.KOLADA
        assert indicator.kolada_kpi == code
        assert f"| {code} |" in sources
        assert indicator.council_goals.all()
        assert all(goal.area.budget == malmo_2018 for goal in indicator.council_goals.all())
        assert indicator.global_targets.all()
        assert not indicator.values.exists()  # they come from Kolada, never invented
    emissions = indicators["N00401"]
    assert not emissions.higher_is_better
    assert [t.code for t in emissions.global_targets.all()] == ["13.2"]
    assert {(g.area.number, g.number) for g in emissions.council_goals.all()} == {(8, 2)}
    poverty = indicators["N02904"]
    assert {(g.area.number, g.number) for g in poverty.council_goals.all()} == {(3, 1), (5, 1)}
