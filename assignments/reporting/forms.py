"""Forms of the reporters' pages. Forms validate input; the services change state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection
from django.forms import BoundField
from django.template.defaultfilters import filesizeformat
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import localize_input, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from assignments import uploads
from assignments.models import (
    SUMMARY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    VALUE_DECIMAL_PLACES,
    VALUE_MAX_DIGITS,
    Assignment,
    Indicator,
    Report,
    ReportContent,
    ReportedValue,
)
from assignments.selectors.reported_values import IndicatorValues, previous_values, value_groups
from assignments.services import ValueInput
from assignments.services.indicators import breakdowns_of, check_number
from goals.models import (
    Framework,
    GlobalGoal,
    GlobalTarget,
    LocalizedText,
    pick_text,
    text_language,
)
from malmo_portal import forms as portal_forms
from malmo_portal.forms import html_text, widget_attrs
from malmo_portal.params import BIGINT_MAX


@dataclass(frozen=True)
class TargetLabel:
    """A checkbox label: the target's code and its text, which may be an English fallback."""

    code: str
    text: LocalizedText

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


@dataclass(frozen=True)
class GoalGroup:
    """A goal's heading in the target picker, and whether the assignment links to it."""

    number: int
    title: str
    linked: bool = False

    def __str__(self) -> str:
        return self.title


class GroupedCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """
    Checkboxes in one fieldset per group (per global goal), folded when none is ticked.

    The markup is the templates'; ``render`` writes the same in Python (tests hold it to
    them), as a template include per option made the 169 targets most of the report form's
    time (docs/performance.md).
    """

    template_name = "reporting/widgets/grouped_checkboxes.html"
    option_template_name = "reporting/widgets/grouped_checkbox_option.html"

    def render(self, name, value, attrs=None, renderer=None):
        # Django's get_context and optgroups, without a dictionary of attributes per option:
        # each box has the widget's attributes, its own id in the id's place, and "checked"
        # last when ticked (ChoiceWidget.create_option).
        widget_attrs_ = self.build_attrs(self.attrs, attrs)
        ticked = set(self.format_value(value))
        widget_id = widget_attrs_.get("id")
        if "checked" in widget_attrs_:  # as Django's: "checked" keeps its place

            def option_attrs(option_id: str | None, selected: bool) -> str:
                own = dict(widget_attrs_, checked=True) if selected else dict(widget_attrs_)
                if "id" in own:
                    own["id"] = mark_safe(option_id)  # already HTML, as below
                return widget_attrs(own)

        else:
            keys = list(widget_attrs_)
            place = keys.index("id") if "id" in keys else len(keys)
            before = widget_attrs({key: widget_attrs_[key] for key in keys[:place]})
            after = widget_attrs({key: widget_attrs_[key] for key in keys[place + 1 :]})

            def option_attrs(option_id: str | None, selected: bool) -> str:
                # option_id is already HTML: the escaped widget id and two numbers
                own_id = "" if place == len(keys) else f' id="{option_id}"'
                return f"{before}{own_id}{after}{' checked' if selected else ''}"

        page_language = (get_language() or "").split("-")[0]
        linked_note = html_text(gettext("linked to the assignment"))
        name_html = html_text(name)
        # Each box's id is the widget's and two numbers: escaped once, not once per box.
        id_html = html_text(widget_id) if widget_id else widget_id
        has_id = "id" in widget_attrs_
        parts = [
            f'<div class="target-picker" id="{html_text(widget_id)}">'
            if widget_id
            else '<div class="target-picker">'
        ]
        # The choices of TargetsField.grouped_choices: a GoalGroup and its targets.
        groups = cast(Iterable[tuple[GoalGroup, list[tuple[int, TargetLabel]]]], self.choices)
        for index, (group, options) in enumerate(groups):
            title = html_text(group)
            selected = [str(option_value) in ticked for option_value, _label in options]
            if group.linked:
                parts.append(
                    '<details class="target-group target-group--linked" open>\n'
                    f"<summary>{title} "
                    f'<span class="target-group__linked">({linked_note})</span></summary>'
                )
            else:
                opened = " open" if any(selected) else ""
                parts.append(f'<details class="target-group"{opened}>\n<summary>{title}</summary>')
            parts.append(
                f'<fieldset>\n<legend class="visually-hidden">{title}</legend>\n'
                '<ul class="target-group__list">'
            )
            for subindex, (option_value, label) in enumerate(options):
                option_id = f"{id_html}_{index}_{subindex}" if id_html else id_html
                text = label.text
                # goals_tags.lang_marked, with the page's language looked up once
                if text.text and text.lang != page_language:
                    text_html = f'<span lang="{text.lang}">{html_text(text.text)}</span>'
                else:
                    text_html = html_text(text.text)
                if option_value is None:
                    value_attr = ""
                elif type(option_value) is int:  # a target's key: nothing to escape
                    value_attr = f' value="{option_value}"'
                else:
                    value_attr = f' value="{html_text(option_value)}"'
                parts.append(
                    f'<li><input type="{self.input_type}" name="{name_html}"'
                    f"{value_attr}{option_attrs(option_id, selected[subindex])}>"
                    f'<label for="{option_id if has_id else ""}">'
                    f'<span class="target-list__code">{html_text(label.code)}</span> '
                    f"{text_html}</label></li>"
                )
            parts.append("</ul>\n</fieldset>\n</details>")
        parts.append("</div>")
        return mark_safe("\n".join(parts))


class GroupedChoices(BaseChoiceIterator):
    """Choices by group, already in the shape Django normalizes choices to: given as such an
    iterator, the field and its widget take them as they are, instead of walking every
    target's label twice to normalize them again."""

    def __init__(self, groups: list) -> None:
        self.groups = groups

    def __iter__(self):
        return iter(self.groups)


# The picker's targets and goals, as rows (in the goals' and the targets' order), in the
# language of the page (``lang``, one of the stored languages, and English to fall back on).
# Written as SQL, as the links' query in ``TargetsField.grouped_choices``: on every report
# form, Django took longer to build the two queries than the database took to run them
# (about 1.7 ms against 0.4). A test holds the choices to those of the ORM.
_PICKER_TARGETS_SQL = """
    SELECT t.id, t.code, t.text_{lang}, t.text_en, t.goal_id, g.number, g.title_{lang}, g.title_en
    FROM {target} t INNER JOIN {goal} g ON g.id = t.goal_id
    WHERE g.framework = %s
    ORDER BY g.number ASC, t.position ASC
"""


def _picker_tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "target": quote(GlobalTarget._meta.db_table),
        "goal": quote(GlobalGoal._meta.db_table),
        "assignment_goals": quote(Assignment.global_goals.through._meta.db_table),
        "assignment_targets": quote(Assignment.global_targets.through._meta.db_table),
        "report_targets": quote(Report.contributed_targets.through._meta.db_table),
    }


class TargetsField(forms.TypedMultipleChoiceField):
    """The 169 Agenda 2030 targets, grouped by goal, chosen with checkboxes."""

    widget = GroupedCheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("coerce", int)
        super().__init__(choices=lambda: TargetsField.grouped_choices()[0], **kwargs)

    @staticmethod
    def grouped_choices(
        *, assignment: Assignment | None = None, report: Report | None = None
    ) -> tuple[GroupedChoices, list[int]]:
        """
        The targets by goal, as choices; the goals ``assignment`` links to (itself or by one
        of their targets) come first, marked, so the reporter sees at once what the council
        pointed to. With them, the targets ``report`` contributes to.
        """
        language = text_language()
        label = gettext("Goal")  # GlobalGoal.label of an Agenda 2030 goal
        # The goals and targets the assignment links to and the targets the report
        # contributes to: their three link tables in one query.
        goals_kind, targets_kind, ticked_kind = 1, 2, 3
        links, params = [], []
        if assignment is not None:
            links += [
                f"SELECT {goals_kind}, globalgoal_id FROM {{assignment_goals}}"
                " WHERE assignment_id = %s",
                f"SELECT {targets_kind}, globaltarget_id FROM {{assignment_targets}}"
                " WHERE assignment_id = %s",
            ]
            params += [assignment.pk, assignment.pk]
        if report is not None:
            links.append(
                f"SELECT {ticked_kind}, globaltarget_id FROM {{report_targets}}"
                " WHERE report_id = %s"
            )
            params.append(report.pk)
        tables = _picker_tables()
        with connection.cursor() as cursor:
            cursor.execute(_PICKER_TARGETS_SQL.format(**tables, lang=language), [Framework.SDG])
            rows = cursor.fetchall()
            linked = []
            if links:
                cursor.execute(" UNION ALL ".join(links).format(**tables), params)
                linked = cursor.fetchall()
        linked_goals: set[int] = set()
        linked_targets: set[int] = set()
        ticked: list[int] = []
        by_kind = {goals_kind: linked_goals, targets_kind: linked_targets}
        for kind, pk in linked:
            if kind == ticked_kind:
                ticked.append(pk)
            else:
                by_kind[kind].add(pk)
        if linked_targets:
            linked_goals.update(row[4] for row in rows if row[0] in linked_targets)
        groups: dict[int, tuple[GoalGroup, list]] = {}
        for pk, code, text, text_en, goal_id, number, goal_title, goal_title_en in rows:
            if goal_id not in groups:
                title = f"{label} {number}: {pick_text(goal_title, goal_title_en, language)}"
                groups[goal_id] = (GoalGroup(number, title, goal_id in linked_goals), [])
            groups[goal_id][1].append((pk, TargetLabel(code, pick_text(text, text_en, language))))
        ordered = sorted(groups.values(), key=lambda group: not group[0].linked)
        return GroupedChoices(ordered), ticked

    def clean(self, value):
        pks = super().clean(value)
        return list(GlobalTarget.objects.filter(pk__in=pks))


class MultipleFileInput(portal_forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked on its own."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        errors, cleaned = [], []
        for upload in files:
            try:
                uploads.detect(upload)
                cleaned.append(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


# Indicator values: a fieldset per indicator the organisation measures for the assignment,
# with a number field per series (the total, and women and men where split) and a note.

NOTE_MAX_LENGTH = cast(int, ReportedValue._meta.get_field("note").max_length)


def plain(value: Decimal | None) -> Decimal | None:
    """A stored value without the zeros its column adds: 12.500000 is 12.5, 100.000000 100."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def as_typed(value: Decimal | None) -> str:
    """A value as a reporter would type it in the page's language ("12,5" in Swedish), with
    every decimal it has: the report form's fields and its comparison with a colleague's."""
    return "" if value is None else str(localize_input(plain(value)))


class ValueField(forms.DecimalField):
    """
    An indicator value typed in the page's language: "12,5" in Swedish, "12.5" in English
    (a point is read as the decimal point in Swedish too; a comma in English is refused, not
    guessed at). Spaces between the digits, as in "1 234,5", are allowed. Empty is no value.
    """

    widget = portal_forms.TextInput  # what a localized DecimalField has, in Python

    def __init__(self, **kwargs) -> None:
        super().__init__(
            max_digits=VALUE_MAX_DIGITS,
            decimal_places=VALUE_DECIMAL_PLACES,
            localize=True,
            required=False,
            **kwargs,
        )
        self.error_messages["invalid"] = gettext("Enter a number, such as %(example)s.") % {
            "example": number_format(Decimal("1234.5"))
        }
        self.widget.attrs.update(
            {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split())
            if "_" in value:  # Python reads "1_5" as 15; no one writes a number so
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def clean(self, value):
        value = super().clean(value)
        if value is not None:
            check_number(value)  # what the database keeps the same everywhere
        return value


@dataclass(frozen=True)
class IndicatorFields:
    """The fields of one indicator in the report form: a value per series, with the series'
    dimension and category, and the note."""

    indicator: Indicator
    series: list[tuple[BoundField, str, str]]
    note: BoundField

    @property
    def fields(self) -> list[BoundField]:
        return [bound for bound, _dimension, _category in self.series]

    @property
    def definition_id(self) -> str:
        return f"indicator-{self.indicator.pk}-definition"


def value_field_name(indicator: Indicator, dimension: str, category: str) -> str:
    if not dimension:
        return f"value-{indicator.pk}"
    return f"value-{indicator.pk}-{dimension}-{category}"


def note_field_name(indicator: Indicator) -> str:
    return f"value-{indicator.pk}-note"


class ReportForm(forms.ModelForm):
    """The reporter's form. A draft may be saved incomplete; submitting needs a summary."""

    SUBMIT = "save_and_submit"
    LONG_TEXT_FIELDS = ("narrative", "global_goals_integration", "next_steps", "obstacles")

    targets = TargetsField(
        label=_("Targets the work contributes to"),
        required=False,
        help_text=_("Choose the Agenda 2030 targets the work contributes to, under each goal."),
    )
    new_attachments = MultipleFileField(
        label=_("Attach documents"),
        required=False,
    )
    edit_version = forms.IntegerField(widget=portal_forms.HiddenInput)

    class Meta:
        model = Report
        fields = ReportContent.CONTENT_FIELDS
        widgets = {
            # Django's markup, written in Python (malmo_portal.forms)
            "progress": portal_forms.RadioSelect,
            "percent_complete": portal_forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "summary": portal_forms.Textarea(attrs={"rows": 3, "maxlength": SUMMARY_MAX_LENGTH}),
            "narrative": portal_forms.Textarea(attrs={"rows": 8}),
            "global_goals_integration": portal_forms.Textarea(attrs={"rows": 6}),
            "next_steps": portal_forms.Textarea(attrs={"rows": 4}),
            "obstacles": portal_forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, submitting: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["summary"].help_text = gettext(
            "Required to submit. At most %(max)d characters."
        ) % {"max": SUMMARY_MAX_LENGTH}
        self.fields["new_attachments"].help_text = gettext(
            "%(formats)s, at most %(max)s each. You can choose several files."
        ) % {"formats": uploads.allowed_formats_text(), "max": filesizeformat(uploads.max_size())}
        attachments = self.fields["new_attachments"].widget.attrs
        attachments["accept"] = uploads.ACCEPT_ATTRIBUTE
        # For report-form.js, which checks the chosen files before anything is sent.
        attachments["data-max-bytes"] = uploads.max_size()
        attachments["data-max-name"] = uploads.NAME_MAX_LENGTH
        limit = gettext("At most %(max)s characters.") % {
            "max": number_format(TEXT_MAX_LENGTH, force_grouping=True)
        }
        for name in self.LONG_TEXT_FIELDS:
            field = self.fields[name]
            # No maxlength attribute: a browser would cut a pasted text short without a word.
            # The limit is checked here, and in the browser by report-form.js before sending.
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
            field.widget.attrs["data-maxlength"] = TEXT_MAX_LENGTH
            field.help_text = f"{field.help_text} {limit}".strip()
        choices, ticked = TargetsField.grouped_choices(
            assignment=self.instance.assignment if self.instance.assignment_id else None,
            report=self.instance if self.instance.pk is not None else None,
        )
        cast(TargetsField, self.fields["targets"]).choices = choices
        if not self.is_bound:
            self.initial["edit_version"] = self.instance.edit_version
            self.initial["targets"] = ticked
        self.indicator_fields: list[IndicatorFields] = []
        if self.instance.pk is not None:
            self._add_value_fields()

    def _add_value_fields(self) -> None:
        """A fieldset per indicator the organisation measures for the assignment, holding
        the saved values, each series with the latest published value for reference."""
        report = self.instance
        asked = list(Indicator.objects.reported_by(report.organisation, report.assignment))
        if not asked:
            return
        groups: list[IndicatorValues] = value_groups(
            report.reported_values.select_related("indicator"),
            asked=asked,
            previous=previous_values(asked, report.period),
        )
        asked_ids = {indicator.pk for indicator in asked}
        for group in groups:
            indicator = group.indicator
            if indicator.pk not in asked_ids:
                continue  # no longer asked for: saving the form leaves it out
            series_fields = []
            for series in group.series[: len(breakdowns_of(indicator))]:
                name = value_field_name(indicator, series.dimension, series.category)
                help_text = ""
                if series.previous is not None:
                    help_text = gettext("Latest published value: %(value)s (%(when)s).") % {
                        "value": series.previous_display,
                        "when": series.previous.period or series.previous.year,
                    }
                self.fields[name] = ValueField(
                    label=f"{indicator.code}: {series.label}", help_text=help_text
                )
                self.initial[name] = as_typed(series.value)
                series_fields.append((self[name], series.dimension, series.category))
            name = note_field_name(indicator)
            self.fields[name] = forms.CharField(
                widget=portal_forms.TextInput,
                label=f"{indicator.code}: {gettext('Note')}",
                required=False,
                max_length=NOTE_MAX_LENGTH,
                help_text=gettext(
                    "Optional: how the figures were arrived at, or why one is missing. "
                    "At most %(max)d characters."
                )
                % {"max": NOTE_MAX_LENGTH},
            )
            self.initial[name] = group.note
            self.indicator_fields.append(IndicatorFields(indicator, series_fields, self[name]))

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a ModelForm's clean() returns its cleaned_data
        if self.submitting and not (cleaned.get("summary") or "").strip():
            self.add_error(
                "summary",
                ValidationError(
                    _("Write a summary before submitting the report."), code="summary_required"
                ),
            )
        for fields in self.indicator_fields:
            note = cleaned.get(fields.note.name)
            given = any(cleaned.get(bound.name) is not None for bound in fields.fields)
            # A field with an error is no value here, but it has one typed: no second error.
            typed = any(bound.name in self.errors for bound in fields.fields)
            if note and not given and not typed:
                self.add_error(
                    fields.note.name,
                    ValidationError(
                        _("Give a value for the note to go with, or leave the note empty."),
                        code="note_without_value",
                    ),
                )
        return cleaned

    def values(self) -> list[ValueInput] | None:
        """The indicator values as the services take them, or None where the form asks for
        none (which leaves the report's values as they are). The note goes with the total,
        or with the first series given when the total is left empty."""
        if not self.indicator_fields:
            return None
        items = []
        for fields in self.indicator_fields:
            note = self.cleaned_data.get(fields.note.name) or ""
            for bound, dimension, category in fields.series:
                value = self.cleaned_data.get(bound.name)
                items.append(
                    ValueInput(
                        indicator=fields.indicator,
                        value=value,
                        dimension=dimension,
                        category=category,
                        note=note if value is not None else "",
                    )
                )
                if value is not None:
                    note = ""
        return items

    def content(self) -> dict:
        return {field: self.cleaned_data[field] for field in ReportContent.CONTENT_FIELDS}


class StartReportForm(forms.Form):
    """Which report to start: the "Start report" buttons of "Mina uppdrag" send these."""

    organisation = forms.IntegerField(min_value=1, max_value=BIGINT_MAX, widget=forms.HiddenInput)
    assignment = forms.IntegerField(min_value=1, max_value=BIGINT_MAX, widget=forms.HiddenInput)
    period = forms.IntegerField(min_value=1, max_value=BIGINT_MAX, widget=forms.HiddenInput)


class SubmitForm(forms.Form):
    """The confirmation step: submits exactly the content the reporter was shown."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput)
