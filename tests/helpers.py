"""
Helpers that tests in several rooms share: the project's folder, test files, and processes
started with the production settings. Not a test module: nothing here is collected.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from assignments import services
from assignments.models import Organisation, Report
from goals.models import GlobalGoal, GlobalTarget
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = ROOT / ".env.example"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# Processes of their own, with Django's settings read from the environment


def production_environment() -> dict[str, str]:
    """The process environment with the production values that .env.example shows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    for line in PRODUCTION_ENV.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            # Quoted as a shell reads it (CI sources the file): the quotes are not the value.
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            env[key] = value
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def python(code: str, *, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run Python code in a process of its own with Django's settings read from env."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "malmo_portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# Reports in every state, each with its own text (open data, feeds, sitemap)


# Text that must never leave the portal: it is in no published version.
UNPUBLISHED_MARKERS = (
    "DRAFTONLY",
    "SUBMITTEDONLY",
    "RETURNEDONLY",
    "APPROVEDONLY",
    "CORRECTIONONLY",
    "REAPPROVEDONLY",
)
PUBLISHED_MARKERS = ("PUBLISHEDFIRST", "PUBLISHEDREOPENED", "PUBLISHEDREAPPROVED")


def content(marker: str, percent: int = 50) -> dict:
    return {
        "progress": "on_track",
        "percent_complete": percent,
        "summary": f"{marker} sammanfattning",
        "narrative": f"{marker} redogörelse",
        "global_goals_integration": f"{marker} integrering",
        "next_steps": f"{marker} nästa steg",
        "obstacles": f"{marker} hinder",
    }


def target(code: str) -> GlobalTarget:
    return GlobalTarget.objects.get(goal__framework="sdg", code=code)


@dataclass
class Workflow:
    """Makes reports through the services, as staff would, up to a given state."""

    organisation: Organisation
    period: object
    reporter: object
    reviewer: object

    def report(
        self, marker: str, *, until: str, targets=(), assignment=None, values=None
    ) -> Report:
        return factories.make_report(
            status=until,
            assignment=assignment
            or factories.make_assignment(
                budget=self.period.budget, organisations=[self.organisation]
            ),
            organisation=self.organisation,
            period=self.period,
            reporter=self.reporter,
            reviewer=self.reviewer,
            content=content(marker),
            targets=[target(code) for code in targets],
            values=values,
        )

    def correct(self, report: Report, marker: str, *, targets=(), until: str = "draft") -> Report:
        """Reopen a published report and write a correction, taken as far as ``until``."""
        services.reopen_report(report=report, by=self.reviewer, note="Rätta siffrorna.")
        services.save_report(
            report=report,
            by=self.reporter,
            content=content(marker, percent=90),
            targets=[target(code) for code in targets],
        )
        if until == "approved":
            services.submit_report(report=report, by=self.reporter)
            services.approve_report(report=report, by=self.reviewer)
        report.refresh_from_db()
        return report


def make_reports_in_every_state(workflow: Workflow) -> dict[str, Report]:
    """One report in each state, each with its own text; corrections never published."""
    reports = {
        state: workflow.report(f"{state.upper()}ONLY", until=state, targets=["13.1"])
        for state in ("draft", "submitted", "returned", "approved")
    }
    reports["published"] = workflow.report("PUBLISHEDFIRST", until="published", targets=["11.6"])
    reopened = workflow.report("PUBLISHEDREOPENED", until="published", targets=["11.6"])
    reports["reopened"] = workflow.correct(reopened, "CORRECTIONONLY", targets=["13.1"])
    reapproved = workflow.report("PUBLISHEDREAPPROVED", until="published", targets=["11.6"])
    reports["reapproved"] = workflow.correct(
        reapproved, "REAPPROVEDONLY", targets=["13.1"], until="approved"
    )
    partnership = GlobalGoal.objects.get(framework="mdg", number=8)
    for report in reports.values():
        report.assignment.global_goals.add(partnership)
    return reports
