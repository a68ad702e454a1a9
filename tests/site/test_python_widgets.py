"""The widgets written in Python (malmo_portal.forms) give the markup of Django's templates."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe
from pytest_django.asserts import assertHTMLEqual

from malmo_portal import forms as portal

CHOICES = [("bike", "Bike"), ("bus", 'Bus & "tram"'), ("walk", mark_safe("<em>Walk</em>"))]
GROUPED = [("Fast", [("car", "Car"), ("train", "Train")]), ("slow", "Slow <on foot>")]
VALUES = {id(CHOICES): {"bike", "bus", "walk"}, id(GROUPED): {"car", "train", "slow"}}

ATTRS = [
    {},
    {"id": "id_field"},
    {"id": "id_field", "required": True, "aria-invalid": "true", "disabled": False},
    {"id": "id_field", "class": "wide", "data-max": 1000, "aria-describedby": "a b", "x": None},
    {"title": 'Say "hi" & <go>'},
]


def both(portal_widget: forms.Widget, django_class: type, name: str, value) -> list:
    """The Python widget's markup beside Django's template markup, for each of ATTRS."""
    pairs = []
    for attrs in ATTRS:
        python = portal_widget.render(name, value, dict(attrs))
        from_templates = django_class.render(portal_widget, name, value, dict(attrs))
        pairs.append((python, from_templates))
    return pairs


@pytest.mark.parametrize(
    ("portal_class", "django_class"),
    [
        (portal.TextInput, forms.TextInput),
        (portal.NumberInput, forms.NumberInput),
        (portal.HiddenInput, forms.HiddenInput),
        (portal.Textarea, forms.Textarea),
    ],
)
@pytest.mark.parametrize("value", [None, "", "12,5", 0, 'A <b>"bold"</b> & more\nline'])
def test_inputs_and_textareas_write_djangos_markup(portal_class, django_class, value):
    widget = portal_class(attrs={"maxlength": 10, "autocomplete": "off"})
    for python, from_templates in both(widget, django_class, "field", value):
        assertHTMLEqual(python, from_templates)
        # An input keeps what was typed; the text is escaped, never markup.
        if value not in (None, "") and django_class is not forms.HiddenInput:
            assert "<b>" not in python


@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("value", [None, "bus", "train", "none of them"])
def test_radio_buttons_write_djangos_markup(choices, value):
    widget = portal.RadioSelect(choices=choices)
    for python, from_templates in both(widget, forms.RadioSelect, "transport", value):
        assertHTMLEqual(python, from_templates)
        assert python.count('type="radio"') == 3
        assert python.count(" checked") == (
            1 if value in {"bus", "train"} & VALUES[id(choices)] else 0
        )


@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("value", [None, "walk", "car"])
def test_select_writes_djangos_markup(choices, value):
    widget = portal.Select(choices=choices)
    python = widget.render("transport", value, {"id": "id_transport"})
    assertHTMLEqual(python, forms.Select.render(widget, "transport", value, {"id": "id_transport"}))
    assert python.count("<option") == 3


class _StoredFile:
    url = "/media/plan.pdf"

    def __str__(self) -> str:
        return "plan <1>.pdf"


@pytest.mark.parametrize("value", [None, "", _StoredFile()])
@pytest.mark.parametrize("multiple", [False, True])
def test_the_file_input_writes_djangos_markup(value, multiple):
    widget_class = type(
        "Files", (portal.ClearableFileInput,), {"allow_multiple_selected": multiple}
    )
    widget = widget_class(attrs={"accept": ".pdf,.docx", "data-max-bytes": 10})
    for python, from_templates in both(widget, forms.ClearableFileInput, "files", value):
        assertHTMLEqual(python, from_templates)
        assert ("multiple" in python) == multiple
        assert ('type="checkbox"' in python) == isinstance(value, _StoredFile)
