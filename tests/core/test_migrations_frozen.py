"""
Migrations are history: they import Django and the standard library only, never the
project's own code, which moves and changes while what a migration does must not. And the
data migrations that fill in the publication facts (0006), the published contributions
(0007) and the published report counts (0011) do so for a report published before they
existed.
"""

from __future__ import annotations

import ast
import datetime
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.helpers import ROOT

MIGRATION_DIRS = [ROOT / "assignments" / "migrations", ROOT / "goals" / "migrations"]
PROJECT_PACKAGES = {"assignments", "goals", "malmo_portal"}

# The one reference to project code that Django itself writes into a migration: a callable
# ``upload_to`` is serialized as a reference to its module, so 0001 names
# ``assignments.models.attachment_upload_to``. It must stay importable from there (or 0001
# be edited by hand to a frozen copy); nothing else of the project may be used.
KNOWN_REFERENCES = {
    ("assignments/migrations/0001_initial.py", "assignments.models"): {
        "assignments.models.attachment_upload_to"
    },
}


def migration_files() -> list[Path]:
    files = sorted(path for folder in MIGRATION_DIRS for path in folder.glob("*.py"))
    assert len(files) > 8, "the migrations were found"
    return files


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (functions too), with its line."""
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from ..models import y
                modules.append((node.lineno, "." * node.level + (node.module or "")))
            else:
                modules.append((node.lineno, node.module))
    return modules


def dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def allowed(module: str) -> bool:
    root = module.split(".")[0]
    return root in ("django", "__future__") or root in sys.stdlib_module_names


@pytest.mark.parametrize("path", migration_files(), ids=lambda path: path.name)
def test_a_migration_imports_django_and_the_standard_library_only(path):
    relative = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
    offending = [
        f"{relative}:{line}: imports {module}"
        for line, module in imported_modules(tree)
        if not allowed(module) and (relative, module) not in KNOWN_REFERENCES
    ]
    assert not offending, "migrations must not import project code:\n" + "\n".join(offending)


@pytest.mark.parametrize("known", sorted(KNOWN_REFERENCES), ids=lambda known: known[0])
def test_a_known_reference_to_project_code_is_used_for_nothing_else(known):
    relative, module = known
    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
    assert module in [m for _line, m in imported_modules(tree)], "stale entry: remove it"
    uses = set()
    for node in ast.walk(tree):
        name = dotted(node) if isinstance(node, ast.Attribute) else None
        if name and name.startswith(module + ".") and name.count(".") == module.count(".") + 1:
            uses.add(name)
    assert uses == KNOWN_REFERENCES[known]


# The data migrations 0006 and 0007

BEFORE = ("assignments", "0005_report_search_trigram")
AFTER = ("assignments", "0007_published_contributions")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_0006_and_0007_fill_in_a_report_published_before_them(reference_data):
    apps = migrate(BEFORE)
    try:
        GlobalTarget = apps.get_model("goals", "GlobalTarget")
        Budget = apps.get_model("goals", "Budget")
        Organisation = apps.get_model("assignments", "Organisation")
        Assignment = apps.get_model("assignments", "Assignment")
        ReportingPeriod = apps.get_model("assignments", "ReportingPeriod")
        Report = apps.get_model("assignments", "Report")
        ReportVersion = apps.get_model("assignments", "ReportVersion")
        ReportEvent = apps.get_model("assignments", "ReportEvent")

        targets = list(GlobalTarget.objects.filter(code__in=["11.6", "13.3"]).order_by("pk"))
        assert len(targets) == 2
        budget = Budget.objects.create(year=2031, title="Budget 2031")
        organisation = Organisation.objects.create(
            name="Miljönämnden", slug="miljonamnden", kind="namnd"
        )
        assignment = Assignment.objects.create(
            budget=budget, code="M1", title="Luftkvalitet", text="Förbättra luften."
        )
        periods = [
            ReportingPeriod.objects.create(
                budget=budget,
                name=name,
                opens_on=datetime.date(2031, month, 1),
                deadline=datetime.date(2031, month, 28),
            )
            for name, month in (("Delår", 3), ("Helår", 9))
        ]
        published_at = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)

        def report(period, *, publish):
            report = Report.objects.create(
                assignment=assignment, organisation=organisation, period=period
            )
            version = ReportVersion.objects.create(report=report, number=1, progress="at_risk")
            version.contributed_targets.set(targets)
            report.current_version = version
            if publish:
                report.status = "published"
                report.published_version = version
                ReportEvent.objects.create(
                    report=report,
                    action="published",
                    from_status="approved",
                    to_status="published",
                    version=version,
                    at=published_at,
                )
            else:
                report.status = "submitted"
            report.save()
            return report

        early = report(periods[0], publish=True)
        late = report(periods[1], publish=False)

        apps = migrate(AFTER)

        Report = apps.get_model("assignments", "Report")
        PublishedContribution = apps.get_model("assignments", "PublishedContribution")
        facts = {
            pk: (at, latest)
            for pk, at, latest in Report.objects.values_list(
                "pk", "published_at", "is_latest_published"
            )
        }
        assert facts == {early.pk: (published_at, True), late.pk: (None, False)}
        contributions = set(
            PublishedContribution.objects.values_list(
                "report", "target", "period", "assignment", "organisation", "progress"
            )
        )
        assert contributions == {
            (early.pk, target.pk, periods[0].pk, assignment.pk, organisation.pk, "at_risk")
            for target in targets
        }

        # Back to before them and forward again: the same facts, no duplicate rows.
        migrate(BEFORE)
        apps = migrate(AFTER)
        assert apps.get_model("assignments", "PublishedContribution").objects.count() == 2
    finally:
        MigrationExecutor(connection).migrate(leaves())


# The data migration 0011


@pytest.mark.django_db(transaction=True)
def test_0011_counts_the_reports_published_before_it():
    apps = migrate(("assignments", "0010_reviewers_manage_indicators"))
    try:
        Budget = apps.get_model("goals", "Budget")
        Organisation = apps.get_model("assignments", "Organisation")
        Assignment = apps.get_model("assignments", "Assignment")
        ReportingPeriod = apps.get_model("assignments", "ReportingPeriod")
        Report = apps.get_model("assignments", "Report")
        ReportVersion = apps.get_model("assignments", "ReportVersion")

        budget = Budget.objects.create(year=2031, title="Budget 2031")
        assignment = Assignment.objects.create(
            budget=budget, code="M1", title="Luftkvalitet", text="Förbättra luften."
        )
        periods = [
            ReportingPeriod.objects.create(
                budget=budget,
                name=name,
                opens_on=datetime.date(2031, month, 1),
                deadline=datetime.date(2031, month, 28),
            )
            for name, month in (("Delår", 3), ("Helår", 9))
        ]

        def report(slug, period, progress, *, latest, publish=True):
            organisation, _ = Organisation.objects.get_or_create(
                slug=slug, defaults={"name": slug, "kind": "namnd"}
            )
            report = Report.objects.create(
                assignment=assignment, organisation=organisation, period=period
            )
            version = ReportVersion.objects.create(report=report, number=1, progress=progress)
            report.current_version = version
            report.status = "published" if publish else "submitted"
            report.published_version = version if publish else None
            report.is_latest_published = latest
            report.save()

        report("miljo", periods[0], "at_risk", latest=False)
        report("miljo", periods[1], "on_track", latest=True)
        report("gata", periods[0], "on_track", latest=True)
        report("kultur", periods[0], "completed", latest=False, publish=False)

        apps = migrate(("assignments", "0011_published_report_counts"))

        PublishedReportCount = apps.get_model("assignments", "PublishedReportCount")
        assert set(
            PublishedReportCount.objects.values_list("period", "progress", "published", "latest")
        ) == {
            (periods[0].pk, "at_risk", 1, 0),
            (periods[0].pk, "on_track", 1, 1),
            (periods[1].pk, "on_track", 1, 1),
        }
    finally:
        MigrationExecutor(connection).migrate(leaves())
