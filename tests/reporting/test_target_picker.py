"""The report form's target picker: written in Python, with the markup of its templates."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils import translation
from pytest_django.asserts import assertHTMLEqual

from assignments import services
from assignments.reporting.forms import (
    GoalGroup,
    GroupedCheckboxSelectMultiple,
    ReportForm,
    TargetLabel,
    TargetsField,
)
from goals.models import GlobalGoal, GlobalTarget, localized

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(assignment, organisation, period, reporter):
    return services.create_report(
        assignment=assignment, organisation=organisation, period=period, by=reporter
    )


def both_renderings(form: ReportForm) -> tuple[str, str]:
    """The target picker as the form draws it (in Python), and as the widget's templates
    draw it for the same field, value and attributes."""
    bound = form["targets"]
    widget = bound.field.widget
    assert isinstance(widget, GroupedCheckboxSelectMultiple)
    attrs = bound.build_widget_attrs({})
    attrs.setdefault("id", bound.auto_id)
    from_templates = forms.Widget.render(
        widget, bound.html_name, bound.value(), attrs, form.renderer
    )
    return str(bound), from_templates


def targets(*codes: str) -> list[int]:
    return list(
        GlobalTarget.objects.filter(goal__framework="sdg", code__in=codes).values_list(
            "pk", flat=True
        )
    )


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_picker_is_the_markup_of_its_templates(draft, language):
    # Goal 13 linked (first, open, marked); 11.6 and 11.7 ticked in a goal of their own
    # (open once), 1.1 in another.
    draft.assignment.global_goals.add(GlobalGoal.objects.sdg().get(number=13))
    draft.contributed_targets.set(targets("1.1", "11.6", "11.7", "13.2"))
    with translation.override(language):
        python, from_templates = both_renderings(ReportForm(instance=draft))
    assertHTMLEqual(python, from_templates)
    assert python.count('type="checkbox"') == 169
    assert python.count(" checked") == 4
    assert len(re.findall(r"<details[^>]* open>", python)) == 3
    assert python.count('class="target-group target-group--linked"') == 1
    assert ('<span lang="en">' in python) == (language == "sv")


def test_a_bound_picker_with_an_error_keeps_the_ticks_and_marks_each_box_invalid(draft):
    ticked = targets("3.4", "4.7")
    data = {"targets": [*map(str, ticked), "999999"], "edit_version": "1"}
    form = ReportForm(data, instance=draft)
    assert not form.is_valid() and "targets" in form.errors
    python, from_templates = both_renderings(form)
    assertHTMLEqual(python, from_templates)
    assert python.count('aria-invalid="true"') == 169
    assert python.count(" checked") == 2
    assert f'value="{ticked[0]}" aria-invalid="true" id="id_targets_' in python


def test_the_picker_escapes_what_it_shows(draft):
    target = GlobalTarget.objects.get(goal__framework="sdg", code="5.1")
    target.text_sv = 'Mål <b>"fet"</b> & mer'
    target.save()
    with translation.override("sv"):
        python, from_templates = both_renderings(ReportForm(instance=draft))
    assertHTMLEqual(python, from_templates)
    assert "Mål &lt;b&gt;&quot;fet&quot;&lt;/b&gt; &amp; mer" in python


def test_a_goal_linked_by_one_of_its_targets_comes_first_and_open(draft):
    draft.assignment.global_targets.add(GlobalTarget.objects.get(goal__framework="sdg", code="7.2"))
    with translation.override("en"):
        python, from_templates = both_renderings(ReportForm(instance=draft))
    assertHTMLEqual(python, from_templates)
    first = re.search(r"<details([^>]*)>\s*<summary>([^<]*)", python)
    assert "target-group--linked" in first[1] and " open" in first[1]
    assert first[2].startswith("Goal 7:")
    assert python.count("target-group--linked") == 1


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "picker"},
        {"class": "wide", "id": "picker", "aria-describedby": "a b", "required": True},
        {"id": "picker", "checked": False, "disabled": True},
        {"id": None},
        {"id": 'a"b&<c>'},  # escaped once for all the boxes
    ],
)
def test_the_picker_writes_its_templates_markup_for_any_attributes(draft, attrs):
    draft.contributed_targets.set(targets("2.1", "16.10"))
    bound = ReportForm(instance=draft)["targets"]
    widget = bound.field.widget
    value = bound.value()
    python = widget.render("targets", value, dict(attrs))
    from_templates = forms.Widget.render(widget, "targets", value, dict(attrs), bound.form.renderer)
    assertHTMLEqual(python, from_templates)
    assert python.count(" checked") == 2


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_pickers_choices_are_the_targets_as_the_models_give_them(draft, language):
    """The picker's rows (read by SQL) are every Agenda 2030 target under its goal, in the
    goals' and targets' order, each text in the page's language or English where it has
    none; the linked goals first; the report's targets ticked."""
    draft.assignment.global_goals.add(GlobalGoal.objects.sdg().get(number=16))
    draft.assignment.global_targets.add(GlobalTarget.objects.get(goal__framework="sdg", code="4.7"))
    draft.contributed_targets.set(targets("1.1", "11.6", "16.10"))
    untranslated = GlobalTarget.objects.get(goal__framework="sdg", code="2.3")
    untranslated.text_sv = ""
    untranslated.save()
    with translation.override(language):
        groups, ticked = TargetsField.grouped_choices(assignment=draft.assignment, report=draft)
        label = "Mål" if language == "sv" else "Goal"
        expected = []
        for goal in GlobalGoal.objects.sdg().order_by("number"):
            linked = goal.number in (4, 16)
            group = GoalGroup(
                goal.number, f"{label} {goal.number}: {localized(goal, 'title')}", linked
            )
            options = [
                (target.pk, TargetLabel(target.code, localized(target, "text")))
                for target in goal.targets.order_by("position")
            ]
            expected.append((group, options))
        expected.sort(key=lambda group: not group[0].linked)
    assert list(groups) == expected
    assert [group.number for group, _options in groups][:2] == [4, 16]
    assert sorted(ticked) == sorted(targets("1.1", "11.6", "16.10"))
    labels = {pk: label for _group, options in groups for pk, label in options}
    assert labels[untranslated.pk].text.text == untranslated.text_en
    assert labels[untranslated.pk].text.is_fallback == (language == "sv")
