"""
Where every organisation's report on every assignment it answers for stands: the one
reporting-status matrix. The reporters' "My assignments", the reviewers' "Who has reported"
and the deadline reminders all read it, so "who still owes a report" has one answer.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assignments.models import (
    EDITABLE_STATUSES,
    Assignment,
    Organisation,
    Report,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
)

NOT_STARTED = "not_started"
# Reports that still have to be submitted (none yet counts too): past the deadline, late.
OUTSTANDING = frozenset({NOT_STARTED, *EDITABLE_STATUSES})


def status_choices() -> list[tuple[str, str]]:
    """The states a responsibility's report can be in, in workflow order."""
    return [
        (NOT_STARTED, _("Not started")),
        *((v, str(label)) for v, label in ReportStatus.choices),
    ]


@dataclass(frozen=True)
class StatusLine:
    """One organisation's part in one assignment in one period, and how far its report has
    come."""

    responsibility: Responsibility
    period: ReportingPeriod
    report: Report | None
    status: str
    status_label: str
    past_deadline: bool

    @property
    def organisation(self) -> Organisation:
        return self.responsibility.organisation

    @property
    def assignment(self) -> Assignment:
        return self.responsibility.assignment

    @property
    def owes_report(self) -> bool:
        """No report submitted yet: none started, a draft, or sent back."""
        return self.status in OUTSTANDING

    @property
    def submitted_at(self) -> datetime.datetime | None:
        return self.report.submitted_at if self.report else None

    @property
    def report_id(self) -> int | None:
        return self.report.pk if self.report else None

    @property
    def is_lead(self) -> bool:
        return self.responsibility.role == ResponsibilityRole.LEAD

    @property
    def role_label(self) -> str:
        return self.responsibility.get_role_display()


# What a status line loads of its report: enough for every page that shows the matrix.
REPORT_FIELDS = (
    "pk",
    "assignment_id",
    "organisation_id",
    "period_id",
    "status",
    "submitted_at",
    "review_note",
    "updated_at",
)


def status_lines(
    periods: Iterable[ReportingPeriod],
    *,
    today: datetime.date,
    organisations: Iterable[Organisation] | None = None,
    active_on_deadline: bool = False,
) -> list[StatusLine]:
    """
    A line for every responsibility in the budget of each of ``periods`` (of
    ``organisations`` only, if given; of organisations that exist on the period's deadline
    only, if ``active_on_deadline``), with that organisation's report for the period.
    Period by period, then by organisation name and assignment code. Two queries, however
    many lines.
    """
    periods = list(periods)
    if not periods:
        return []
    responsibilities = (
        Responsibility.objects.filter(assignment__budget_id__in={p.budget_id for p in periods})
        .select_related("assignment", "organisation")
        .order_by("organisation__name", "assignment__code")
    )
    reports = Report.objects.filter(period__in=periods).only(*REPORT_FIELDS)
    if organisations is not None:
        organisations = list(organisations)
        responsibilities = responsibilities.filter(organisation__in=organisations)
        reports = reports.filter(organisation__in=organisations)
    report_by_key = {(r.assignment_id, r.organisation_id, r.period_id): r for r in reports}
    labels = dict(status_choices())
    lines = []
    for period in periods:
        deadline_passed = today > period.deadline
        for responsibility in responsibilities:
            if responsibility.assignment.budget_id != period.budget_id:
                continue
            if active_on_deadline and not responsibility.organisation.is_active_on(period.deadline):
                continue
            report = report_by_key.get(
                (responsibility.assignment_id, responsibility.organisation_id, period.pk)
            )
            status = report.status if report else NOT_STARTED
            lines.append(
                StatusLine(
                    responsibility=responsibility,
                    period=period,
                    report=report,
                    status=status,
                    status_label=labels.get(status, status),
                    past_deadline=deadline_passed and status in OUTSTANDING,
                )
            )
    return lines


@dataclass
class ReportingStatus:
    period: ReportingPeriod
    deadline_passed: bool
    lines: list[StatusLine]
    assignments: list[Assignment] = field(default_factory=list)
    # One row per organisation: the organisation, then its line for each assignment or None.
    rows: list[tuple[Organisation, list[StatusLine | None]]] = field(default_factory=list)
    counts: list[tuple[str, str, int]] = field(default_factory=list)
    past_deadline: int = 0


def reporting_status(period: ReportingPeriod, *, today: datetime.date) -> ReportingStatus:
    """Where every report of ``period`` stands, as a table of organisations × assignments
    with counts per state; two queries, whatever the number of rows."""
    lines = status_lines([period], today=today)
    deadline_passed = today > period.deadline
    result = ReportingStatus(period=period, deadline_passed=deadline_passed, lines=lines)
    assignments = {line.assignment.pk: line.assignment for line in lines}
    result.assignments = sorted(assignments.values(), key=lambda a: a.code)
    columns = {assignment.pk: i for i, assignment in enumerate(result.assignments)}
    by_organisation: dict[int, tuple[Organisation, list[StatusLine | None]]] = {}
    for line in lines:
        _organisation, cells = by_organisation.setdefault(
            line.organisation.pk, (line.organisation, [None] * len(columns))
        )
        cells[columns[line.assignment.pk]] = line
    result.rows = list(by_organisation.values())
    counted = Counter(line.status for line in lines)
    result.counts = [(value, label, counted[value]) for value, label in status_choices()]
    result.past_deadline = sum(line.past_deadline for line in lines)
    return result
