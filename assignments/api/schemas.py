"""
The shapes of the public API's answers: Pydantic schemas that serialize every response and
from which the OpenAPI description is generated, so the two cannot disagree.

Every human text is a ``Text``: Swedish and English side by side, ``null`` where the text does
not exist in that language. Nothing is filled in from the other language; the city's own
texts (assignments, council goals, reports) are written in Swedish only, and the Agenda 2030
targets that have no official Swedish translation yet have ``sv: null``.

The descriptions are in English, the language of the OpenAPI description; they are marked
with ``gettext_noop`` so that the documentation page can show them in Swedish as well. A
schema's own description is its ``__doc__``, set as ``__doc__ = N_(...)`` for that reason: a
docstring would not be marked.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_noop as N_
from ninja import Field, Schema


class Text(Schema):
    __doc__ = N_("A text in Swedish and English; null where there is none in that language.")

    sv: str | None = Field(description=N_("In Swedish; null where there is no Swedish text."))
    en: str | None = Field(description=N_("In English; null where there is no English text."))


class Coded(Schema):
    __doc__ = N_("A value from a fixed list, with its label in both languages.")

    code: str = Field(description=N_("The value, as the filters take it."))
    label: Text


class Error(Schema):
    detail: str | list[dict] = Field(
        description=N_("What was wrong: a message, or one entry per invalid parameter.")
    )


class Page(Schema):
    count: int = Field(description=N_("How many objects match, on every page together."))
    limit: int = Field(description=N_("The page size asked for."))
    offset: int = Field(description=N_("How many matching objects come before this page."))
    next: str | None = Field(description=N_("The next page's address; null on the last page."))
    previous: str | None = Field(
        description=N_("The previous page's address; null on the first page.")
    )


# References: the few fields that name a related object, with its addresses.


class Linked(Schema):
    url: str = Field(description=N_("This object in the API."))
    page: Text | None = Field(
        description=N_("Its public page in Swedish and English; null where it has none.")
    )


class BudgetRef(Linked):
    year: int


class OrganisationRef(Linked):
    slug: str
    name: str = Field(description=N_("The organisation's name (in Swedish)."))


class CouncilGoalRef(Linked):
    id: int
    code: str = Field(description=N_("Goal area and goal number, e.g. 1.2."))


class AssignmentRef(Linked):
    id: int
    code: str
    title: Text


class PeriodRef(Linked):
    id: int
    name: Text
    deadline: datetime.date


class GoalRef(Linked):
    framework: str = Field(description=N_("sdg (Agenda 2030) or mdg (Millennium goals)."))
    number: int
    title: Text


class TargetRef(Linked):
    framework: str = Field(description=N_("sdg (Agenda 2030) or mdg (Millennium goals)."))
    code: str = Field(description=N_("The target's code, e.g. 11.6 or 7.a."))


class IndicatorRef(Linked):
    code: str = Field(description=N_("The indicator's code, e.g. N00401."))
    title: Text


# The objects


class GoalArea(Schema):
    number: int
    name: Text
    direction: Text


class Budget(BudgetRef):
    title: Text
    decision_reference: str = Field(description=N_("The council's decision; may be empty."))
    adopted_on: datetime.date | None
    direction: Text
    goal_areas: list[GoalArea]
    council_goals: str = Field(description=N_("Its council goals in the API."))
    assignments: str = Field(description=N_("Its assignments in the API."))
    periods: str = Field(description=N_("Its reporting periods in the API."))


class CouncilGoal(CouncilGoalRef):
    number: int
    text: Text
    budget: BudgetRef
    goal_area: GoalArea
    global_goals: list[GoalRef]
    assignments: str = Field(description=N_("Its assignments in the API."))


class Organisation(OrganisationRef):
    kind: Coded
    parent: OrganisationRef | None
    description: Text
    valid_from: datetime.date | None = Field(description=N_("Since when; null if not known."))
    valid_to: datetime.date | None = Field(description=N_("Until when; null while it exists."))
    assignments: str = Field(description=N_("Its assignments in the API."))
    reports: str = Field(description=N_("Its published reports in the API."))


class Assignment(AssignmentRef):
    text: Text = Field(description=N_("The assignment word for word."))
    budget: BudgetRef
    council_goal: CouncilGoalRef | None
    lead_organisations: list[OrganisationRef] = Field(
        description=N_("The organisations that lead the assignment.")
    )
    participating_organisations: list[OrganisationRef] = Field(
        description=N_("The organisations that take part.")
    )
    global_goals: list[GoalRef]
    global_targets: list[TargetRef]
    reports: str = Field(description=N_("Its published reports in the API."))


class Period(PeriodRef):
    budget: BudgetRef
    opens_on: datetime.date
    closed: bool = Field(description=N_("Closed early by the sustainability office."))
    reports: str = Field(description=N_("Its published reports in the API."))


class Attachment(Schema):
    name: str = Field(description=N_("The file's name."))
    content_type: str
    size: int = Field(description=N_("In bytes."))
    download: str = Field(description=N_("Where to download it."))


class Report(Linked):
    id: int
    assignment: AssignmentRef
    organisation: OrganisationRef
    period: PeriodRef
    version: int = Field(description=N_("The number of the published version."))
    published_at: datetime.datetime | None = Field(
        description=N_("When this version was published.")
    )
    is_latest: bool = Field(
        description=N_("Whether it is the organisation's latest published report on it.")
    )
    progress: Coded
    percent_complete: int | None = Field(description=N_("0–100; null where not given."))
    summary: Text
    narrative: Text
    global_goals_integration: Text
    next_steps: Text
    obstacles: Text
    contributed_targets: list[TargetRef]
    attachments: list[Attachment]


class Target(TargetRef):
    goal: GoalRef
    text: Text
    short_title: Text
    assignments: str = Field(description=N_("The assignments linked to it in the API."))


class Goal(GoalRef):
    text: Text = Field(description=N_("The goal's full title."))
    colour: str = Field(description=N_("Its official colour (#RRGGBB); may be empty."))
    targets: list[Target]
    assignments: str = Field(description=N_("The assignments linked to it in the API."))


# Indicators


class IndicatorPoint(Schema):
    __doc__ = N_("A value in time: the year it describes and the value.")

    year: int
    value: float


class IndicatorBaseline(IndicatorPoint):
    __doc__ = N_("The value progress is measured from.")

    note: Text


class IndicatorTarget(IndicatorPoint):
    __doc__ = N_("A value the indicator should reach by a year.")

    note: Text


class IndicatorSource(Schema):
    __doc__ = N_("Where the indicator's values come from.")

    kind: Coded = Field(
        description=N_(
            "kolada (imported from Kolada), organisation (measured and reported by a "
            "committee or company) or other (another named source)."
        )
    )
    kolada_kpi: str | None = Field(
        description=N_("The key figure's id in Kolada; null where the source is another.")
    )
    organisation: OrganisationRef | None = Field(
        description=N_("The organisation that measures it; null where none does.")
    )
    name: str | None = Field(description=N_("The name of another source, e.g. SCB."))
    website: str | None = Field(description=N_("The address of the source's own page."))


class Breakdown(Schema):
    __doc__ = N_("A way the values are split besides the total, with its categories.")

    dimension: Coded
    categories: list[Coded]


class IndicatorProgress(Schema):
    __doc__ = N_(
        "How far the indicator has come towards its target, with the figures it was computed "
        "from: the compound annual growth rate observed from the baseline to the latest value, "
        "compared with the rate needed to reach the target in time (the method of Open SDG, "
        "after Statistics Canada)."
    )

    level: Coded = Field(
        description=N_("reached, substantial, moderate, limited, moving_away or not_enough_data.")
    )
    overridden: bool = Field(
        description=N_("Whether the sustainability office set the level by hand.")
    )
    note: Text = Field(description=N_("The office's note on a level set by hand."))
    baseline: IndicatorPoint | None = Field(
        description=N_("The baseline, or else the first value; null without values.")
    )
    latest: IndicatorPoint | None = Field(description=N_("The latest value; null without one."))
    target: IndicatorPoint | None = Field(
        description=N_("The target measured against; null without one.")
    )
    observed_rate: float | None = Field(
        description=N_("The growth a year from the baseline to the latest value, e.g. 0.02.")
    )
    needed_rate: float | None = Field(
        description=N_("The growth a year needed from the baseline to reach the target.")
    )
    ratio: float | None = Field(description=N_("The observed rate divided by the needed rate."))


class IndicatorMeasurement(Schema):
    __doc__ = N_("A value of the indicator for a year or a reporting period.")

    year: int = Field(description=N_("The year the value describes."))
    period: PeriodRef | None = Field(
        description=N_("The reporting period of a reported value; null for a yearly value.")
    )
    value: float
    formatted: Text = Field(
        description=N_("The value as the portal shows it, with the indicator's decimals.")
    )


class IndicatorSeriesValue(IndicatorMeasurement):
    __doc__ = N_("One value of the indicator, for the total or one category of a breakdown.")

    breakdown: Coded | None = Field(
        description=N_("The breakdown, e.g. gender; null for the total.")
    )
    category: Coded | None = Field(
        description=N_("The category of the breakdown, e.g. women; null for the total.")
    )
    origin: Coded = Field(
        description=N_(
            "kolada (imported from Kolada), report (a published report) or import (a file the "
            "sustainability office imported)."
        )
    )
    source: str = Field(
        description=N_(
            "Whom to name as its source: Kolada for Kolada's values (its terms ask for "
            "“Källa: Kolada”), else the reporting organisation or the indicator's source."
        )
    )
    note: Text
    published_at: datetime.datetime = Field(
        description=N_("When it was published or last changed.")
    )
    report: str | None = Field(
        description=N_("The published report it was reported in, in the API; null for others.")
    )


class IndicatorValue(IndicatorSeriesValue):
    indicator: IndicatorRef
    unit: str = Field(description=N_("The indicator's unit; may be empty."))


class Indicator(IndicatorRef):
    definition: Text = Field(description=N_("What the indicator measures."))
    unit: str = Field(description=N_("The unit of its values, e.g. %; may be empty."))
    higher_is_better: bool = Field(
        description=N_("Whether a rising value is the improvement (false: a falling one).")
    )
    decimals: int = Field(description=N_("How many decimals the portal shows its values with."))
    baseline: IndicatorBaseline | None
    targets: list[IndicatorTarget] = Field(description=N_("Its targets, by year."))
    source: IndicatorSource
    breakdowns: list[Breakdown] = Field(
        description=N_("How its values are split besides the total.")
    )
    latest: IndicatorMeasurement | None = Field(
        description=N_("Its latest total value; null without values.")
    )
    trend: str | None = Field(
        description=N_(
            "The last change of the total: better, worse or unchanged; null with fewer than "
            "two values."
        )
    )
    progress: IndicatorProgress
    council_goals: list[CouncilGoalRef] = Field(description=N_("The council goals it follows up."))
    assignments: list[AssignmentRef] = Field(description=N_("The assignments it follows up."))
    global_targets: list[TargetRef] = Field(
        description=N_("The Agenda 2030 targets it follows up.")
    )
    values: str = Field(description=N_("Its values in the API."))


class IndicatorDetail(Indicator):
    series: list[IndicatorSeriesValue] = Field(
        description=N_(
            "All its values in time order: each year or period, the total before the "
            "categories of its breakdowns."
        )
    )


class Index(Schema):
    title: str
    documentation: Text
    openapi: str
    licence: str
    resources: dict[str, str]


# The pages of lists


class BudgetPage(Page):
    items: list[Budget]


class CouncilGoalPage(Page):
    items: list[CouncilGoal]


class OrganisationPage(Page):
    items: list[Organisation]


class AssignmentPage(Page):
    items: list[Assignment]


class PeriodPage(Page):
    items: list[Period]


class ReportPage(Page):
    items: list[Report]


class GoalPage(Page):
    items: list[Goal]


class TargetPage(Page):
    items: list[Target]


class IndicatorPage(Page):
    items: list[Indicator]


class IndicatorValuePage(Page):
    items: list[IndicatorValue]
