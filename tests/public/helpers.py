"""
Helpers of the public pages' tests: addresses, and reports made through the workflow for the
progress pages (``Reporting``) and the goal pages (``World``). Not a test module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assignments import services
from assignments.models import (
    Assignment,
    Organisation,
    Progress,
    Report,
    ReportingPeriod,
    ReportStatus,
    User,
)
from goals.models import GlobalTarget
from tests import factories
from tests.helpers import PDF


class Outline(HTMLParser):
    """Collects the parts of a page an accessibility check cares about: its tags with their
    attributes, and its heading levels in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def url(name: str, *args, language: str = "en", query: str = "") -> str:
    with translation.override(language):
        return reverse(name, args=args) + query


# Making reports through the workflow, as real use does


@dataclass
class Reporting:
    """Reports made through ``assignments.services``, with one reporter per organisation."""

    reviewer: User
    reporters: dict[int, User] = field(default_factory=dict)

    def reporter(self, organisation: Organisation) -> User:
        if organisation.pk not in self.reporters:
            self.reporters[organisation.pk] = factories.make_member(organisation)
        return self.reporters[organisation.pk]

    def write(
        self,
        report: Report,
        *,
        summary: str,
        progress: str = Progress.ON_TRACK,
        targets: list[str] = (),
        attachments: list[str] = (),
        **content,
    ) -> Report:
        reporter = self.reporter(report.organisation)
        report = services.save_report(
            report=report,
            by=reporter,
            content={"summary": summary, "progress": progress, **content},
            targets=GlobalTarget.objects.filter(goal__framework="sdg", code__in=targets),
        )
        for name in attachments:
            services.add_attachment(
                report=report, by=reporter, upload=SimpleUploadedFile(name, PDF)
            )
        return report

    def report(
        self,
        assignment: Assignment,
        organisation: Organisation,
        period: ReportingPeriod,
        *,
        status: str = ReportStatus.PUBLISHED,
        summary: str,
        progress: str = Progress.ON_TRACK,
        targets: list[str] = (),
        attachments: list[str] = (),
        **content,
    ) -> Report:
        """A report taken through the workflow to ``status``."""
        return factories.make_report(
            status=status,
            assignment=assignment,
            organisation=organisation,
            period=period,
            reporter=self.reporter(organisation),
            reviewer=self.reviewer,
            content={"summary": summary, "progress": progress, **content},
            targets=targets,
            attachments=attachments,
            note="Komplettera, tack.",
        )

    def advance(self, report: Report, status: str) -> Report:
        """Submit a written report and take it on to ``status``."""
        services.submit_report(report=report, by=self.reporter(report.organisation))
        if status == ReportStatus.RETURNED:
            services.return_report(report=report, by=self.reviewer, note="Komplettera, tack.")
        elif status in (ReportStatus.APPROVED, ReportStatus.PUBLISHED):
            services.approve_report(report=report, by=self.reviewer)
            if status == ReportStatus.PUBLISHED:
                services.publish_report(report=report, by=self.reviewer)
        return Report.objects.get(pk=report.pk)

    def reopen(self, report: Report) -> Report:
        services.reopen_report(report=report, by=self.reviewer, note="Rätta siffrorna.")
        return Report.objects.get(pk=report.pk)


# The goal pages


def target(code: str, framework: str = "sdg") -> GlobalTarget:
    return GlobalTarget.objects.get(goal__framework=framework, code=code)


class World:
    """A budget, a period, a reviewer, and organisations with reporters on demand."""

    def __init__(self) -> None:
        self.budget = factories.make_budget(year=2018)
        self.period = factories.make_period(budget=self.budget, name="Tertial 1")
        self.reviewer = factories.make_reviewer()
        self.reporters = {}

    def organisation(self, name: str):
        organisation = factories.make_organisation(name=name)
        self.reporters[organisation.pk] = factories.make_member(organisation)
        return organisation

    def assignment(self, organisations, *, goals=(), targets=(), **fields):
        assignment = factories.make_assignment(
            budget=self.budget, organisations=organisations, **fields
        )
        assignment.global_goals.set(goals)
        assignment.global_targets.set(targets)
        return assignment

    def report(
        self,
        assignment,
        organisation,
        *,
        targets,
        status=ReportStatus.PUBLISHED,
        progress=Progress.ON_TRACK,
        period=None,
    ) -> Report:
        """A report taken through the real workflow as far as ``status``."""
        return factories.make_report(
            status=status,
            assignment=assignment,
            organisation=organisation,
            period=period or self.period,
            reporter=self.reporters[organisation.pk],
            reviewer=self.reviewer,
            content={"summary": "Arbetet pågår.", "progress": progress},
            targets=targets,
            note="Mer.",
        )

    def resubmit_corrected(self, report: Report, *, targets, progress) -> Report:
        """Reopen a published report and submit a correction: new targets and progress."""
        reporter = self.reporters[report.organisation_id]
        services.reopen_report(report=report, by=self.reviewer, note="Rätta delmålen.")
        report = services.save_report(
            report=report, by=reporter, content={"progress": progress}, targets=targets
        )
        services.submit_report(report=report, by=reporter)
        report.refresh_from_db()
        return report


# What ``detail_rows.TargetRow`` and ``GoalRow`` hold, as the ORM names the fields: for tests
# that read the rows the pages' SQL reads (``public/sql.py``) through the ORM.
TARGET_ROW_FIELDS = ("code", "text_sv", "text_en", "goal__framework", "goal__number", "goal_id")
GOAL_ROW_FIELDS = ("framework", "number", "title_sv", "title_en")
