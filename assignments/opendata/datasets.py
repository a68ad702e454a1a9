"""
Open data: the portal's public data as CSV and JSON downloads, the page that describes them,
their Frictionless Data Package descriptor, and robots.txt.

Only public content leaves the portal. Assignments and organisations are council decisions and
public as they are. A report is public only through its *published version*: every report
value exported is read from ``report.published_version`` (the working fields, which may hold an
unpublished correction, are not even loaded). Indicators and their values (``IndicatorValue``)
are public as they are stored; the values reporters give (``ReportedValue``) are never read
here: they become ``IndicatorValue`` rows when their report's version is published.

The downloads stream: rows are read with ``QuerySet.iterator(chunk_size=CHUNK_SIZE)``, whose
prefetches run once per chunk, and written out one at a time, so memory stays flat and the
number of queries grows with the number of chunks, never with the number of rows.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
    Responsibility,
    ResponsibilityRole,
    ValueOrigin,
    value_time_order,
)
from assignments.selectors.indicators import KOLADA, attribution, summarise, with_series
from assignments.services.indicators import breakdowns_of
from assignments.spreadsheets import formula_safe
from goals.models import CouncilGoal, Framework, GlobalGoal, GlobalTarget

# Rows read per database round trip; the prefetches of a download run once per chunk.
CHUNK_SIZE = 500
# Downloads may be kept by browsers and proxies for a while, never whole in our memory.
DOWNLOAD_MAX_AGE = 5 * 60
LIST_SEPARATOR = ";"
# How the CSV files keep formulas from running in a spreadsheet (assignments/spreadsheets.py),
# said on the data page and in the data package.
CSV_TEXT_RULE = _(
    "In the CSV files, a cell of a text column that begins with =, +, -, @, a tab, a carriage "
    "return or an apostrophe (') has one more apostrophe in front, so that spreadsheets do "
    "not run it as a formula. To get the exact original text back, remove one leading "
    "apostrophe from every text cell that begins with one, before splitting a list. Numbers "
    "and dates are never changed, and the JSON files hold the texts as they are."
)
CSV_TEXT_NOTE = _("In CSV, escaped against formulas as the resource's description says.")

CC0 = {
    "name": "CC0-1.0",
    "title": "Creative Commons Zero v1.0 Universal",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
}
# Kolada, the open database of the Council for the Promotion of Municipal Analyses (RKA): its
# values are free to use, and its terms ask every service that shows them to say "Källa:
# Kolada" (assignments/selectors/indicators.py names each value's source).
KOLADA_SOURCE = {"title": KOLADA, "path": "https://www.kolada.se/"}
KOLADA_TERMS = {"title": "Kolada: terms of use", "path": "https://www.kolada.se/om-oss/api/"}
KOLADA_RULE = _(
    "Values whose source is Kolada come from Kolada, the open database of the Council for "
    "the Promotion of Municipal Analyses (RKA): free to use, on the condition that the source "
    "is given as “Källa: Kolada”. The other values are under CC0 1.0."
)
KOLADA_ATTRIBUTION = _("Source: Kolada")

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


# The datasets


@dataclass(frozen=True)
class Column:
    """A column of a dataset, described once for the page, the data package and the files."""

    name: str
    type: str
    description: Promise
    item_type: str = ""  # set for lists: ";"-separated in CSV, an array in JSON
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.item_type)

    @property
    def is_text(self) -> bool:
        """Whether its CSV cells are text that a spreadsheet might take for a formula."""
        return (self.item_type or self.type) == "string"

    @property
    def type_label(self) -> Promise:
        labels = {
            "integer": _("whole number"),
            "number": _("number"),
            "boolean": _("true or false"),
            "string": _("text"),
            "date": _("date (YYYY-MM-DD)"),
            "datetime": _("date and time (UTC)"),
        }
        if self.is_list:
            return _("list of texts") if self.item_type == "string" else _("list of numbers")
        return labels[self.type]

    def schema(self) -> dict[str, Any]:
        descriptor: dict[str, Any] = {
            "name": self.name,
            "type": "list" if self.is_list else self.type,
            "description": str(self.description),
        }
        if self.is_text:
            descriptor["description"] += f" {CSV_TEXT_NOTE}"
        if self.is_list:
            descriptor["delimiter"] = LIST_SEPARATOR
            descriptor["itemType"] = self.item_type
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]
    rows: Callable[[HttpRequest], Iterable[tuple]]
    count: Callable[[], int]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict[str, Any], ...] = field(default=())
    # Where data that is not the city's own comes from, and the terms it keeps (Kolada's).
    sources: tuple[dict[str, str], ...] = field(default=())
    licenses: tuple[dict[str, str], ...] = field(default=(CC0,))
    rights: Promise | None = None
    attribution: Promise | None = None

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def resource(self, request: HttpRequest) -> dict[str, Any]:
        """This dataset as a tabular data resource of the data package."""
        path = reverse("opendata:download", kwargs={"dataset": self.name, "fmt": "csv"})
        description = " ".join(
            str(text) for text in (self.description, self.rights, CSV_TEXT_RULE) if text
        )
        resource: dict[str, Any] = {
            "profile": "tabular-data-resource",
            "name": self.name,
            "path": request.build_absolute_uri(path),
            "title": str(self.title),
            "description": description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "licenses": list(self.licenses),
        }
        if self.sources:
            resource["sources"] = list(self.sources)
        return resource | {
            "schema": {
                "fields": [column.schema() for column in self.columns],
                "missingValues": [""],
                "primaryKey": list(self.primary_key),
                "foreignKeys": list(self.foreign_keys),
            },
        }


def _assignment_rows(request: HttpRequest) -> Iterator[tuple]:
    for assignment in _assignments_with_links().iterator(chunk_size=CHUNK_SIZE):
        responsibilities = assignment.responsibilities.all()
        goals = assignment.global_goals.all()
        targets = assignment.global_targets.all()
        council_goal = assignment.council_goal
        yield (
            assignment.budget.year,
            assignment.code,
            assignment.title,
            assignment.text,
            council_goal.code if council_goal else None,
            council_goal.text if council_goal else None,
            [r.organisation.name for r in responsibilities if r.role == ResponsibilityRole.LEAD],
            [r.organisation.name for r in responsibilities if r.role != ResponsibilityRole.LEAD],
            [goal.number for goal in goals if goal.framework == Framework.SDG],
            [target.code for target in targets if target.goal.framework == Framework.SDG],
            [goal.number for goal in goals if goal.framework == Framework.MDG],
            [target.code for target in targets if target.goal.framework == Framework.MDG],
        )


def _assignments_with_links() -> QuerySet[Assignment]:
    return (
        Assignment.objects.select_related("budget", "council_goal__area")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            Prefetch("global_goals", queryset=GlobalGoal.objects.order_by("framework", "number")),
            Prefetch("global_targets", queryset=_targets()),
        )
        .order_by("budget__year", "code")
    )


def _targets() -> QuerySet[GlobalTarget]:
    return GlobalTarget.objects.select_related("goal").order_by(
        "goal__framework", "goal__number", "position"
    )


def _organisation_rows(request: HttpRequest) -> Iterator[tuple]:
    organisations = Organisation.objects.select_related("parent").order_by("name")
    for organisation in organisations.iterator(chunk_size=CHUNK_SIZE):
        yield (
            organisation.name,
            organisation.slug,
            organisation.kind,
            organisation.parent.name if organisation.parent else None,
            organisation.valid_from,
            organisation.valid_to,
        )


def _report_rows(request: HttpRequest) -> Iterator[tuple]:
    reports = (
        Report.objects.public()
        .select_related("assignment__budget", "organisation", "period", "published_version")
        # Never load the working fields: they may hold an unpublished correction.
        .only(
            "assignment__code",
            "assignment__budget__year",
            "organisation__name",
            "period__name",
            *(f"published_version__{name}" for name in Report.CONTENT_FIELDS),
            "published_version__number",
            "published_at",
        )
        .prefetch_related(
            Prefetch(
                "published_version__contributed_targets",
                queryset=GlobalTarget.objects.order_by(
                    "goal__framework", "goal__number", "position"
                ),
            )
        )
        .order_by("assignment__budget__year", "period__deadline", "assignment__code", "pk")
    )
    for report in reports.iterator(chunk_size=CHUNK_SIZE):
        version = report.published_version
        yield (
            report.pk,
            report.assignment.budget.year,
            report.assignment.code,
            report.organisation.name,
            report.period.name,
            version.progress,
            version.percent_complete,
            version.summary,
            version.narrative,
            version.global_goals_integration,
            version.next_steps,
            version.obstacles,
            [target.code for target in version.contributed_targets.all()],
            version.number,
            report.published_at,
            request.build_absolute_uri(reverse("public:report_detail", args=[report.pk])),
        )


def _goal_link_rows(request: HttpRequest) -> Iterator[tuple]:
    assignments = (
        Assignment.objects.select_related("budget")
        .prefetch_related("global_goals", Prefetch("global_targets", queryset=_targets()))
        .order_by("budget__year", "code")
    )
    for assignment in assignments.iterator(chunk_size=CHUNK_SIZE):
        links = [(goal.framework, goal.number, -1, None) for goal in assignment.global_goals.all()]
        links += [
            (target.goal.framework, target.goal.number, target.position, target.code)
            for target in assignment.global_targets.all()
        ]
        for framework, number, _position, code in sorted(links, key=lambda link: link[:3]):
            yield (assignment.budget.year, assignment.code, framework, number, code)


def _goal_link_count() -> int:
    return (
        Assignment.global_goals.through.objects.count()
        + Assignment.global_targets.through.objects.count()
    )


def _indicators() -> QuerySet[Indicator]:
    return with_series(
        Indicator.objects.select_related("measured_by")
        .prefetch_related(
            Prefetch(
                "council_goals",
                queryset=CouncilGoal.objects.select_related("area__budget").order_by(
                    "area__budget__year", "area__number", "number"
                ),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("budget").order_by(
                    "budget__year", "code"
                ),
            ),
            Prefetch("global_targets", queryset=_targets()),
        )
        .order_by("code")
    )


def _indicator_page(request: HttpRequest, code: str) -> str | None:
    """The indicator's public page; None (an empty cell) while the portal has no page named
    ``public:indicator_detail``, as a template draws a link only once its page exists."""
    try:
        return request.build_absolute_uri(reverse("public:indicator_detail", args=[code]))
    except NoReverseMatch:
        return None


def _indicator_rows(request: HttpRequest) -> Iterator[tuple]:
    for indicator in _indicators().iterator(chunk_size=CHUNK_SIZE):
        summary = summarise(indicator)
        assessment, latest = summary.assessment, summary.latest
        targets = indicator.global_targets.all()
        yield (
            indicator.code,
            indicator.title_sv,
            indicator.title_en or None,
            indicator.definition_sv or None,
            indicator.definition_en or None,
            indicator.unit or None,
            indicator.higher_is_better,
            indicator.decimals,
            indicator.baseline_year,
            indicator.baseline_value,
            indicator.baseline_note or None,
            [f"{target.year}:{_decimal_text(target.value)}" for target in indicator.targets.all()],
            indicator.source,
            indicator.kolada_kpi or None,
            indicator.measured_by.slug if indicator.measured_by else None,
            indicator.source_name or None,
            indicator.source_url or None,
            list(
                dict.fromkeys(dimension for dimension, _ in breakdowns_of(indicator) if dimension)
            ),
            [f"{goal.area.budget.year}/{goal.code}" for goal in indicator.council_goals.all()],
            [f"{a.budget.year}/{a.code}" for a in indicator.assignments.all()],
            [target.code for target in targets if target.goal.framework == Framework.SDG],
            [target.code for target in targets if target.goal.framework == Framework.MDG],
            latest.year if latest else None,
            latest.value if latest else None,
            assessment.level,
            assessment.overridden,
            assessment.note or None,
            _indicator_page(request, indicator.code),
        )


def _indicator_values() -> QuerySet[IndicatorValue]:
    return (
        IndicatorValue.objects.select_related(
            "indicator__measured_by", "period", "report__organisation"
        )
        .only(
            "year",
            "dimension",
            "category",
            "value",
            "origin",
            "note",
            "published_at",
            "indicator__code",
            "indicator__unit",
            "indicator__source_name",
            "indicator__measured_by__name",
            "period__name",
            "report__organisation__name",
        )
        .order_by("indicator__code", *value_time_order(), "dimension", "category")
    )


def _indicator_value_rows(request: HttpRequest) -> Iterator[tuple]:
    for value in _indicator_values().iterator(chunk_size=CHUNK_SIZE):
        yield (
            value.indicator.code,
            value.year,
            value.period.name if value.period else None,
            value.dimension or None,
            value.category or None,
            value.value,
            value.indicator.unit or None,
            value.origin,
            attribution(value) or None,
            value.note or None,
            value.published_at,
        )


INDICATOR_KEY = {"resource": "indicators", "fields": ["code"]}


ASSIGNMENT_KEY = {"resource": "assignments", "fields": ["budget_year", "code"]}
BUDGET_YEAR = Column("budget_year", "integer", _("The budget year."), required=True)
ASSIGNMENT_CODE = Column(
    "assignment_code",
    "string",
    _("The assignment's code, unique within the budget year."),
    required=True,
)

DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            name="assignments",
            title=_("Assignments"),
            description=_(
                "The assignments the city council gives the committees and companies in its "
                "budget, with the council goal they serve, who is responsible and the global "
                "goals and targets they are linked to."
            ),
            columns=(
                BUDGET_YEAR,
                Column(
                    "code",
                    "string",
                    _("The assignment's code, unique within the budget year."),
                    required=True,
                ),
                Column("title", "string", _("The assignment's title."), required=True),
                Column("text", "string", _("The assignment word for word."), required=True),
                Column(
                    "council_goal_code",
                    "string",
                    _("The code of the council goal, as goal area and number, e.g. 1.2."),
                ),
                Column("council_goal_text", "string", _("The text of the council goal.")),
                Column(
                    "lead_organisations",
                    "list",
                    _("The organisations that lead the assignment."),
                    item_type="string",
                ),
                Column(
                    "participant_organisations",
                    "list",
                    _("The organisations that take part in the assignment."),
                    item_type="string",
                ),
                Column(
                    "sdg_goals",
                    "list",
                    _("The Agenda 2030 goals the assignment is linked to, by number."),
                    item_type="integer",
                ),
                Column(
                    "sdg_targets",
                    "list",
                    _("The Agenda 2030 targets the assignment is linked to, by code."),
                    item_type="string",
                ),
                Column(
                    "mdg_goals",
                    "list",
                    _("The Millennium Development Goals the assignment is linked to, by number."),
                    item_type="integer",
                ),
                Column(
                    "mdg_targets",
                    "list",
                    _("The Millennium Development Goal targets the assignment is linked to."),
                    item_type="string",
                ),
            ),
            rows=_assignment_rows,
            count=lambda: Assignment.objects.count(),
            primary_key=("budget_year", "code"),
        ),
        Dataset(
            name="organisations",
            title=_("Organisations"),
            description=_(
                "The city's committees, companies and the city executive board, with the "
                "dates they existed where known."
            ),
            columns=(
                Column("name", "string", _("The organisation's name."), required=True, unique=True),
                Column(
                    "slug",
                    "string",
                    _("A short identifier, used in the portal's addresses."),
                    required=True,
                    unique=True,
                ),
                Column(
                    "kind",
                    "string",
                    _(
                        "kommunstyrelse (city executive board), namnd (committee), bolag "
                        "(company) or kommunalforbund (municipal association)."
                    ),
                    required=True,
                    enum=tuple(OrganisationKind.values),
                ),
                Column(
                    "parent",
                    "string",
                    _("The name of the parent organisation, e.g. the parent company."),
                ),
                Column("valid_from", "date", _("The first day the organisation existed.")),
                Column("valid_to", "date", _("The last day the organisation existed.")),
            ),
            rows=_organisation_rows,
            count=lambda: Organisation.objects.count(),
            primary_key=("slug",),
            foreign_keys=(
                {"fields": ["parent"], "reference": {"resource": "", "fields": ["name"]}},
            ),
        ),
        Dataset(
            name="published-reports",
            title=_("Published reports"),
            description=_(
                "The committees' and companies' reports on their assignments, as published "
                "after review by the sustainability office: the version that was published, "
                "never a correction still under way."
            ),
            columns=(
                Column(
                    "report_id", "integer", _("The report's number."), required=True, unique=True
                ),
                BUDGET_YEAR,
                ASSIGNMENT_CODE,
                Column("organisation", "string", _("The reporting organisation."), required=True),
                Column(
                    "period",
                    "string",
                    _("The reporting period within the budget year, e.g. Tertial 1."),
                    required=True,
                ),
                Column(
                    "progress",
                    "string",
                    _("not_started, on_track, at_risk, off_track or completed."),
                    required=True,
                    enum=tuple(Progress.values),
                ),
                Column("percent_complete", "integer", _("How far the work has come, 0–100.")),
                Column("summary", "string", _("A short summary of the progress."), required=True),
                Column("narrative", "string", _("The account of the work.")),
                Column(
                    "global_goals_integration",
                    "string",
                    _("How the organisation integrates the global goals in its work."),
                ),
                Column("next_steps", "string", _("The next steps.")),
                Column("obstacles", "string", _("Obstacles met in the work.")),
                Column(
                    "contributed_targets",
                    "list",
                    _("The Agenda 2030 targets the work contributes to, by code."),
                    item_type="string",
                ),
                Column(
                    "version",
                    "integer",
                    _("The number of the published version of the report."),
                    required=True,
                ),
                Column(
                    "published_at",
                    "datetime",
                    _("When this version was published (UTC)."),
                ),
                Column("url", "string", _("The report's public page."), required=True),
            ),
            rows=_report_rows,
            count=lambda: Report.objects.public().count(),
            primary_key=("report_id",),
            foreign_keys=(
                {"fields": ["budget_year", "assignment_code"], "reference": ASSIGNMENT_KEY},
                {
                    "fields": ["organisation"],
                    "reference": {"resource": "organisations", "fields": ["name"]},
                },
            ),
        ),
        Dataset(
            name="assignment-goals",
            title=_("Assignments and global goals"),
            description=_(
                "One row for each global goal and each target an assignment is linked to."
            ),
            columns=(
                BUDGET_YEAR,
                ASSIGNMENT_CODE,
                Column(
                    "framework",
                    "string",
                    _("sdg (Agenda 2030) or mdg (the Millennium Development Goals)."),
                    required=True,
                    enum=tuple(Framework.values),
                ),
                Column("goal", "integer", _("The goal's number."), required=True),
                Column(
                    "target",
                    "string",
                    _("The target's code, e.g. 11.6; empty where the link is to the whole goal."),
                ),
            ),
            rows=_goal_link_rows,
            count=_goal_link_count,
            primary_key=("budget_year", "assignment_code", "framework", "goal", "target"),
            foreign_keys=(
                {"fields": ["budget_year", "assignment_code"], "reference": ASSIGNMENT_KEY},
            ),
        ),
        Dataset(
            name="indicators",
            title=_("Indicators"),
            description=_(
                "The key figures that follow up the council goals, assignments and Agenda 2030 "
                "targets: what each measures, its baseline and targets, where its values come "
                "from, and how far it has come towards its target."
            ),
            columns=(
                Column(
                    "code",
                    "string",
                    _("The indicator's code, e.g. N00401."),
                    required=True,
                    unique=True,
                ),
                Column("title_sv", "string", _("The title in Swedish."), required=True),
                Column("title_en", "string", _("The title in English.")),
                Column("definition_sv", "string", _("What the indicator measures, in Swedish.")),
                Column("definition_en", "string", _("What the indicator measures, in English.")),
                Column("unit", "string", _("The unit of its values, e.g. %.")),
                Column(
                    "higher_is_better",
                    "boolean",
                    _("true where a rising value is the improvement, false where a falling one."),
                    required=True,
                ),
                Column(
                    "decimals",
                    "integer",
                    _("How many decimals the portal shows its values with."),
                    required=True,
                ),
                Column("baseline_year", "integer", _("The year of the baseline.")),
                Column("baseline_value", "number", _("The value in the baseline year.")),
                Column("baseline_note", "string", _("A note on the baseline.")),
                Column(
                    "targets",
                    "list",
                    _("The values to reach, each as year:value, e.g. 2030:0.5."),
                    item_type="string",
                ),
                Column(
                    "source",
                    "string",
                    _(
                        "kolada (imported from Kolada), organisation (measured by a committee or "
                        "company, which reports the values) or other (another named source)."
                    ),
                    required=True,
                    enum=tuple(IndicatorSource.values),
                ),
                Column("kolada_kpi", "string", _("The key figure's id in Kolada, e.g. N00401.")),
                Column(
                    "measured_by",
                    "string",
                    _("The organisation that measures it (its slug in the organisations file)."),
                ),
                Column("source_name", "string", _("The name of another source, e.g. SCB.")),
                Column("source_url", "string", _("The address of the source.")),
                Column(
                    "breakdowns",
                    "list",
                    _("How its values are also split besides the total: gender (women and men)."),
                    item_type="string",
                ),
                Column(
                    "council_goals",
                    "list",
                    _("The council goals it follows up, each as budget year/code, e.g. 2018/1.2."),
                    item_type="string",
                ),
                Column(
                    "assignments",
                    "list",
                    _(
                        "The assignments it follows up, each as budget year/code (the "
                        "assignments file's budget_year and code)."
                    ),
                    item_type="string",
                ),
                Column(
                    "sdg_targets",
                    "list",
                    _("The Agenda 2030 targets it follows up, by code."),
                    item_type="string",
                ),
                Column(
                    "mdg_targets",
                    "list",
                    _("The Millennium Development Goal targets it follows up, by code."),
                    item_type="string",
                ),
                Column("latest_year", "integer", _("The year of its latest total value.")),
                Column("latest_value", "number", _("Its latest total value.")),
                Column(
                    "progress",
                    "string",
                    _(
                        "How far it has come towards its target: reached, substantial, moderate, "
                        "limited, moving_away or not_enough_data (the method is explained on "
                        "the indicator's page)."
                    ),
                    required=True,
                    enum=tuple(ProgressLevel.values),
                ),
                Column(
                    "progress_overridden",
                    "boolean",
                    _("true where the sustainability office set the progress by hand."),
                    required=True,
                ),
                Column(
                    "progress_note", "string", _("The office's note on a progress set by hand.")
                ),
                Column("url", "string", _("The indicator's public page.")),
            ),
            rows=_indicator_rows,
            count=lambda: Indicator.objects.count(),
            primary_key=("code",),
            foreign_keys=(
                {
                    "fields": ["measured_by"],
                    "reference": {"resource": "organisations", "fields": ["slug"]},
                },
            ),
        ),
        Dataset(
            name="indicator-values",
            title=_("Indicator values"),
            description=_(
                "The values of the indicators, one row for each value: for a year or a "
                "reporting period, for the total or one category of a breakdown, with where "
                "it comes from. Values that committees and companies report are here once "
                "their report has been published."
            ),
            columns=(
                Column(
                    "indicator_code",
                    "string",
                    _("The indicator's code (the indicators file's code)."),
                    required=True,
                ),
                Column("year", "integer", _("The year the value describes."), required=True),
                Column(
                    "period",
                    "string",
                    _("The reporting period a reported value is for; empty for a yearly value."),
                ),
                Column(
                    "breakdown",
                    "string",
                    _("The breakdown, e.g. gender; empty for the total."),
                    enum=tuple(BREAKDOWNS),
                ),
                Column(
                    "category",
                    "string",
                    _("The category of the breakdown, e.g. women or men; empty for the total."),
                    enum=tuple(
                        sorted({name for _label, names in BREAKDOWNS.values() for name in names})
                    ),
                ),
                Column("value", "number", _("The value."), required=True),
                Column("unit", "string", _("The indicator's unit.")),
                Column(
                    "origin",
                    "string",
                    _(
                        "kolada (imported from Kolada), report (a published report) or import "
                        "(a file the sustainability office imported)."
                    ),
                    required=True,
                    enum=tuple(ValueOrigin.values),
                ),
                Column(
                    "source",
                    "string",
                    _(
                        "Whom to name as the source: Kolada for Kolada's values, else the "
                        "reporting organisation or the indicator's source."
                    ),
                ),
                Column("note", "string", _("A note on the value.")),
                Column(
                    "published_at",
                    "datetime",
                    _("When the value was published or last changed (UTC)."),
                    required=True,
                ),
            ),
            rows=_indicator_value_rows,
            count=lambda: IndicatorValue.objects.count(),
            primary_key=("indicator_code", "year", "period", "breakdown", "category"),
            foreign_keys=({"fields": ["indicator_code"], "reference": INDICATOR_KEY},),
            sources=(KOLADA_SOURCE,),
            licenses=(CC0, KOLADA_TERMS),
            rights=KOLADA_RULE,
            attribution=KOLADA_ATTRIBUTION,
        ),
    )
}


# Writing the files


def _iso_datetime(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _decimal_text(value: decimal.Decimal) -> str:
    """A decimal as it is, without the trailing zeros of the column's fixed places."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return _decimal_text(value)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, datetime.datetime):
        return _iso_datetime(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        # A JSON number: a whole number as one, else the nearest float (exact for the
        # fifteen significant digits a key figure may have).
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime):
        return _iso_datetime(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class _Echo:
    """A file-like object whose write() hands back what csv.writer gives it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(dataset: Dataset, request: HttpRequest) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(dataset.column_names)
    texts = [column.is_text for column in dataset.columns]
    for row in dataset.rows(request):
        yield writer.writerow(
            [
                formula_safe(cell) if is_text else cell
                for cell, is_text in zip(map(_csv_cell, row), texts, strict=True)
            ]
        )


def json_lines(dataset: Dataset, request: HttpRequest) -> Iterator[str]:
    names = dataset.column_names
    separator = "[\n"
    for row in dataset.rows(request):
        record = {name: _json_value(value) for name, value in zip(names, row, strict=True)}
        yield separator + json.dumps(record, ensure_ascii=False)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"
