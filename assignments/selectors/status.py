"""
Where every organisation's report on every assignment it answers for stands in a period.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assignments.models import (
    Assignment,
    Organisation,
    Report,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
)

# Who has reported

NOT_STARTED = "not_started"
# Reports that still have to be submitted: past the deadline, they are late.
OUTSTANDING = {NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED}


def status_choices() -> list[tuple[str, str]]:
    """The states a responsibility's report can be in, in workflow order."""
    return [(NOT_STARTED, _("Not started")), *ReportStatus.choices]


@dataclass(frozen=True)
class StatusLine:
    """One organisation's part in one assignment, and how far its report has come."""

    responsibility: Responsibility
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    past_deadline: bool
    report_id: int | None

    @property
    def organisation(self) -> Organisation:
        return self.responsibility.organisation

    @property
    def assignment(self) -> Assignment:
        return self.responsibility.assignment

    @property
    def is_lead(self) -> bool:
        return self.responsibility.role == ResponsibilityRole.LEAD

    @property
    def role_label(self) -> str:
        return self.responsibility.get_role_display()


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
    """Where every report of ``period`` stands; two queries, whatever the number of rows."""
    responsibilities = (
        Responsibility.objects.filter(assignment__budget_id=period.budget_id)
        .select_related("assignment", "organisation")
        .order_by("organisation__name", "assignment__code")
    )
    reports = {
        (report.assignment_id, report.organisation_id): report
        for report in Report.objects.filter(period=period).only(
            "pk", "assignment_id", "organisation_id", "status", "submitted_at"
        )
    }
    labels = dict(status_choices())
    deadline_passed = today > period.deadline
    lines = []
    for responsibility in responsibilities:
        report = reports.get((responsibility.assignment_id, responsibility.organisation_id))
        status = report.status if report else NOT_STARTED
        lines.append(
            StatusLine(
                responsibility=responsibility,
                status=status,
                status_label=labels[status],
                submitted_at=report.submitted_at if report else None,
                past_deadline=deadline_passed and status in OUTSTANDING,
                report_id=report.pk if report else None,
            )
        )

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
