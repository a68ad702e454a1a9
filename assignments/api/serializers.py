"""
The API's objects as the dictionaries its schemas (``schemas.py``) validate and serialize.

Each function takes objects fetched with what it reads (see the querysets in
``endpoints.py``), so a page of any length costs the same few queries. Reports are read
through ``Report.objects.public()`` only, and their content from their published version.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from django.db.models import Choices
from django.urls import reverse
from django.utils import translation

from assignments.indicators import Point
from assignments.models import (
    BREAKDOWNS,
    Assignment,
    Indicator,
    IndicatorSource,
    IndicatorValue,
    Organisation,
    OrganisationKind,
    Progress,
    ProgressLevel,
    Report,
    ReportingPeriod,
    ResponsibilityRole,
    ValueOrigin,
)
from assignments.selectors.indicators import Summary, attribution
from assignments.services.indicators import breakdowns_of
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


def _in_both(text: Any) -> Data:
    """A lazily translated text in both languages."""
    texts = []
    for language in LANGUAGES:
        with translation.override(language):
            texts.append(str(text))
    return {"sv": texts[0], "en": texts[1]}


@functools.cache
def _breakdown(dimension: str) -> Data:
    label, _categories = BREAKDOWNS.get(dimension, (dimension, {}))
    return {"code": dimension, "label": _in_both(label)}


@functools.cache
def _category(dimension: str, category: str) -> Data:
    label = BREAKDOWNS.get(dimension, (dimension, {}))[1].get(category, category)
    return {"code": category, "label": _in_both(label)}


def _point(point: Point | None) -> Data | None:
    return {"year": point.year, "value": float(point.value)} if point else None


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

    def indicator_ref(self, indicator: Indicator) -> Data:
        return {
            "code": indicator.code,
            "title": both(indicator.title_sv, indicator.title_en),
            "url": self.at.api("indicator", indicator.code),
            # The public room's page: linked once the portal has it.
            "page": self.at.page_if_any("public:indicator_detail", indicator.code),
        }

    def target_ref(self, target: GlobalTarget) -> Data:
        goal = target.goal
        return {
            "framework": goal.framework,
            "code": target.code,
            "url": self.at.api(f"{goal.framework}_target", target.code),
            "page": self.at.target_page(
                f"goals_public:{goal.framework}_target", goal.number, target.code
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

    # Indicators

    def formatted(self, indicator: Indicator, value: Decimal) -> Data:
        texts = []
        for language in LANGUAGES:
            with translation.override(language):
                texts.append(indicator.format_value(value))
        return {"sv": texts[0], "en": texts[1]}

    def measurement(self, indicator: Indicator, value: IndicatorValue) -> Data:
        return {
            "year": value.year,
            "period": self.period_ref(value.period) if value.period else None,
            "value": float(value.value),
            "formatted": self.formatted(indicator, value.value),
        }

    def series_value(self, indicator: Indicator, value: IndicatorValue) -> Data:
        """A value, read with the indicator's measurer, its period and the reporting
        organisation (``selectors.indicators.with_sources``)."""
        return {
            **self.measurement(indicator, value),
            "breakdown": _breakdown(value.dimension) if value.dimension else None,
            "category": _category(value.dimension, value.category) if value.dimension else None,
            "origin": coded(ValueOrigin, value.origin),
            "source": attribution(value),
            "note": swedish(value.note),
            "published_at": value.published_at,
            "report": self.at.api("report", value.report_id)
            if value.origin == ValueOrigin.REPORT and value.report_id
            else None,
        }

    def indicator_value(self, value: IndicatorValue) -> Data:
        indicator = value.indicator
        return {
            **self.series_value(indicator, value),
            "indicator": self.indicator_ref(indicator),
            "unit": indicator.unit,
        }

    def indicator(self, summary: Summary) -> Data:
        """An indicator summarised (``selectors.indicators.summarise``), with its links."""
        indicator, assessment, latest = summary.indicator, summary.assessment, summary.latest
        measured_by = indicator.measured_by
        dimensions = dict.fromkeys(d for d, _c in breakdowns_of(indicator) if d)
        baseline = None
        if indicator.baseline_year is not None and indicator.baseline_value is not None:
            baseline = {
                "year": indicator.baseline_year,
                "value": float(indicator.baseline_value),
                "note": swedish(indicator.baseline_note),
            }
        return {
            **self.indicator_ref(indicator),
            "definition": both(indicator.definition_sv, indicator.definition_en),
            "unit": indicator.unit,
            "higher_is_better": indicator.higher_is_better,
            "decimals": indicator.decimals,
            "baseline": baseline,
            "targets": [
                {"year": target.year, "value": float(target.value), "note": swedish(target.note)}
                for target in indicator.targets.all()
            ],
            "source": {
                "kind": coded(IndicatorSource, indicator.source),
                "kolada_kpi": indicator.kolada_kpi or None,
                "organisation": self.organisation_ref(measured_by) if measured_by else None,
                "name": indicator.source_name or None,
                "website": indicator.source_url or None,
            },
            "breakdowns": [
                {
                    "dimension": _breakdown(dimension),
                    "categories": [
                        _category(dimension, category) for category in BREAKDOWNS[dimension][1]
                    ],
                }
                for dimension in dimensions
            ],
            "latest": self.measurement(indicator, latest) if latest else None,
            "trend": summary.trend or None,
            "progress": {
                "level": coded(ProgressLevel, assessment.level),
                "overridden": assessment.overridden,
                "note": swedish(assessment.note),
                "baseline": _point(assessment.baseline),
                "latest": _point(assessment.latest),
                "target": _point(assessment.target),
                "observed_rate": assessment.observed_rate,
                "needed_rate": assessment.needed_rate,
                "ratio": assessment.ratio,
            },
            "council_goals": [self.council_goal_ref(g) for g in indicator.council_goals.all()],
            "assignments": [self.assignment_ref(a) for a in indicator.assignments.all()],
            "global_targets": [self.target_ref(t) for t in indicator.global_targets.all()],
            "values": self.at.api("indicator_values", indicator=indicator.code),
        }

    def indicator_detail(self, summary: Summary) -> Data:
        """An indicator with all its values (read into ``all_values`` in time order)."""
        indicator = summary.indicator
        values: list[IndicatorValue] = indicator.all_values  # type: ignore[attr-defined]
        return {
            **self.indicator(summary),
            "series": [self.series_value(indicator, value) for value in values],
        }
