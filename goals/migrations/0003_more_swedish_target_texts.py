"""
Add the Swedish texts of Agenda 2030 targets that ``goals/data/sdg_targets.csv`` gained after
0002 first loaded it, to databases made before (issue 19). The sources of the texts are in
``goals/data/SOURCES.md``.

Only a text that is still empty is filled in: a Swedish text or short title that staff have
written in the admin in the meantime is kept. Going back empties only the texts that are
still exactly the shipped ones, so staff's texts survive both ways.

The CSV file is read directly, not through the project's code, so that this migration keeps
working whatever becomes of that code. A fresh database gets these texts from 0002 already;
here they then change nothing.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "sdg_targets.csv"

# The targets whose Swedish text this migration adds (0002 loaded the others' texts).
TEXT_CODES = (
    "2.4", "2.5", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.a", "3.b", "3.d",
    "4.6", "4.7", "5.a", "6.3", "6.4", "8.3", "8.4", "8.5", "8.7", "8.8", "9.2", "9.3",
    "9.5", "10.5", "10.7", "10.c", "11.4", "11.7", "12.c", "14.4", "14.5", "14.6", "14.b",
    "15.1", "15.2", "15.5", "15.6", "15.7", "15.8", "15.b", "16.a", "17.2", "17.12",
)  # fmt: skip

# The targets whose Swedish short title this migration adds.
SHORT_TITLE_CODES = (
    "2.4", "2.5", "4.6", "4.7", "5.a", "6.3", "6.4", "8.4", "8.5", "8.7", "8.8", "9.2",
    "9.3", "9.5", "10.5", "10.7", "10.c", "11.4", "11.7", "12.c", "14.4", "14.5", "14.6",
    "14.b", "15.1", "15.2", "15.5", "15.6", "15.7", "15.8", "15.b", "17.2", "17.12",
)  # fmt: skip


def _shipped(field, codes):
    """``{code: text}`` of ``field`` in the shipped CSV, for the given target codes."""
    with open(DATA_FILE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = {row["number"].strip(): row[field].strip() for row in rows}
    return {code: texts[code] for code in codes if texts.get(code)}


def _sdg_target(apps, code):
    GlobalTarget = apps.get_model("goals", "GlobalTarget")
    return GlobalTarget.objects.filter(goal__framework="sdg", code=code)


def fill(apps, schema_editor):
    for field, codes in (("text_sv", TEXT_CODES), ("short_title_sv", SHORT_TITLE_CODES)):
        for code, text in _shipped(field, codes).items():
            _sdg_target(apps, code).filter(**{field: ""}).update(**{field: text})


def empty(apps, schema_editor):
    for field, codes in (("text_sv", TEXT_CODES), ("short_title_sv", SHORT_TITLE_CODES)):
        for code, text in _shipped(field, codes).items():
            _sdg_target(apps, code).filter(**{field: text}).update(**{field: ""})


class Migration(migrations.Migration):
    dependencies = [("goals", "0002_global_frameworks")]

    operations = [migrations.RunPython(fill, empty)]
