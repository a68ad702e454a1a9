"""The widgets written in Python (malmo_portal.forms) give the markup of Django's templates."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation
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


# The field wrapper (forms/field.html), written in Python by the form renderer


class _WrappedForm(forms.Form):
    required_css_class = "is-required"
    error_css_class = "has-error"

    name = forms.CharField(label='Name & "title"', help_text="As in <b>the</b> directory.")
    note = forms.CharField(label="Note", required=False, widget=portal.Textarea)
    count = forms.IntegerField(label="Count", required=False, widget=portal.NumberInput)
    agree = forms.BooleanField(label="I agree", help_text="Needed.")
    maybe = forms.BooleanField(label="Maybe", required=False)
    transport = forms.ChoiceField(label="Transport", choices=CHOICES, widget=portal.RadioSelect)
    extras = forms.MultipleChoiceField(
        label="Extras", choices=CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label="Kind", choices=CHOICES, widget=portal.Select)
    unlabelled = forms.CharField(label="", required=False)
    files = forms.FileField(label="Files", required=False, widget=portal.ClearableFileInput)


def _field_pairs(form: forms.Form) -> list:
    """Each field as the renderer draws it, beside what forms/field.html gives."""
    renderer = portal.PortalFormRenderer()
    return [
        (
            bound.as_field_group(),
            TemplatesSetting.render(renderer, "forms/field.html", {"field": bound}),
        )
        for bound in form
    ]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"name": "<x>", "count": "many", "transport": "nowhere", "extras": ["bike", "x"]},
        {"name": "Ann", "agree": "on", "transport": "bus", "kind": "walk", "note": "a\nb"},
    ],
)
def test_the_field_wrapper_writes_the_templates_markup(language, auto_id, data):
    form = _WrappedForm(data, auto_id=auto_id)
    if data is not None:
        form.is_valid()
        form.add_error("name", 'Second <error> & "quote"')
    with translation.override(language):
        pairs = _field_pairs(form)
    assert len(pairs) == len(_WrappedForm.base_fields)
    for python, from_template in pairs:
        assertHTMLEqual(python, from_template)
    if data:
        assert "&lt;error&gt;" in pairs[0][0] and "<error>" not in pairs[0][0]
        assert 'class="errorlist field__errors"' in pairs[0][0]


def test_only_the_field_template_is_written_in_python():
    """Another template, or a context of more than the field, is rendered as before."""
    form = _WrappedForm()
    renderer = portal.PortalFormRenderer()
    html = renderer.render("forms/field.html", {"field": form["name"], "extra": 1})
    assertHTMLEqual(
        html, TemplatesSetting.render(renderer, "forms/field.html", {"field": form["name"]})
    )
