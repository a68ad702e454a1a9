"""
``Report.objects.public()``: the one way the public pages, the open data and the feeds read
reports, and why a draft cannot leak through it.
"""

import ast
from pathlib import Path

import pytest
from django.template import Context, Template

from assignments import services
from assignments.models import PRIVATE_REPORT_FIELDS, PrivateReportFieldError, Report
from tests.helpers import ROOT


@pytest.fixture
def corrected(world, django_capture_on_commit_callbacks):
    """The world's published report, reopened and rewritten: its working text is private."""
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_report(report=world.published, by=world.reviewer, note="Rätta.")
        services.save_report(
            report=world.published,
            by=world.reporter,
            content={"summary": "Hemlig rättelse."},
        )
    return Report.objects.get(pk=world.published.pk)


def test_public_holds_the_reports_with_a_public_version_only(world, corrected):
    public = set(Report.objects.public().values_list("pk", flat=True))

    assert public == {corrected.pk}
    assert corrected.status == "returned"  # reopened: still public in its published version
    assert world.draft.pk not in public and world.submitted.pk not in public


def test_a_public_report_shows_its_published_version_and_refuses_its_working_text(corrected):
    report = Report.objects.public().select_related("published_version").get()

    assert report.published_version.summary == "Publicerad text."
    for name in sorted(PRIVATE_REPORT_FIELDS):
        with pytest.raises(PrivateReportFieldError):
            getattr(report, name)
    # Nor through a template, which would otherwise load the field quietly.
    with pytest.raises(PrivateReportFieldError):
        Template("{{ report.summary }}").render(Context({"report": report}))
    assert Template("{{ report.published_version.summary }}").render(
        Context({"report": report})
    ) == ("Publicerad text.")


@pytest.mark.parametrize(
    "query",
    [
        lambda reports: reports.only("pk", "summary"),
        lambda reports: reports.values("pk", "narrative"),
        lambda reports: reports.values_list("review_note"),
        lambda reports: reports.values(),
        lambda reports: reports.values_list(),
        lambda reports: reports.defer(None),
        lambda reports: reports.filter(pk__gt=0).only("progress"),
    ],
    ids=["only", "values", "values_list", "values()", "values_list()", "defer(None)", "chained"],
)
def test_the_public_queryset_refuses_to_read_a_private_field(world, query):
    with pytest.raises(PrivateReportFieldError):
        query(Report.objects.public())


def test_the_public_queryset_reads_the_published_versions_fields(world, corrected):
    rows = list(
        Report.objects.public().values_list("pk", "published_version__summary", "published_at")
    )

    assert [(pk, summary) for pk, summary, _at in rows] == [(corrected.pk, "Publicerad text.")]


def test_reports_outside_the_public_queryset_still_load_their_fields(corrected):
    """The guard is the public queryset's only: the reporters' pages read the working text."""
    assert Report.objects.get(pk=corrected.pk).summary == "Hemlig rättelse."
    assert Report.objects.only("summary").get(pk=corrected.pk).summary == "Hemlig rättelse."


def _report_queries_outside_public(path: Path, root: Path = ROOT) -> list[str]:
    """Every ``Report.objects.<method>`` in a module whose method is not ``public``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "objects"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "Report"
            and node.attr != "public"
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno} Report.objects.{node.attr}")
    return found


def test_the_public_open_data_and_api_rooms_read_reports_only_through_public():
    modules = sorted(
        [
            *(ROOT / "assignments" / "public").glob("*.py"),
            *(ROOT / "assignments" / "opendata").glob("*.py"),
            *(ROOT / "assignments" / "api").glob("*.py"),
        ]
    )
    assert len(modules) >= 16
    offenders = [line for path in modules for line in _report_queries_outside_public(path)]

    assert offenders == []


def test_the_source_check_finds_a_query_that_bypasses_public(tmp_path):
    module = tmp_path / "page.py"
    module.write_text("def page():\n    return Report.objects.filter(pk=1)\n")

    assert _report_queries_outside_public(module, root=tmp_path) == [
        "page.py:2 Report.objects.filter"
    ]
