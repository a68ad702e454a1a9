"""Every UI string is translated, and the committed compiled catalogues match their sources."""

import polib
import pytest
from django.utils import translation

from tests.helpers import ROOT

LOCALE = ROOT / "locale"


def test_every_string_has_a_swedish_translation():
    catalogue = polib.pofile(LOCALE / "sv" / "LC_MESSAGES" / "django.po")
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_compiled_catalogue_is_up_to_date(language):
    """The portal must work on a machine without gettext: the .mo files are committed."""
    folder = LOCALE / language / "LC_MESSAGES"
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
        for e in polib.pofile(folder / "django.po")
        if e.translated()
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
        for e in polib.mofile(folder / "django.mo")
        if e.msgid
    }
    assert compiled == source


def test_swedish_is_the_default_and_plurals_work():
    with translation.override("sv"):
        one = translation.ngettext(
            "%(counter)s committee or company", "%(counter)s committees and companies", 1
        )
        many = translation.ngettext(
            "%(counter)s committee or company", "%(counter)s committees and companies", 25
        )
    assert one == "%(counter)s nämnd eller bolag"
    assert many == "%(counter)s nämnder och bolag"
