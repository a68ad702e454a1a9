"""
The Swedish texts of the Agenda 2030 targets (issue 19): what the shipped data holds, what
SOURCES.md says of it, what the migration adds to an existing database without touching
staff's texts, and what the Swedish pages show after a fresh `make run`.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from goals.models import Framework, GlobalTarget
from tests.helpers import ROOT

DATA = ROOT / "goals" / "data"

BEFORE = ("goals", "0002_global_frameworks")
MIGRATION = ("goals", "0003_more_swedish_target_texts")


def shipped_rows() -> dict[str, dict[str, str]]:
    with open(DATA / "sdg_targets.csv", encoding="utf-8", newline="") as f:
        return {row["number"].strip(): row for row in csv.DictReader(f)}


def stated_missing_count() -> int:
    """The number of targets without Swedish text that SOURCES.md states."""
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    counts = re.findall(r"Targets without Swedish text: (\d+) of 169", sources)
    assert len(counts) == 1, "SOURCES.md states the count once"
    return int(counts[0])


def sdg_targets():
    return GlobalTarget.objects.filter(goal__framework=Framework.SDG)


# The shipped data and SOURCES.md


def test_sources_states_how_many_targets_have_no_swedish_text():
    rows = shipped_rows()
    missing = [code for code, row in rows.items() if not row["text_sv"].strip()]

    assert len(rows) == 169
    assert len(missing) == stated_missing_count()
    assert 169 - len(missing) >= 102


def test_every_swedish_text_names_its_source():
    for code, row in shipped_rows().items():
        if row["text_sv"].strip():
            assert row["source_sv"].strip(), code
            assert row["text_sv_found"].startswith("yes"), code
        else:
            assert row["text_sv_found"] == "no", code


# The migration


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))


def migrate_to_the_latest():
    """Every app's latest migration again: going back to BEFORE also unapplies the
    migrations of other apps that depend on it (assignments' indicators do), which
    migrating forward to MIGRATION alone leaves out, for the tests that run after these."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_fills_empty_swedish_texts_and_keeps_staffs(reference_data):
    """A database made before the new texts: 0003 fills the gaps, not staff's texts."""
    rows = shipped_rows()
    migrate(BEFORE)
    try:
        # As the database was before: the texts 0003 adds are empty, except one that staff
        # wrote in the admin in the meantime.
        sdg_targets().filter(code__in=["3.4", "15.1", "17.2"]).update(text_sv="")
        sdg_targets().filter(code="15.1").update(short_title_sv="")
        staffs = "Bevara ekosystemen på land (text från staben)."
        sdg_targets().filter(code="17.2").update(text_sv=staffs, short_title_sv="Staben")
        # A text of the first load that staff have emptied is not the migration's to fill.
        sdg_targets().filter(code="1.1").update(text_sv="")

        migrate(MIGRATION)

        assert sdg_targets().get(code="3.4").text_sv == rows["3.4"]["text_sv"].strip()
        forest = sdg_targets().get(code="15.1")
        assert forest.text_sv == rows["15.1"]["text_sv"].strip()
        assert forest.short_title_sv == rows["15.1"]["short_title_sv"].strip()
        kept = sdg_targets().get(code="17.2")
        assert (kept.text_sv, kept.short_title_sv) == (staffs, "Staben")
        assert sdg_targets().get(code="1.1").text_sv == ""

        # Going back empties the shipped texts only.
        migrate(BEFORE)

        assert sdg_targets().get(code="3.4").text_sv == ""
        assert sdg_targets().get(code="15.1").short_title_sv == ""
        assert sdg_targets().get(code="17.2").text_sv == staffs
        assert sdg_targets().get(code="1.1").text_sv == ""
    finally:
        migrate_to_the_latest()


@pytest.mark.django_db(transaction=True)
def test_migration_changes_nothing_on_a_fresh_database(reference_data):
    before = list(sdg_targets().values_list("code", "text_sv", "short_title_sv"))
    try:
        migrate(BEFORE)
        migrate(MIGRATION)
        assert list(sdg_targets().values_list("code", "text_sv", "short_title_sv")) == before
    finally:
        migrate_to_the_latest()


@pytest.mark.django_db(transaction=True)
def test_the_migrations_leave_every_table_behind_them(reference_data):
    """The tests above go back and forth; the database after them has every table."""
    migrate(BEFORE)
    migrate_to_the_latest()
    from django.db.migrations.recorder import MigrationRecorder

    applied = set(MigrationRecorder(connection).applied_migrations())
    assert set(MigrationExecutor(connection).loader.graph.leaf_nodes()) <= applied
    assert "assignments_indicator" in connection.introspection.table_names()


# What the pages show after `make run`


TARGET_TEXT = re.compile(
    r'<(?:span|p) class="target-(?:list|contribution)__text">(<span lang="en">)?'
)


@pytest.mark.django_db
def test_swedish_pages_show_every_shipped_swedish_text_and_mark_the_rest(client, settings):
    settings.DEBUG = True  # seed_demo runs on development machines only
    call_command("load_malmo_2018", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    missing = stated_missing_count()

    assert sdg_targets().filter(text_sv="").count() == missing

    swedish = english_marked = 0
    for number in range(1, 18):
        with translation.override("sv"):
            page = reverse("goals_public:sdg_detail", args=[number])
        response = client.get(page)
        assert response.status_code == 200
        marks = TARGET_TEXT.findall(response.content.decode())
        english_marked += marks.count('<span lang="en">')
        swedish += marks.count("")
    assert swedish + english_marked == 169
    assert english_marked == missing
    assert swedish >= 102


# Where the portal credits its sources


def get_page(client, name: str, language: str) -> str:
    with translation.override(language):
        path = reverse(name)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_open_data_page_credits_statistics_sweden_in_both_languages(client):
    english = get_page(client, "opendata:index", "en")
    swedish = get_page(client, "opendata:index", "sv")

    assert "Statistics Sweden" in english and "SCB:s sidor" in swedish
    for html in (english, swedish):
        assert "Källa: SCB" in html
        assert "CC BY 4.0" in html
        assert 'href="https://creativecommons.org/licenses/by/4.0/' in html
        assert 'href="https://www.scb.se/hitta-statistik/temaomraden/agenda-2030/"' in html
