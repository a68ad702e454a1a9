"""Forms of the reporters' pages. Forms validate input; the services change state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assignments import uploads
from assignments.models import SUMMARY_MAX_LENGTH, TEXT_MAX_LENGTH, Report, ReportContent
from goals.models import Framework, GlobalTarget, LocalizedText
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
    """Checkboxes in one fieldset per group (per global goal), folded when none is ticked."""

    template_name = "reporting/widgets/grouped_checkboxes.html"
    option_template_name = "reporting/widgets/grouped_checkbox_option.html"


class TargetsField(forms.TypedMultipleChoiceField):
    """The 169 Agenda 2030 targets, grouped by goal, chosen with checkboxes."""

    widget = GroupedCheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("coerce", int)
        super().__init__(choices=self.grouped_choices, **kwargs)

    @staticmethod
    def grouped_choices(linked: frozenset[int] = frozenset()) -> list:
        """
        The targets by goal; the goals the assignment links to (``linked``: goal numbers)
        come first, marked, so the reporter sees at once what the council pointed to.
        """
        groups: dict[int, tuple[GoalGroup, list]] = {}
        targets = GlobalTarget.objects.filter(goal__framework=Framework.SDG).select_related("goal")
        for target in targets:
            goal = target.goal
            if goal.number not in groups:
                title = f"{goal.label} {goal.number}: {goal.title}"
                groups[goal.number] = (GoalGroup(goal.number, title, goal.number in linked), [])
            groups[goal.number][1].append((target.pk, TargetLabel(target.code, target.text)))
        return sorted(groups.values(), key=lambda group: not group[0].linked)

    def clean(self, value):
        pks = super().clean(value)
        return list(GlobalTarget.objects.filter(pk__in=pks))


class MultipleFileInput(forms.ClearableFileInput):
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
    edit_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = ReportContent.CONTENT_FIELDS
        widgets = {
            "progress": forms.RadioSelect,
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "summary": forms.Textarea(attrs={"rows": 3, "maxlength": SUMMARY_MAX_LENGTH}),
            "narrative": forms.Textarea(attrs={"rows": 8}),
            "global_goals_integration": forms.Textarea(attrs={"rows": 6}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
            "obstacles": forms.Textarea(attrs={"rows": 4}),
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
        assignment = self.instance.assignment if self.instance.assignment_id else None
        if assignment is not None:
            linked = frozenset(
                assignment.global_goals.values_list("number", flat=True)
            ) | frozenset(assignment.global_targets.values_list("goal__number", flat=True))
            cast(TargetsField, self.fields["targets"]).choices = TargetsField.grouped_choices(
                linked
            )
        if not self.is_bound:
            self.initial["edit_version"] = self.instance.edit_version
            self.initial["targets"] = list(
                self.instance.contributed_targets.values_list("pk", flat=True)
            )

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
        return cleaned

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
