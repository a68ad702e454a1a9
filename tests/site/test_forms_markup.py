"""The markup every form in the portal gets from templates/forms/ (WCAG 2.1 AA)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import get_default_renderer
from django.template import Context, Template
from django.utils import translation

from malmo_portal.forms import PortalFormRenderer

VOID = {"input", "br", "img", "hr", "meta", "link"}


class _Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: _Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[_Element] = []
        self.text = ""

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def find_all(self, tag: str | None = None) -> list[_Element]:
        """Descendants with ``tag``, or all of them."""
        found = []
        for child in self.children:
            if tag is None or child.tag == tag:
                found.append(child)
            found.extend(child.find_all(tag))
        return found


class _Tree(HTMLParser):
    """A small DOM: enough to follow ids, labels and ARIA references."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = _Element("root", {}, None)
        self.current = self.root
        self.by_id: dict[str, list[_Element]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if "id" in element.attrs:
            self.by_id.setdefault(element.attrs["id"], []).append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        for node in [self.current, *self.current.ancestors()]:
            node.text += data

    def get(self, element_id: str) -> _Element:
        matches = self.by_id.get(element_id, [])
        assert len(matches) == 1, f"{len(matches)} elements with id {element_id!r}"
        return matches[0]

    def all(self, tag: str | None = None) -> list[_Element]:
        return self.root.find_all(tag)


class TripForm(forms.Form):
    name = forms.CharField(label="Your name", help_text="As in the staff directory.")
    email = forms.EmailField(label="E-mail", required=False)
    transport = forms.ChoiceField(
        label="How do you travel?",
        choices=[("bike", "Bike"), ("bus", "Bus")],
        widget=forms.RadioSelect,
        help_text="Choose the main one.",
    )
    agree = forms.BooleanField(label="I agree to the terms")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email", "").endswith("@example.com"):
            raise ValidationError("Use your work address.", code="not_work")
        return cleaned


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def render(data: dict | None = None) -> tuple[TripForm, _Tree, str]:
    form = TripForm(data)
    html = str(form)
    return form, _Tree(html), html


INVALID = {"name": "", "email": "typed@example.com", "transport": "", "version": "3"}


def test_forms_use_the_portal_renderer():
    assert isinstance(get_default_renderer(), PortalFormRenderer)
    assert TripForm().renderer.form_template_name == "forms/div.html"


def test_every_label_points_at_one_input():
    _, tree, _ = render()
    labels = [label for label in tree.all("label") if label.attrs.get("for")]
    assert labels
    for label in labels:
        assert tree.get(label.attrs["for"]).tag in {"input", "select", "textarea"}
    assert tree.get("id_name").attrs.get("aria-invalid") is None


def test_required_fields_say_so_in_text_beside_the_label():
    _, tree, _ = render()
    labels = {label.attrs.get("for"): label for label in tree.all("label")}
    name_label, email_label = labels["id_name"], labels["id_email"]
    # The label stays the input's name; screen readers announce the required attribute.
    assert name_label.text == "Your name"
    assert "required" in tree.get("id_name").attrs
    assert " ".join(name_label.parent.text.split()) == "Your name (required)"
    assert "required" not in email_label.parent.text
    assert "required" not in tree.get("id_email").attrs
    # A group's legend holds the words: no single input speaks for the group.
    legend = next(f for f in tree.all("fieldset") if "travel" in f.text).find_all("legend")[0]
    assert " ".join(legend.text.split()) == "How do you travel? (required)"
    assert " ".join(labels["id_agree"].parent.text.split()) == "I agree to the terms (required)"


def test_help_text_and_errors_are_next_to_the_field_and_linked_to_it():
    _, tree, _ = render(INVALID)
    name = tree.get("id_name")
    assert name.attrs["aria-invalid"] == "true"
    described_by = name.attrs["aria-describedby"].split()
    assert described_by == ["id_name_helptext", "id_name_error"]
    assert "As in the staff directory." in tree.get("id_name_helptext").text
    error = tree.get("id_name_error")
    assert "This field is required." in error.text
    assert "Error:" in error.text  # announced as an error, not only shown in red
    # Help, error and input share the field's wrapper.
    wrapper = next(a for a in name.ancestors() if "field" in a.attrs.get("class", "").split())
    assert error in list(wrapper.find_all("ul"))
    assert "field--error" in wrapper.attrs["class"]


def test_every_aria_reference_points_at_one_element():
    _, tree, _ = render(INVALID)
    references = [
        ref for element in tree.all() for ref in element.attrs.get("aria-describedby", "").split()
    ]
    assert len(references) == 5
    for ref in references:
        tree.get(ref)


def test_radio_buttons_are_a_fieldset_with_a_legend():
    _, tree, _ = render(INVALID)
    fieldset = next(f for f in tree.all("fieldset") if "How do you travel?" in f.text)
    legend = fieldset.find_all("legend")[0]
    assert "How do you travel? (required)" in " ".join(legend.text.split())
    assert fieldset.attrs["aria-describedby"].split() == [
        "id_transport_helptext",
        "id_transport_error",
    ]
    radios = [i for i in fieldset.find_all("input") if i.attrs.get("type") == "radio"]
    assert [r.attrs["id"] for r in radios] == ["id_transport_0", "id_transport_1"]


def test_a_single_checkbox_has_its_label_after_it():
    _, tree, _ = render(INVALID)
    checkbox = tree.get("id_agree")
    choice = checkbox.parent
    assert [c.tag for c in choice.children] == ["input", "span"]
    assert choice.children[1].find_all("label")[0].attrs["for"] == "id_agree"
    assert checkbox.attrs["aria-describedby"] == "id_agree_error"


def test_the_error_summary_links_to_each_invalid_field():
    _, tree, html = render(INVALID)
    summary = next(d for d in tree.all("div") if d.attrs.get("class") == "error-summary")
    assert summary.attrs["role"] == "alert"
    assert html.index('class="error-summary"') < html.index('id="id_name"')
    assert "There is a problem" in summary.find_all("h2")[0].text
    links = {a.attrs["href"]: " ".join(a.text.split()) for a in summary.find_all("a")}
    assert links == {
        "#id_name": "Your name: This field is required.",
        "#id_transport_0": "How do you travel?: This field is required.",
        "#id_agree": "I agree to the terms: This field is required.",
    }
    for href in links:
        tree.get(href[1:])
    # Errors of the whole form are in the summary too, as text.
    assert "Use your work address." in summary.text


def test_typed_values_are_kept_on_error():
    _, tree, _ = render(INVALID)
    assert tree.get("id_email").attrs["value"] == "typed@example.com"
    assert tree.get("id_version").attrs["value"] == "3"


def test_an_unbound_form_has_no_error_markup():
    _, tree, html = render()
    assert "error-summary" not in html
    assert "aria-invalid" not in html
    assert tree.get("id_name").attrs["aria-describedby"] == "id_name_helptext"


def test_the_summary_can_be_included_on_its_own():
    form = TripForm(INVALID)
    html = Template(
        '{% include "includes/_form_error_summary.html" with form=form only %}'
        "{{ form.name.as_field_group }}"
    ).render(Context({"form": form}))
    tree = _Tree(html)
    summary = next(d for d in tree.all("div") if d.attrs.get("class") == "error-summary")
    assert '<a href="#id_name">' in html
    assert tree.get("id_name").attrs["aria-invalid"] == "true"
    assert summary.attrs["role"] == "alert"
    assert (
        Template('{% include "includes/_form_error_summary.html" with form=form only %}')
        .render(Context({"form": TripForm()}))
        .strip()
        == ""
    )


def test_the_markup_is_translated():
    with translation.override("sv"):
        _, tree, html = render(INVALID)
        required = translation.gettext("required")
        problem = translation.gettext("There is a problem")
    assert f"({required})" in html
    assert problem in html
    assert "Detta fält måste fyllas i." in tree.get("id_name_error").text
