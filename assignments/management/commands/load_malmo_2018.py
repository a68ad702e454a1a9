"""
Load Malmö stad's budget 2018: goal areas and council goals, the 2018 direction, the four
Agenda 2030 assignments word for word, the city's organisations and who answers for each
assignment, the 2018 reporting periods, the links to the global goals and the Kolada key
figures that measure the council goals (their values come with ``sync_kolada``).

The texts come from files shipped in ``assignments/data`` (sources in its ``SOURCES.md``).
Running the command again changes nothing: every row is looked up by its natural key and
written only when it differs, and links are only ever added.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils.text import slugify

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
from goals.models import Budget, CouncilGoal, Framework, GlobalGoal, GlobalTarget, GoalArea

ModelT = TypeVar("ModelT", bound=models.Model)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
YEAR = 2018

KINDS = {
    "kommunstyrelse": OrganisationKind.KOMMUNSTYRELSE,
    "nämnd": OrganisationKind.NAMND,
    "bolag": OrganisationKind.BOLAG,
    "kommunalförbund": OrganisationKind.KOMMUNALFORBUND,
}
PARENT_COMPANY = "Malmö Stadshus AB"
EXECUTIVE_BOARD = "Kommunstyrelsen"

# Only the first two sentences of the stored area-6 excerpt are verbatim (see SOURCES.md).
AREA_6_DIRECTION = (
    "Malmö ska vara en trygg och säker stad. Under 2018 växlar staden upp satsningarna på "
    "trygghet som initierades 2017."
)

# The global goals each council goal of 2018 speaks to, by goal area and order in the area.
COUNCIL_GOAL_SDGS = {
    (1, 1): [5, 10, 11, 13, 16],  # equality, gender equality, anti-discrimination, environment
    (2, 1): [1, 8],  # a growing labour market and self-sufficiency
    (3, 1): [3, 4, 10],  # support and education for children and young people
    (4, 1): [5, 10, 16],  # open, gender-equal, inclusive, free from discrimination
    (5, 1): [1, 3, 10],  # support and care with respect and influence
    (6, 1): [11, 16],  # safety at home and in public space
    (7, 1): [3, 4, 11],  # leisure and cultural life
    (8, 1): [9, 11],  # a sustainable urban structure for a growing population
    (8, 2): [3, 7, 12, 13],  # health-promoting, climate-smart, sustainable choices
    (9, 1): [5, 8],  # good working conditions for the city's employees
}

# Committees concerned by the coastal-city assignment, beside the executive board.
COASTAL_PARTICIPANTS = [
    "Stadsbyggnadsnämnden",
    "Tekniska nämnden",
    "Miljönämnden",
    "Fritidsnämnden",
]


@dataclass(frozen=True)
class AssignmentSpec:
    code: str
    title: str
    responsible: str  # "all", "executive board" or "executive board and concerned"
    sdg_goals: list[int]
    sdg_targets: list[str]


# The four assignments of budget 2018, in the order of the budget text.
ASSIGNMENTS = [
    AssignmentSpec(
        code="2018:1",
        title="Integrera de globala målen i samverkan",
        responsible="all",
        sdg_goals=[11, 16, 17],
        sdg_targets=["11.3", "16.7", "17.14", "17.17"],
    ),
    AssignmentSpec(
        code="2018:2",
        title="Samordna ansökningar av externa medel",
        responsible="executive board",
        sdg_goals=[11, 17],
        sdg_targets=["11.b", "17.17"],
    ),
    AssignmentSpec(
        code="2018:3",
        title="Inrätta en digital stödfunktion",
        responsible="executive board",
        sdg_goals=[9, 16],
        sdg_targets=["9.c", "16.6"],
    ),
    AssignmentSpec(
        code="2018:4",
        title="Stärka Malmös roll som framtidens kuststad",
        responsible="executive board and concerned",
        sdg_goals=[11, 13, 14],
        sdg_targets=["11.7", "13.1", "14.1", "14.2", "14.a"],
    ),
]

PERIODS = [
    ("Tertial 1", datetime.date(2018, 4, 16), datetime.date(2018, 5, 11)),
    ("Tertial 2", datetime.date(2018, 8, 20), datetime.date(2018, 9, 14)),
    ("Årsanalys", datetime.date(2019, 1, 7), datetime.date(2019, 2, 15)),
]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.linked} links added"
        )


@dataclass(frozen=True)
class SeedText:
    """The parts of the budget 2018 excerpt (``budget-2018-excerpt.sv.txt``)."""

    introduction: str
    council_goal: str
    direction: str
    assignments: list[str]


def parse_seed(text: str) -> SeedText:
    intro, rest = text.split("Kommunfullmäktigemål:", 1)
    goal, rest = rest.split("Inriktning 2018:", 1)
    direction, rest = rest.split("Uppdrag 2018:", 1)
    bullets = [b.strip() for b in rest.split("•")[1:]]
    return SeedText(
        introduction=_paragraphs(intro),
        council_goal=_paragraphs(goal),
        direction=_paragraphs(direction),
        assignments=[re.sub(r"\s+", " ", b) for b in bullets],
    )


def _paragraphs(text: str) -> str:
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value.strip() else None


class Command(BaseCommand):
    help = "Load Malmö stad's budget 2018, its organisations, assignments and reporting periods."

    def handle(self, *args: Any, **options: Any) -> None:
        self.tally = Tally()
        with transaction.atomic():
            seed = parse_seed((DATA_DIR / "budget-2018-excerpt.sv.txt").read_text("utf-8"))
            budget = self.load_budget(seed)
            council_goals = self.load_council_goals(budget, seed)
            organisations = self.load_organisations()
            self.load_assignments(budget, council_goals[1, 1], seed, organisations)
            self.load_periods(budget)
            self.load_indicators(council_goals)
        self.stdout.write(self.style.SUCCESS(f"Malmö budget {YEAR}: {self.tally}."))

    # Writing

    def upsert(self, model: type[ModelT], lookup: dict[str, Any], values: dict[str, Any]) -> ModelT:
        """Create the row, or update only the fields that differ; count what happened."""
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            self.tally.created += 1
            return model._default_manager.create(**lookup, **values)
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.tally.updated += 1
        else:
            self.tally.unchanged += 1
        return obj

    def link(self, manager: Any, objects: Sequence[models.Model]) -> None:
        """Add the missing links only: links staff added by hand are kept."""
        existing = set(manager.values_list("pk", flat=True))
        missing = [obj for obj in objects if obj.pk not in existing]
        if missing:
            manager.add(*missing)
            self.tally.linked += len(missing)

    # Loading

    def load_budget(self, seed: SeedText) -> Budget:
        return self.upsert(
            Budget,
            {"year": YEAR},
            {"title": "Malmö stads budget 2018", "direction": seed.introduction},
        )

    def load_council_goals(self, budget: Budget, seed: SeedText) -> dict[tuple, CouncilGoal]:
        sdgs = {goal.number: goal for goal in GlobalGoal.objects.sdg()}
        directions = {1: seed.direction, 6: AREA_6_DIRECTION}
        goals: dict[tuple, CouncilGoal] = {}
        counters: dict[int, int] = {}
        for row in _read_csv("malmo_budget2018_goals.csv"):
            if row["type"] != "kf_mål":
                continue
            area_number = int(row["area_number"])
            area = self.upsert(
                GoalArea,
                {"budget": budget, "number": area_number},
                {"name": row["area_name_sv"], "direction": directions.get(area_number, "")},
            )
            counters[area_number] = counters.get(area_number, 0) + 1
            key = (area_number, counters[area_number])
            text = seed.council_goal if key == (1, 1) else row["text_sv"].strip()
            goal = self.upsert(CouncilGoal, {"area": area, "number": key[1]}, {"text": text})
            self.link(goal.global_goals, [sdgs[n] for n in COUNCIL_GOAL_SDGS[key]])
            goals[key] = goal
        return goals

    def load_organisations(self) -> dict[str, Organisation]:
        rows = _read_csv("malmo_organisations.csv")
        organisations: dict[str, Organisation] = {}
        for row in rows:
            name = row["name_sv"].strip()
            organisations[name] = self.upsert(
                Organisation,
                {"name": name},
                {
                    "slug": slugify(name),
                    "kind": KINDS[row["kind"]],
                    "description": row["description"].strip(),
                    "valid_from": _date(row["valid_from"]),
                    "valid_to": _date(row["valid_to"]),
                },
            )
        parent = organisations[PARENT_COMPANY]
        for row in rows:
            if f"Subsidiary of {PARENT_COMPANY}" in row["note"]:
                self.upsert(Organisation, {"name": row["name_sv"].strip()}, {"parent": parent})
        return organisations

    def responsible_for(
        self, spec: AssignmentSpec, organisations: dict[str, Organisation]
    ) -> list[tuple[Organisation, ResponsibilityRole]]:
        board = organisations[EXECUTIVE_BOARD]
        if spec.responsible == "all":
            # "Samtliga nämnder och bolag": the executive board, every committee and every
            # company of the city's group (Malmö Stadshus AB and its subsidiaries) in 2018.
            active = Organisation.objects.active_during(YEAR).filter(
                models.Q(kind__in=[OrganisationKind.KOMMUNSTYRELSE, OrganisationKind.NAMND])
                | models.Q(name=PARENT_COMPANY)
                | models.Q(parent__name=PARENT_COMPANY)
            )
            return [(org, ResponsibilityRole.LEAD) for org in active]
        if spec.responsible == "executive board":
            return [(board, ResponsibilityRole.LEAD)]
        participants = [organisations[name] for name in COASTAL_PARTICIPANTS]
        return [(board, ResponsibilityRole.LEAD)] + [
            (org, ResponsibilityRole.PARTICIPANT) for org in participants
        ]

    def load_assignments(
        self,
        budget: Budget,
        council_goal: CouncilGoal,
        seed: SeedText,
        organisations: dict[str, Organisation],
    ) -> None:
        if len(seed.assignments) != len(ASSIGNMENTS):
            raise ValueError("The budget 2018 excerpt does not hold the four assignments.")
        sdgs = {goal.number: goal for goal in GlobalGoal.objects.sdg()}
        targets = {t.code: t for t in GlobalTarget.objects.filter(goal__framework=Framework.SDG)}
        for spec, text in zip(ASSIGNMENTS, seed.assignments, strict=True):
            assignment = self.upsert(
                Assignment,
                {"budget": budget, "code": spec.code},
                {"title": spec.title, "text": text, "council_goal": council_goal},
            )
            for organisation, role in self.responsible_for(spec, organisations):
                self.upsert(
                    Responsibility,
                    {"assignment": assignment, "organisation": organisation},
                    {"role": role},
                )
            self.link(assignment.global_goals, [sdgs[n] for n in spec.sdg_goals])
            self.link(assignment.global_targets, [targets[c] for c in spec.sdg_targets])

    def load_indicators(self, council_goals: dict[tuple, CouncilGoal]) -> None:
        """The Kolada key figures that measure the council goals (data/SOURCES.md); their
        values come with ``sync_kolada``."""
        targets = {t.code: t for t in GlobalTarget.objects.filter(goal__framework=Framework.SDG)}
        for row in _read_csv("malmo_indicators.csv"):
            indicator = self.upsert(
                Indicator,
                {"code": row["code"]},
                {
                    "source": IndicatorSource.KOLADA,
                    "kolada_kpi": row["kolada_kpi"],
                    "title_sv": row["title_sv"],
                    "title_en": row["title_en"],
                    "unit": row["unit"],
                    "higher_is_better": row["higher_is_better"] == "yes",
                    "decimals": int(row["decimals"]),
                    "definition_sv": row["definition_sv"],
                    "definition_en": row["definition_en"],
                },
            )
            goals = [
                council_goals[tuple(int(n) for n in key.split("."))]
                for key in row["council_goals"].split(";")
            ]
            self.link(indicator.council_goals, goals)
            self.link(indicator.global_targets, [targets[c] for c in row["sdg_targets"].split(";")])

    def load_periods(self, budget: Budget) -> None:
        for name, opens_on, deadline in PERIODS:
            self.upsert(
                ReportingPeriod,
                {"budget": budget, "name": name},
                {"opens_on": opens_on, "deadline": deadline},
            )
