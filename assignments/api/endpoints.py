"""
The public API, version 1: the portal's public data as read-only JSON at ``/api/v1/``.

Built with django-ninja: each operation declares its parameters and its answers as Pydantic
schemas (``schemas.py``); the same schemas validate every response and make the OpenAPI 3.1
description at ``/api/v1/openapi.json``, which the documentation page renders and the tests
generate requests from (schemathesis).

- Read-only and public: reports only through ``Report.objects.public()``, with their published
  version's content; nothing else about a report leaves the portal. Indicator values are the
  public ``IndicatorValue``; the values reporters give are among them once their report is
  published, and are never read here before.
- Lists are paged (``limit``, at most ``MAX_LIMIT``, and ``offset``), in a fixed order, and
  take only the filters they name: an unknown parameter, a filter value that names nothing, a
  wrong type or a page past the end is a 400 or 404 with a JSON body, never a 500.
- Answers to anonymous readers are public pages (``assignments.caching``): cached until the
  next publication, with ``ETag`` and ``Last-Modified`` for conditional requests. CORS is open
  for reading (``CORS_*`` in the settings).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Exists, Model, OrderBy, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_noop as N_
from ninja import NinjaAPI, Path, Query
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer
from pydantic import AfterValidator, WithJsonSchema

from assignments.caching import public_page
from assignments.models import (
    BREAKDOWNS,
    INDICATOR_CODE_PATTERN,
    INDICATOR_YEAR_MAX,
    INDICATOR_YEAR_MIN,
    Assignment,
    Indicator,
    IndicatorSource,
    IndicatorValue,
    Organisation,
    OrganisationKind,
    Progress,
    ProgressLevel,
    PublishedContribution,
    Report,
    ReportingPeriod,
    ValueOrigin,
    published_report_count,
    value_time_order,
)
from assignments.selectors import prefetch
from assignments.selectors.assignments import in_list_order
from assignments.selectors.indicators import summarise, with_series, with_sources
from assignments.selectors.pages import read_page
from goals import models as goals_models
from goals.models import Budget, CouncilGoal, Framework, GlobalGoal, GlobalTarget

from . import schemas
from .addresses import Addresses
from .serializers import Data, Serializer

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Renderer(JSONRenderer):
    """JSON in UTF-8 as it is, not with every letter outside ASCII escaped."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Renderer(),
    title=f"{settings.PORTAL_ORGANISATION_NAME}: sustainability assignments – public API",
    version="1",
    description=(
        "The published data of the portal: the city council's budgets with their council "
        "goals and assignments to committees and companies, the reporting periods, the "
        "published reports on the assignments, the Agenda 2030 and Millennium goals "
        "and targets they are linked to, and the indicators that follow them up with their "
        "values over time. Read-only, without keys, under CC0 1.0; values whose source is "
        "Kolada keep Kolada's terms, which ask that the source be given as “Källa: "
        "Kolada”.\n\n"
        'Every text comes in Swedish and English (`{"sv": …, "en": …}`); `null` means '
        "that the text does not exist in that language: nothing is filled in from the "
        "other. Lists are paged with `limit` (at most 100) and `offset`, and take only the "
        "filters they list. Answers carry `ETag` and `Last-Modified` and answer conditional "
        "requests with 304 Not Modified; they change only when something is published."
    ),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)

ERRORS = {400: schemas.Error, 404: schemas.Error}


@api.exception_handler(ValidationError)
def bad_parameters(request: HttpRequest, exc: ValidationError):
    """A wrong type or value of a parameter: 400, with one entry per parameter."""
    errors = [
        {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": error["type"]}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": errors}, status=400)


def read(path: str, response: type, *, name: str, summary: str, description: str = ""):
    """
    A read-only operation: GET (and HEAD), public page caching, documented errors. It takes
    the query parameters its function declares (besides those of its path) and no other: an
    unknown one, a misspelt filter say, is a 400 rather than a list silently unfiltered.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        in_path = set(re.findall(r"{(\w+)}", path))
        in_query = set(inspect.signature(view).parameters) - {"request"} - in_path

        @functools.wraps(view)  # django-ninja reads the parameters through __wrapped__
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            _refuse_unknown(request, in_query)
            return view(request, *args, **kwargs)

        cached = decorate_view(public_page)(checked)
        return api.get(
            path,
            response={200: response, **ERRORS},
            url_name=name,
            operation_id=name,
            summary=summary,
            description=description,
            tags=[path.strip("/").split("/")[0]],
        )(cached)

    return decorate


# Parameters


def _refuse_unknown(request: HttpRequest, allowed: set[str]) -> None:
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise HttpError(
            400,
            f"Unknown parameter: {', '.join(unknown)}. "
            + (
                f"This address takes: {', '.join(sorted(allowed))}."
                if allowed
                else "This address takes none."
            ),
        )


def _page(
    request: HttpRequest,
    found: QuerySet | Sequence,
    serialize: Callable[[Any], Data],
    limit: int,
    offset: int,
    *,
    key_first: bool = False,
    count: int | None = None,
) -> Data:
    """One page of ``found``: a queryset (counted and sliced in the database) or a list;
    with ``key_first``, a queryset's page is chosen on the keys alone (``read_page``).
    ``count``, if given, is how many ``found`` has, stored (not counted again)."""
    if count is None:
        count = found.count() if isinstance(found, QuerySet) else len(found)
    if offset and offset >= count:
        raise HttpError(404, f"There is no page at offset {offset}: the list has {count}.")
    page = found[offset : offset + limit]
    if key_first:
        assert isinstance(found, QuerySet) and isinstance(page, QuerySet)
        page = read_page(page, found)
    items = [serialize(obj) for obj in page]

    def link(at: int) -> str:
        query = request.GET.copy()
        query["limit"] = str(limit)
        query["offset"] = str(at)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(offset - limit, 0)) if offset else None,
        "items": items,
    }


def _found(queryset: QuerySet, what: str, **lookup: Any) -> Any:
    """The one object of ``lookup``, or a 404 that names it (by the last lookup's value)."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise HttpError(404, f"There is no {what} {list(lookup.values())[-1]}.")
    return obj


def _known(model: type[Model], what: str, **lookup: Any) -> Any:
    """The object a filter names: as for an object asked for by its address, one that does
    not exist is a 404 (the list of a budget year that has no budget does not exist)."""
    return _found(model._default_manager.all(), what, **lookup)


def serializer(request: HttpRequest) -> Serializer:
    return Serializer(Addresses(request))


# The largest id the database's keys hold: a larger one is a 400, not a database error.
MAX_ID = 2_147_483_647


def IdPath(description: str) -> Any:
    """An object's id in the address."""
    return Path(..., ge=1, le=MAX_ID, description=description)


def IdFilter(description: str) -> Any:
    """A filter by a related object's id."""
    return Query(None, ge=1, le=MAX_ID, description=description)


Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=N_("Page size, 1–100."))
Offset = Query(0, ge=0, le=MAX_ID, description=N_("How many to skip."))
YearFilter = Query(
    None,
    ge=1990,
    le=2100,
    example=2018,
    description=N_("Only those of this budget year."),
)
SdgFilter = Query(None, ge=1, le=17, description=N_("Only those linked to this Agenda 2030 goal."))
MdgFilter = Query(None, ge=1, le=8, description=N_("Only those linked to this Millennium goal."))
# An organisation's slug (its SlugField holds at most 200 characters).
SLUG = r"^[-a-zA-Z0-9_]{1,200}$"
TARGET_CODE = f"^{goals_models.TARGET_CODE}$"
SdgTargetFilter = Query(
    None,
    pattern=TARGET_CODE,
    example="11.6",
    description=N_("Only those linked to this Agenda 2030 target, e.g. 11.6."),
)
MdgTargetFilter = Query(
    None,
    pattern=TARGET_CODE,
    example="7.A",
    description=N_("Only those linked to this Millennium target."),
)


# The index


@read("/", schemas.Index, name="index", summary=N_("What the API holds"))
def index(request: HttpRequest) -> Data:
    at = Addresses(request)
    names = (
        "budgets",
        "council_goals",
        "assignments",
        "organisations",
        "periods",
        "reports",
        "sdg_goals",
        "sdg_targets",
        "mdg_goals",
        "mdg_targets",
        "indicators",
        "indicator_values",
    )
    return {
        "title": api.title,
        "documentation": at.page("api_docs"),
        "openapi": at.api("openapi-json"),
        "licence": "https://creativecommons.org/publicdomain/zero/1.0/",
        "resources": {name: at.api(name) for name in names},
    }


# Budgets and council goals


def _budgets() -> QuerySet[Budget]:
    return Budget.objects.order_by("-year").prefetch_related("goal_areas")


@read("/budgets", schemas.BudgetPage, name="budgets", summary=N_("The budget years"))
def budgets(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Data:
    return _page(request, _budgets(), serializer(request).budget, limit, offset)


@read("/budgets/{year}", schemas.Budget, name="budget", summary=N_("A budget year"))
def budget(
    request: HttpRequest,
    year: int = Path(
        ..., ge=1990, le=2100, example=2018, description=N_("The budget year, e.g. 2018.")
    ),
) -> Data:
    return serializer(request).budget(_found(_budgets(), "budget for", year=year))


def _council_goals() -> QuerySet[CouncilGoal]:
    return (
        CouncilGoal.objects.select_related("area__budget")
        .prefetch_related(prefetch.global_goals())
        .order_by("-area__budget__year", "area__number", "number", "pk")
    )


@read(
    "/council-goals",
    schemas.CouncilGoalPage,
    name="council_goals",
    summary=N_("The council goals (kommunfullmäktigemål)"),
)
def council_goals(
    request: HttpRequest,
    budget: int | None = YearFilter,
    sdg: int | None = SdgFilter,
    limit: int = Limit,
    offset: int = Offset,
) -> Data:
    goals = _council_goals()
    if budget is not None:
        goals = goals.filter(area__budget=_known(Budget, "budget for", year=budget))
    if sdg is not None:
        goals = goals.filter(global_goals__framework=Framework.SDG, global_goals__number=sdg)
    return _page(request, goals, serializer(request).council_goal, limit, offset)


@read(
    "/council-goals/{id}",
    schemas.CouncilGoal,
    name="council_goal",
    summary=N_("A council goal"),
)
def council_goal(
    request: HttpRequest,
    id: int = IdPath(N_("The council goal's id.")),
) -> Data:
    return serializer(request).council_goal(_found(_council_goals(), "council goal", pk=id))


# Organisations


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent").order_by("name")


@read(
    "/organisations",
    schemas.OrganisationPage,
    name="organisations",
    summary=N_("The committees and companies"),
)
def organisations(
    request: HttpRequest,
    kind: OrganisationKind | None = Query(None, description=N_("Only those of this kind.")),
    limit: int = Limit,
    offset: int = Offset,
) -> Data:
    found = _organisations()
    if kind is not None:
        found = found.filter(kind=kind)
    return _page(request, found, serializer(request).organisation, limit, offset)


@read(
    "/organisations/{slug}",
    schemas.Organisation,
    name="organisation",
    summary=N_("A committee or company"),
)
def organisation(
    request: HttpRequest,
    slug: str = Path(
        ...,
        pattern=SLUG,
        description=N_("The organisation's slug, as in its address on the portal."),
    ),
) -> Data:
    return serializer(request).organisation(_found(_organisations(), "organisation", slug=slug))


# Assignments


def _assignments() -> QuerySet[Assignment]:
    return in_list_order(
        Assignment.objects.select_related("budget", "council_goal__area__budget").prefetch_related(
            prefetch.responsibilities(), prefetch.global_goals(), prefetch.global_targets()
        )
    )


def _target(framework: str, code: str) -> GlobalTarget:
    name = "Agenda 2030 target" if framework == Framework.SDG else "Millennium target"
    return _known(GlobalTarget, name, goal__framework=framework, code=code)


@read("/assignments", schemas.AssignmentPage, name="assignments", summary=N_("The assignments"))
def assignments(
    request: HttpRequest,
    budget: int | None = YearFilter,
    organisation: str | None = Query(
        None,
        pattern=SLUG,
        description=N_("Only those of this organisation (its slug), leading or taking part."),
    ),
    council_goal: int | None = IdFilter(N_("Only those under this council goal (id).")),
    sdg: int | None = SdgFilter,
    sdg_target: str | None = SdgTargetFilter,
    mdg: int | None = MdgFilter,
    mdg_target: str | None = MdgTargetFilter,
    limit: int = Limit,
    offset: int = Offset,
) -> Data:
    found = _assignments()
    if budget is not None:
        found = found.filter(budget=_known(Budget, "budget for", year=budget))
    if organisation is not None:
        chosen = _known(Organisation, "organisation", slug=organisation)
        found = found.filter(
            Exists(
                Assignment.organisations.through.objects.filter(
                    assignment=OuterRef("pk"), organisation=chosen
                )
            )
        )
    if council_goal is not None:
        found = found.filter(council_goal=_known(CouncilGoal, "council goal", pk=council_goal))
    goals = Assignment.global_goals.through.objects
    targets = Assignment.global_targets.through.objects
    for framework, number in ((Framework.SDG, sdg), (Framework.MDG, mdg)):
        if number is not None:
            found = found.filter(
                Exists(
                    goals.filter(
                        assignment=OuterRef("pk"),
                        globalgoal__framework=framework,
                        globalgoal__number=number,
                    )
                )
            )
    for framework, code in ((Framework.SDG, sdg_target), (Framework.MDG, mdg_target)):
        if code is not None:
            target = _target(framework, code)
            found = found.filter(
                Exists(targets.filter(assignment=OuterRef("pk"), globaltarget=target))
            )
    return _page(
        request,
        found,
        serializer(request).assignment,
        limit,
        offset,
        key_first=True,
    )


@read("/assignments/{id}", schemas.Assignment, name="assignment", summary=N_("An assignment"))
def assignment(
    request: HttpRequest,
    id: int = IdPath(N_("The assignment's id.")),
) -> Data:
    return serializer(request).assignment(_found(_assignments(), "assignment", pk=id))


# Reporting periods


def _periods() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.select_related("budget").order_by(
        "-budget__year", "deadline", "pk"
    )


@read("/periods", schemas.PeriodPage, name="periods", summary=N_("The reporting periods"))
def periods(
    request: HttpRequest, budget: int | None = YearFilter, limit: int = Limit, offset: int = Offset
) -> Data:
    found = _periods()
    if budget is not None:
        found = found.filter(budget=_known(Budget, "budget for", year=budget))
    return _page(request, found, serializer(request).period, limit, offset)


@read("/periods/{id}", schemas.Period, name="period", summary=N_("A reporting period"))
def period(
    request: HttpRequest,
    id: int = IdPath(N_("The reporting period's id.")),
) -> Data:
    return serializer(request).period(_found(_periods(), "reporting period", pk=id))


# Published reports


def _reports() -> QuerySet[Report]:
    return (
        Report.objects.public()
        .select_related("published_version", "assignment", "organisation", "period")
        .prefetch_related(prefetch.published_targets(), prefetch.published_attachments())
        .order_by("-published_at", "-pk")
    )


@read(
    "/reports",
    schemas.ReportPage,
    name="reports",
    summary=N_("The published reports"),
    description=N_(
        "Each report in the version the sustainability office published, newest first. "
        "Drafts, reports under review and corrections not yet published are never here."
    ),
)
def reports(
    request: HttpRequest,
    budget: int | None = YearFilter,
    organisation: str | None = Query(
        None,
        pattern=SLUG,
        description=N_("Only this organisation's (its slug)."),
    ),
    assignment: int | None = IdFilter(N_("Only those on this assignment (id).")),
    council_goal: int | None = IdFilter(
        N_("Only those on assignments under this council goal (id).")
    ),
    period: int | None = IdFilter(N_("Only those of this reporting period (id).")),
    sdg: int | None = Query(
        None, ge=1, le=17, description=N_("Only those contributing to this Agenda 2030 goal.")
    ),
    sdg_target: str | None = Query(
        None,
        pattern=TARGET_CODE,
        description=N_("Only those contributing to this Agenda 2030 target."),
    ),
    progress: Progress | None = Query(None, description=N_("Only those with this progress.")),
    latest: bool | None = Query(
        None,
        description=N_(
            "true: only each organisation's latest published report on each assignment."
        ),
    ),
    limit: int = Limit,
    offset: int = Offset,
) -> Data:
    found = _reports()
    # Every published report: counted from the periods' stored counts.
    unfiltered = request.GET.keys() <= {"limit", "offset"}
    if budget is not None:
        found = found.filter(period__budget=_known(Budget, "budget for", year=budget))
    if organisation is not None:
        found = found.filter(organisation=_known(Organisation, "organisation", slug=organisation))
    if assignment is not None:
        found = found.filter(assignment=_known(Assignment, "assignment", pk=assignment))
    if council_goal is not None:
        found = found.filter(
            assignment__council_goal=_known(CouncilGoal, "council goal", pk=council_goal)
        )
    if period is not None:
        found = found.filter(period=_known(ReportingPeriod, "reporting period", pk=period))
    contributions = PublishedContribution.objects.filter(report=OuterRef("pk"))
    if sdg is not None:
        found = found.filter(
            Exists(
                contributions.filter(
                    target__goal__framework=Framework.SDG, target__goal__number=sdg
                )
            )
        )
    if sdg_target is not None:
        found = found.filter(
            Exists(contributions.filter(target=_target(Framework.SDG, sdg_target)))
        )
    if progress is not None:
        found = found.filter(published_version__progress=progress)
    if latest is not None:
        found = found.filter(is_latest_published=latest)
    return _page(
        request,
        found,
        serializer(request).report,
        limit,
        offset,
        count=published_report_count() if unfiltered else None,
    )


@read(
    "/reports/{id}",
    schemas.Report,
    name="report",
    summary=N_("A published report"),
    description=N_("A report that has never been published is a 404."),
)
def report(
    request: HttpRequest,
    id: int = IdPath(N_("The report's id.")),
) -> Data:
    return serializer(request).report(_found(_reports(), "published report", pk=id))


# Agenda 2030 and the Millennium goals


def _goals(framework: str) -> QuerySet[GlobalGoal]:
    targets = GlobalTarget.objects.select_related("goal").order_by("position", "pk")
    return (
        GlobalGoal.objects.filter(framework=framework)
        .prefetch_related(Prefetch("targets", queryset=targets))
        .order_by("number")
    )


def _targets(framework: str) -> QuerySet[GlobalTarget]:
    return (
        GlobalTarget.objects.filter(goal__framework=framework)
        .select_related("goal")
        .order_by("goal__number", "position", "pk")
    )


def _goal_operations(framework: str, prefix: str, last: int, name: str, example: str) -> None:
    @read(
        f"/{prefix}/goals",
        schemas.GoalPage,
        name=f"{framework}_goals",
        summary=N_("The goals of Agenda 2030")
        if framework == Framework.SDG
        else N_("The Millennium Development Goals"),
    )
    def goals(request: HttpRequest, limit: int = Limit, offset: int = Offset) -> Data:
        return _page(request, _goals(framework), serializer(request).goal, limit, offset)

    @read(
        f"/{prefix}/goals/{{number}}",
        schemas.Goal,
        name=f"{framework}_goal",
        summary=N_("An Agenda 2030 goal with its targets")
        if framework == Framework.SDG
        else N_("A Millennium goal with its targets"),
    )
    def goal(
        request: HttpRequest,
        number: int = Path(..., ge=1, le=last, example=last, description=N_("The goal's number.")),
    ) -> Data:
        return serializer(request).goal(_found(_goals(framework), f"{name} goal", number=number))

    @read(
        f"/{prefix}/targets",
        schemas.TargetPage,
        name=f"{framework}_targets",
        summary=N_("The targets of Agenda 2030")
        if framework == Framework.SDG
        else N_("The Millennium targets"),
    )
    def targets(
        request: HttpRequest,
        goal: int | None = Query(None, ge=1, le=last, description=N_("Only this goal's.")),
        limit: int = Limit,
        offset: int = Offset,
    ) -> Data:
        found = _targets(framework)
        if goal is not None:
            found = found.filter(goal__number=goal)
        return _page(request, found, serializer(request).target, limit, offset)

    @read(
        f"/{prefix}/targets/{{code}}",
        schemas.Target,
        name=f"{framework}_target",
        summary=N_("An Agenda 2030 target")
        if framework == Framework.SDG
        else N_("A Millennium target"),
    )
    def target(
        request: HttpRequest,
        code: str = Path(
            ...,
            pattern=TARGET_CODE,
            example=example,
            description=N_("The target's code, e.g. 11.6 or 7.a."),
        ),
    ) -> Data:
        return serializer(request).target(_found(_targets(framework), f"{name} target", code=code))


_goal_operations(Framework.SDG, "sdg", 17, "Agenda 2030", "11.6")
_goal_operations(Framework.MDG, "mdg", 8, "Millennium", "7.A")


# Indicators


def one_of(values: Iterable[str]) -> WithJsonSchema:
    """A parameter that takes a value from a fixed list, described in place (the list's
    model enum has a docstring of its own, not a description for the API's readers)."""
    return WithJsonSchema({"type": "string", "enum": list(values)})


def member_of(values: Iterable[str]) -> AfterValidator:
    allowed = list(values)

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"Input should be one of: {', '.join(allowed)}")
        return value

    return AfterValidator(check)


TOTAL = "total"
BREAKDOWN_CODES = [TOTAL, *BREAKDOWNS]
CATEGORY_CODES = sorted({name for _label, names in BREAKDOWNS.values() for name in names})
LevelChoice = Annotated[ProgressLevel, one_of(ProgressLevel.values)]
SourceChoice = Annotated[IndicatorSource, one_of(IndicatorSource.values)]
OriginChoice = Annotated[ValueOrigin, one_of(ValueOrigin.values)]
BreakdownChoice = Annotated[str, one_of(BREAKDOWN_CODES), member_of(BREAKDOWN_CODES)]
CategoryChoice = Annotated[str, one_of(CATEGORY_CODES), member_of(CATEGORY_CODES)]
IndicatorFilter = Query(
    None,
    pattern=INDICATOR_CODE_PATTERN,
    example="N00401",
    description=N_("Only this indicator's (its code)."),
)


def _indicators() -> QuerySet[Indicator]:
    return with_series(
        Indicator.objects.select_related("measured_by")
        .prefetch_related(
            Prefetch(
                "council_goals",
                queryset=CouncilGoal.objects.select_related("area__budget").order_by(
                    "-area__budget__year", "area__number", "number", "pk"
                ),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.order_by("-budget__year", "code", "pk"),
            ),
            prefetch.global_targets(),
        )
        .order_by("code")
    )


@read(
    "/indicators",
    schemas.IndicatorPage,
    name="indicators",
    summary=N_("The indicators"),
    description=N_(
        "The key figures that follow up the council goals, assignments and Agenda 2030 "
        "targets, by code: each with its latest value and its progress towards its target."
    ),
)
def indicators(
    request: HttpRequest,
    council_goal: int | None = IdFilter(N_("Only those that follow up this council goal (id).")),
    assignment: int | None = IdFilter(N_("Only those that follow up this assignment (id).")),
    sdg: int | None = Query(
        None,
        ge=1,
        le=17,
        description=N_("Only those that follow up a target of this Agenda 2030 goal."),
    ),
    sdg_target: str | None = Query(
        None,
        pattern=TARGET_CODE,
        example="11.6",
        description=N_("Only those that follow up this Agenda 2030 target, e.g. 11.6."),
    ),
    source: SourceChoice | None = Query(
        None, description=N_("Only those whose values come from this kind of source.")
    ),
    progress: LevelChoice | None = Query(
        None, description=N_("Only those that have come this far towards their target.")
    ),
    limit: int = Limit,
    offset: int = Offset,
) -> Data:
    found = _indicators()
    links = Indicator.global_targets.through.objects.filter(indicator=OuterRef("pk"))
    if council_goal is not None:
        chosen = _known(CouncilGoal, "council goal", pk=council_goal)
        found = found.filter(
            Exists(
                Indicator.council_goals.through.objects.filter(
                    indicator=OuterRef("pk"), councilgoal=chosen
                )
            )
        )
    if assignment is not None:
        task = _known(Assignment, "assignment", pk=assignment)
        found = found.filter(
            Exists(
                Indicator.assignments.through.objects.filter(
                    indicator=OuterRef("pk"), assignment=task
                )
            )
        )
    if sdg is not None:
        found = found.filter(
            Exists(
                links.filter(
                    globaltarget__goal__framework=Framework.SDG, globaltarget__goal__number=sdg
                )
            )
        )
    if sdg_target is not None:
        found = found.filter(Exists(links.filter(globaltarget=_target(Framework.SDG, sdg_target))))
    if source is not None:
        found = found.filter(source=source)
    at = serializer(request)
    if progress is None:
        return _page(
            request, found, lambda indicator: at.indicator(summarise(indicator)), limit, offset
        )
    # The level is computed from each indicator's values: all that match are read, at once.
    summaries = [summarise(indicator) for indicator in found]
    matching = [summary for summary in summaries if summary.assessment.level == progress]
    return _page(request, matching, at.indicator, limit, offset)


@read(
    "/indicators/{code}",
    schemas.IndicatorDetail,
    name="indicator",
    summary=N_("An indicator with its values"),
    description=N_(
        "Its definition, baseline and targets, where its values come from, its progress with "
        "the figures it was computed from, and all its values."
    ),
)
def indicator(
    request: HttpRequest,
    code: str = Path(
        ...,
        pattern=INDICATOR_CODE_PATTERN,
        example="N00401",
        description=N_("The indicator's code, e.g. N00401."),
    ),
) -> Data:
    every_value = Prefetch(
        "values",
        queryset=with_sources(IndicatorValue.objects.all()).order_by(*VALUE_ORDER[1:]),
        to_attr="all_values",
    )
    found = _found(_indicators().prefetch_related(every_value), "indicator", code=code)
    return serializer(request).indicator_detail(summarise(found))


# Values in time order: yearly values before a period's of the same year, the total first.
VALUE_ORDER: tuple[str | OrderBy, ...] = (
    "indicator__code",
    *value_time_order(),
    "dimension",
    "category",
    "pk",
)


@read(
    "/indicator-values",
    schemas.IndicatorValuePage,
    name="indicator_values",
    summary=N_("The values of the indicators"),
    description=N_(
        "One value each, by indicator and in time order. A value a committee or company "
        "reports is here once its report has been published."
    ),
)
def indicator_values(
    request: HttpRequest,
    indicator: str | None = IndicatorFilter,
    year: int | None = Query(
        None,
        ge=INDICATOR_YEAR_MIN,
        le=INDICATOR_YEAR_MAX,
        example=2018,
        description=N_("Only the values for this year."),
    ),
    breakdown: BreakdownChoice | None = Query(
        None,
        description=N_("Only the totals (total), or only the values of this breakdown."),
    ),
    category: CategoryChoice | None = Query(
        None, description=N_("Only the values of this category of a breakdown.")
    ),
    origin: OriginChoice | None = Query(
        None, description=N_("Only the values that reached the portal this way.")
    ),
    limit: int = Limit,
    offset: int = Offset,
) -> Data:
    found = with_sources(IndicatorValue.objects.all()).order_by(*VALUE_ORDER)
    if indicator is not None:
        found = found.filter(indicator=_known(Indicator, "indicator", code=indicator))
    if year is not None:
        found = found.filter(year=year)
    if breakdown is not None:
        found = found.filter(dimension="" if breakdown == TOTAL else breakdown)
    if category is not None:
        found = found.filter(category=category)
    if origin is not None:
        found = found.filter(origin=origin)
    return _page(request, found, serializer(request).indicator_value, limit, offset)
