"""Plain factory functions for tests: each makes a valid object with sensible defaults."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from assignments import services
from assignments.models import (
    Assignment,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Report,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
    User,
    ValueOrigin,
)
from assignments.roles import REVIEWERS_GROUP
from goals.models import Budget, CouncilGoal, GlobalTarget, GoalArea

_seq = itertools.count(1)

PASSWORD = "correct-horse-battery-staple"


def make_user(*, username: str | None = None, **fields) -> User:
    username = username or f"user{next(_seq)}"
    fields.setdefault("email", f"{username}@malmo.example")
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def make_reviewer(**fields) -> User:
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    return user


def make_organisation(**fields) -> Organisation:
    n = next(_seq)
    fields.setdefault("name", f"Testnämnden {n}")
    fields.setdefault("slug", f"testnamnden-{n}")
    fields.setdefault("kind", OrganisationKind.NAMND)
    return Organisation.objects.create(**fields)


def make_member(organisation: Organisation, *, role=MembershipRole.REPORTER, **fields) -> User:
    user = make_user(**fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_budget(*, year: int | None = None, **fields) -> Budget:
    year = year or 2030 + next(_seq) % 60
    fields.setdefault("title", f"Budget {year}")
    return Budget.objects.create(year=year, **fields)


def make_council_goal(*, budget: Budget | None = None, **fields) -> CouncilGoal:
    budget = budget or make_budget()
    area, _ = GoalArea.objects.get_or_create(
        budget=budget, number=1, defaults={"name": "En hållbar stad"}
    )
    fields.setdefault("number", next(_seq))
    fields.setdefault("text", "Malmö ska vara en hållbar stad.")
    return CouncilGoal.objects.create(area=area, **fields)


def make_assignment(
    *, budget: Budget | None = None, organisations: list[Organisation] = (), **fields
) -> Assignment:
    budget = budget or make_budget()
    n = next(_seq)
    fields.setdefault("code", f"T{n}")
    fields.setdefault("title", f"Testuppdrag {n}")
    fields.setdefault("text", "Nämnden ges i uppdrag att pröva något nytt.")
    assignment = Assignment.objects.create(budget=budget, **fields)
    for organisation in organisations:
        Responsibility.objects.create(
            assignment=assignment, organisation=organisation, role=ResponsibilityRole.LEAD
        )
    return assignment


def make_period(*, budget: Budget | None = None, **fields) -> ReportingPeriod:
    budget = budget or make_budget()
    fields.setdefault("name", f"Tertial {next(_seq)}")
    fields.setdefault("opens_on", datetime.date(2000, 1, 1))
    fields.setdefault("deadline", datetime.date(2099, 12, 31))
    return ReportingPeriod.objects.create(budget=budget, **fields)


# Reports, through the workflow

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

DEFAULT_CONTENT = {"summary": "Arbetet går framåt.", "progress": "on_track"}

# Reopened: published, then reopened for a correction (status "returned", still public).
REOPENED = "reopened"
REPORT_STATES = (
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.APPROVED,
    ReportStatus.PUBLISHED,
    REOPENED,
)


def _targets(targets: Iterable[GlobalTarget | str]) -> list[GlobalTarget]:
    """Targets as given, a string being the code of an Agenda 2030 target ("11.6")."""
    return [
        GlobalTarget.objects.get(goal__framework="sdg", code=target)
        if isinstance(target, str)
        else target
        for target in targets
    ]


def make_report(
    *,
    status: str = ReportStatus.DRAFT,
    assignment: Assignment | None = None,
    organisation: Organisation | None = None,
    period: ReportingPeriod | None = None,
    reporter: User | None = None,
    reviewer: User | None = None,
    content: Mapping | None = None,
    targets: Iterable[GlobalTarget | str] | None = None,
    values: Iterable[services.ValueInput] | None = None,
    attachments: Iterable[str] = (),
    note: str = "Komplettera.",
    reopen_note: str = "Rätta siffrorna.",
    save: bool = True,
) -> Report:
    """
    A report brought to ``status`` the way reporters and reviewers bring it there: through
    ``assignments.services`` (create, save, submit, send back, approve, publish, reopen),
    never by setting a status. ``status`` is a ``ReportStatus`` or ``"reopened"``.

    Whatever is not given is made: the organisation, an assignment of its, a period of the
    assignment's budget, a reporter of the organisation and, past "submitted", a reviewer.
    ``content`` is what the reporter saves (DEFAULT_CONTENT if None), ``targets`` the targets
    it contributes to (GlobalTarget objects or Agenda 2030 codes; left alone if None),
    ``values`` its indicator values (``services.ValueInput``; left alone if None),
    ``attachments`` the names of PDF files attached before submitting. ``note`` is the
    reviewer's when sending back, ``reopen_note`` when reopening. ``save=False`` leaves a
    draft as created, never saved.
    """
    if status not in REPORT_STATES:
        raise ValueError(f"No such state: {status!r}; one of {REPORT_STATES}")
    if organisation is None:
        organisation = (
            assignment.responsibilities.first().organisation if assignment else make_organisation()
        )
    if assignment is None:
        budget = period.budget if period else None
        assignment = make_assignment(budget=budget, organisations=[organisation])
    period = period or make_period(budget=assignment.budget)
    reporter = reporter or make_member(organisation)
    report = services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )
    if save:
        report = services.save_report(
            report=report,
            by=reporter,
            content=content if content is not None else DEFAULT_CONTENT,
            targets=None if targets is None else _targets(targets),
            values=values,
        )
        for name in attachments:
            services.add_attachment(
                report=report, by=reporter, upload=SimpleUploadedFile(name, PDF)
            )
    elif content is not None or targets is not None or values is not None or attachments:
        raise ValueError("save=False makes a draft with nothing written in it")
    if status != ReportStatus.DRAFT:
        if not save:
            raise ValueError("Only a saved report, with its summary, can be submitted")
        services.submit_report(report=report, by=reporter)
        reviewer = reviewer or (make_reviewer() if status != ReportStatus.SUBMITTED else None)
        if status == ReportStatus.RETURNED:
            services.return_report(report=report, by=reviewer, note=note)
        elif status in (ReportStatus.APPROVED, ReportStatus.PUBLISHED, REOPENED):
            services.approve_report(report=report, by=reviewer)
            if status in (ReportStatus.PUBLISHED, REOPENED):
                services.publish_report(report=report, by=reviewer)
            if status == REOPENED:
                services.reopen_report(report=report, by=reviewer, note=reopen_note)
    return Report.objects.get(pk=report.pk)


# Indicators


def make_indicator(
    *,
    source: str = IndicatorSource.OTHER,
    targets: Mapping[int, Decimal | int | str] | None = None,
    assignments: Iterable[Assignment] = (),
    **fields,
) -> Indicator:
    """An indicator; ``targets`` maps a year to the value to reach by then."""
    n = next(_seq)
    fields.setdefault("code", f"IND{n}")
    fields.setdefault("title_sv", f"Nyckeltal {n}")
    fields.setdefault("title_en", f"Indicator {n}")
    fields.setdefault("unit", "%")
    if source == IndicatorSource.KOLADA:
        fields.setdefault("kolada_kpi", f"N{n % 100000:05d}")
    if source == IndicatorSource.ORGANISATION and "measured_by" not in fields:
        fields["measured_by"] = make_organisation()
    indicator = Indicator.objects.create(source=source, **fields)
    indicator.assignments.set(assignments)
    for year, value in (targets or {}).items():
        IndicatorTarget.objects.create(indicator=indicator, year=year, value=Decimal(value))
    return indicator


def add_values(
    indicator: Indicator,
    values: Mapping[int, Decimal | int | str],
    *,
    dimension: str = "",
    category: str = "",
    origin: str = ValueOrigin.IMPORT,
):
    """Yearly values of one series, saved through the import service as the office does."""
    return services.import_values(
        indicator=indicator,
        origin=origin,
        values=[
            services.ValueInput(
                indicator=indicator,
                year=year,
                value=Decimal(value),
                dimension=dimension,
                category=category,
            )
            for year, value in values.items()
        ],
    )
