"""
The API's objects as the dictionaries its schemas (``schemas.py``) validate and serialize.

Each function takes objects fetched with what it reads (see the querysets in
``endpoints.py``), so a page of any length costs the same few queries. Reports are read
through ``Report.objects.public()`` only, and their content from their published version.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Choices
from django.urls import reverse
from django.utils import translation

from assignments.models import (
    Assignment,
    Organisation,
    OrganisationKind,
    Progress,
    Report,
    ReportingPeriod,
    ResponsibilityRole,
)
from goals.models import Budget, CouncilGoal, Framework, GlobalGoal, GlobalTarget, GoalArea

from .addresses import LANGUAGES, Addresses

Data = dict[str, Any]


def swedish(text: str | None) -> Data:
    """A text the city writes in Swedish only."""
    return {"sv": text or None, "en": None}


def both(sv: str | None, en: str | None) -> Data:
    return {"sv": sv or None, "en": en or None}


@functools.cache
def _labels(choices: type[Choices], code: str) -> tuple[str, str]:
    label = dict(choices.choices)[code]
    texts = []
    for language in LANGUAGES:
        with translation.override(language):
            texts.append(str(label))
    return texts[0], texts[1]


def coded(choices: type[Choices], code: str) -> Data:
    sv, en = _labels(choices, code)
    return {"code": code, "label": {"sv": sv, "en": en}}


class Serializer:
    """Turns the portal's objects into the API's, with absolute addresses for one request."""

    def __init__(self, addresses: Addresses) -> None:
        self.at = addresses

    # References

    def budget_ref(self, budget: Budget) -> Data:
        return {
            "year": budget.year,
            "url": self.at.api("budget", budget.year),
            "page": self.at.page("public:council_goals", suffix=f"?year={budget.year}"),
        }

    def organisation_ref(self, organisation: Organisation) -> Data:
        return {
            "slug": organisation.slug,
            "name": organisation.name,
            "url": self.at.api("organisation", organisation.slug),
            "page": self.at.page("public:organisation_detail", organisation.slug),
        }

    def council_goal_ref(self, goal: CouncilGoal) -> Data:
        return {
            "id": goal.pk,
            "code": goal.code,
            "url": self.at.api("council_goal", goal.pk),
            "page": self.at.page(
                "public:council_goals",
                suffix=f"?year={goal.area.budget.year}#goal-area-{goal.area_id}",
            ),
        }

    def assignment_ref(self, assignment: Assignment) -> Data:
        return {
            "id": assignment.pk,
            "code": assignment.code,
            "title": swedish(assignment.title),
            "url": self.at.api("assignment", assignment.pk),
            "page": self.at.page("public:assignment_detail", assignment.pk),
        }

    def period_ref(self, period: ReportingPeriod) -> Data:
        return {
            "id": period.pk,
            "name": swedish(period.name),
            "deadline": period.deadline,
            "url": self.at.api("period", period.pk),
            "page": self.at.page("public:period_compilation", period.pk),
        }

    def goal_ref(self, goal: GlobalGoal) -> Data:
        return {
            "framework": goal.framework,
            "number": goal.number,
            "title": both(goal.title_sv, goal.title_en),
            "url": self.at.api(f"{goal.framework}_goal", goal.number),
            "page": self.at.page(f"goals_public:{goal.framework}_detail", goal.number),
        }

    def target_ref(self, target: GlobalTarget) -> Data:
        goal = target.goal
        return {
            "framework": goal.framework,
            "code": target.code,
            "url": self.at.api(f"{goal.framework}_target", target.code),
            "page": self.at.page(
                f"goals_public:{goal.framework}_detail", goal.number, f"#target-{target.code}"
            ),
        }

    # Objects

    def goal_area(self, area: GoalArea) -> Data:
        return {
            "number": area.number,
            "name": swedish(area.name),
            "direction": swedish(area.direction),
        }

    def budget(self, budget: Budget) -> Data:
        year = budget.year
        return {
            **self.budget_ref(budget),
            "title": swedish(budget.title),
            "decision_reference": budget.decision_reference,
            "adopted_on": budget.adopted_on,
            "direction": swedish(budget.direction),
            "goal_areas": [self.goal_area(area) for area in budget.goal_areas.all()],
            "council_goals": self.at.api("council_goals", budget=year),
            "assignments": self.at.api("assignments", budget=year),
            "periods": self.at.api("periods", budget=year),
        }

    def council_goal(self, goal: CouncilGoal) -> Data:
        return {
            **self.council_goal_ref(goal),
            "number": goal.number,
            "text": swedish(goal.text),
            "budget": self.budget_ref(goal.area.budget),
            "goal_area": self.goal_area(goal.area),
            "global_goals": [self.goal_ref(g) for g in goal.global_goals.all()],
            "assignments": self.at.api("assignments", council_goal=goal.pk),
        }

    def organisation(self, organisation: Organisation) -> Data:
        parent = organisation.parent
        return {
            **self.organisation_ref(organisation),
            "kind": coded(OrganisationKind, organisation.kind),
            "parent": self.organisation_ref(parent) if parent else None,
            "description": swedish(organisation.description),
            "valid_from": organisation.valid_from,
            "valid_to": organisation.valid_to,
            "assignments": self.at.api("assignments", organisation=organisation.slug),
            "reports": self.at.api("reports", organisation=organisation.slug),
        }

    def assignment(self, assignment: Assignment) -> Data:
        responsibilities = list(assignment.responsibilities.all())
        council_goal = assignment.council_goal
        return {
            **self.assignment_ref(assignment),
            "text": swedish(assignment.text),
            "budget": self.budget_ref(assignment.budget),
            "council_goal": self.council_goal_ref(council_goal) if council_goal else None,
            "lead_organisations": [
                self.organisation_ref(r.organisation)
                for r in responsibilities
                if r.role == ResponsibilityRole.LEAD
            ],
            "participating_organisations": [
                self.organisation_ref(r.organisation)
                for r in responsibilities
                if r.role != ResponsibilityRole.LEAD
            ],
            "global_goals": [self.goal_ref(goal) for goal in assignment.global_goals.all()],
            "global_targets": [self.target_ref(t) for t in assignment.global_targets.all()],
            "reports": self.at.api("reports", assignment=assignment.pk),
        }

    def period(self, period: ReportingPeriod) -> Data:
        return {
            **self.period_ref(period),
            "budget": self.budget_ref(period.budget),
            "opens_on": period.opens_on,
            "closed": period.closed,
            "reports": self.at.api("reports", period=period.pk),
        }

    def report(self, report: Report) -> Data:
        """A published report: only ever its published version's content."""
        version = report.published_version
        assert version is not None  # Report.objects.public() finds no other
        return {
            "id": report.pk,
            "url": self.at.api("report", report.pk),
            "page": self.at.page("public:report_detail", report.pk),
            "assignment": self.assignment_ref(report.assignment),
            "organisation": self.organisation_ref(report.organisation),
            "period": self.period_ref(report.period),
            "version": version.number,
            "published_at": report.published_at,
            "is_latest": report.is_latest_published,
            "progress": coded(Progress, version.progress),
            "percent_complete": version.percent_complete,
            "summary": swedish(version.summary),
            "narrative": swedish(version.narrative),
            "global_goals_integration": swedish(version.global_goals_integration),
            "next_steps": swedish(version.next_steps),
            "obstacles": swedish(version.obstacles),
            "contributed_targets": [
                self.target_ref(target) for target in version.contributed_targets.all()
            ],
            "attachments": [
                {
                    "name": attachment.original_name,
                    "content_type": attachment.content_type,
                    "size": attachment.size,
                    "download": self.at.root
                    + reverse(
                        "assignments:attachment_download",
                        kwargs={"pk": report.pk, "attachment_pk": attachment.pk},
                    ),
                }
                for attachment in version.attachments.all()
            ],
        }

    def target(self, target: GlobalTarget) -> Data:
        goal = target.goal
        filter_name = "sdg_target" if goal.framework == Framework.SDG else "mdg_target"
        return {
            **self.target_ref(target),
            "goal": self.goal_ref(goal),
            "text": both(target.text_sv, target.text_en),
            "short_title": swedish(target.short_title_sv),
            "assignments": self.at.api("assignments", **{filter_name: target.code}),
        }

    def goal(self, goal: GlobalGoal) -> Data:
        return {
            **self.goal_ref(goal),
            "text": both(goal.text_sv, goal.text_en),
            "colour": goal.colour,
            "targets": [self.target(target) for target in goal.targets.all()],
            "assignments": self.at.api("assignments", **{goal.framework: goal.number}),
        }
