"""The global frameworks every database gets by migration."""

import csv
from collections import Counter

import pytest
from django.utils import translation

from goals.models import Framework, GlobalGoal, GlobalTarget
from tests.helpers import ROOT

DATA = ROOT / "goals" / "data"

# The number of targets of each SDG, from the UN resolution A/RES/70/1.
SDG_TARGETS_PER_GOAL = [7, 8, 13, 10, 9, 8, 5, 12, 8, 10, 10, 11, 5, 10, 12, 12, 19]
MDG_TARGETS_PER_GOAL = [3, 1, 1, 1, 2, 3, 4, 6]

SDG_COLOURS = {
    1: "#E5243B", 2: "#DDA63A", 3: "#4C9F38", 4: "#C5192D", 5: "#FF3A21", 6: "#26BDE2",
    7: "#FCC30B", 8: "#A21942", 9: "#FD6925", 10: "#DD1367", 11: "#FD9D24", 12: "#BF8B2E",
    13: "#3F7E44", 14: "#0A97D9", 15: "#56C02B", 16: "#00689D", 17: "#19486A",
}  # fmt: skip

pytestmark = pytest.mark.django_db


def test_there_are_17_sdgs_with_169_targets():
    assert list(GlobalGoal.objects.sdg().values_list("number", flat=True)) == list(range(1, 18))
    counts = Counter(
        GlobalTarget.objects.filter(goal__framework=Framework.SDG).values_list(
            "goal__number", flat=True
        )
    )
    assert [counts[n] for n in range(1, 18)] == SDG_TARGETS_PER_GOAL
    assert sum(counts.values()) == 169


def test_there_are_8_mdgs_with_21_targets():
    assert list(GlobalGoal.objects.mdg().values_list("number", flat=True)) == list(range(1, 9))
    counts = Counter(
        GlobalTarget.objects.filter(goal__framework=Framework.MDG).values_list(
            "goal__number", flat=True
        )
    )
    assert [counts[n] for n in range(1, 9)] == MDG_TARGETS_PER_GOAL
    assert sum(counts.values()) == 21


def test_target_codes_are_those_of_the_un_lists_in_order():
    goal_1 = GlobalTarget.objects.filter(goal__framework=Framework.SDG, goal__number=1)
    assert list(goal_1.values_list("code", flat=True)) == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b",
    ]  # fmt: skip
    goal_17 = GlobalTarget.objects.filter(goal__framework=Framework.SDG, goal__number=17)
    codes = list(goal_17.values_list("code", flat=True))
    assert codes[:2] == ["17.1", "17.2"]
    assert codes[9:11] == ["17.10", "17.11"]  # numeric, not alphabetical, order
    assert codes[-1] == "17.19"
    mdg_8 = GlobalTarget.objects.filter(goal__framework=Framework.MDG, goal__number=8)
    assert list(mdg_8.values_list("code", flat=True)) == ["8.A", "8.B", "8.C", "8.D", "8.E", "8.F"]
    assert GlobalTarget.objects.filter(goal__framework=Framework.SDG, code="11.6").exists()
    assert GlobalTarget.objects.filter(goal__framework=Framework.MDG, code="7.A").exists()


def test_sdgs_have_their_official_colours():
    colours = dict(GlobalGoal.objects.sdg().values_list("number", "colour"))
    assert colours == SDG_COLOURS


def test_every_text_is_loaded_and_missing_swedish_stays_empty():
    with open(DATA / "sdg_targets.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    missing_sv = {row["number"] for row in rows if not row["text_sv"].strip()}
    assert len(missing_sv) <= 169 - 102
    sdg_targets = GlobalTarget.objects.filter(goal__framework=Framework.SDG)
    assert set(sdg_targets.filter(text_sv="").values_list("code", flat=True)) == missing_sv
    assert not sdg_targets.filter(text_en="").exists()
    assert not GlobalGoal.objects.filter(title_en="").exists()
    assert not GlobalGoal.objects.filter(title_sv="").exists()
    mdg_targets = GlobalTarget.objects.filter(goal__framework=Framework.MDG)
    assert not mdg_targets.filter(text_sv="").exists()


def test_texts_follow_the_language_and_fall_back_to_english():
    translated = GlobalTarget.objects.get(goal__framework=Framework.SDG, code="1.1")
    untranslated = GlobalTarget.objects.get(goal__framework=Framework.SDG, code="15.1")
    untranslated.text_sv = ""  # as a target whose Swedish text is still missing
    with translation.override("sv"):
        assert translated.text.lang == "sv"
        assert translated.text.text.startswith("Senast 2030 avskaffa den extrema fattigdomen")
        assert untranslated.text.lang == "en"
        assert untranslated.text.is_fallback
        assert untranslated.text.text == untranslated.text_en
    with translation.override("en"):
        assert translated.text.lang == "en"
        assert not translated.text.is_fallback
        assert str(GlobalGoal.objects.sdg().get(number=1).title) == "No poverty"
