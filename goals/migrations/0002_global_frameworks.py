"""
Load the UN Agenda 2030 goals (17) and targets (169) and the Millennium Development Goals (8)
and targets (21) in Swedish and English, from the CSV files in ``goals/data`` (their sources
are in ``goals/data/SOURCES.md``). A missing Swedish text stays empty and is shown in English.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _position(code):
    suffix = code.split(".", 1)[1]
    if suffix.isdigit():
        return int(suffix)
    return 100 + ord(suffix.lower()) - ord("a") + 1


def load(apps, schema_editor):
    GlobalGoal = apps.get_model("goals", "GlobalGoal")
    GlobalTarget = apps.get_model("goals", "GlobalTarget")

    goals = {}
    for row in _rows("sdg_goals.csv"):
        goal = GlobalGoal.objects.create(
            framework="sdg",
            number=int(row["number"]),
            title_sv=row["title_sv"].strip(),
            title_en=row["title_en"].strip(),
            text_sv=row["text_sv"].strip(),
            text_en=row["text_en"].strip(),
            colour=row["colour"].strip().upper(),
        )
        goals["sdg", goal.number] = goal
    for row in _rows("mdg_goals.csv"):
        goal = GlobalGoal.objects.create(
            framework="mdg",
            number=int(row["number"]),
            title_sv=row["title_sv"].strip(),
            title_en=row["title_en"].strip(),
        )
        goals["mdg", goal.number] = goal

    targets = [
        GlobalTarget(
            goal=goals["sdg", int(row["goal"])],
            code=row["number"].strip(),
            position=_position(row["number"].strip()),
            text_sv=row["text_sv"].strip(),
            text_en=row["text_en"].strip(),
            short_title_sv=row["short_title_sv"].strip(),
        )
        for row in _rows("sdg_targets.csv")
    ]
    targets += [
        GlobalTarget(
            goal=goals["mdg", int(row["goal"])],
            code=row["number"].strip(),
            position=_position(row["number"].strip()),
            text_sv=row["text_sv"].strip(),
            text_en=row["text_en"].strip(),
            note_en=row["note_en"].strip(),
        )
        for row in _rows("mdg_targets.csv")
    ]
    GlobalTarget.objects.bulk_create(targets)


def unload(apps, schema_editor):
    apps.get_model("goals", "GlobalGoal").objects.filter(framework__in=["sdg", "mdg"]).delete()


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
