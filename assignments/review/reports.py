"""
Admin for people, organisations, assignments, reporting periods and reports.

Reports, their versions, attachments and events are written by the reporters' pages and by
``assignments.services`` only: here they are read-only, so a reviewer never changes a
reporter's text and the log stays as it was written.

The sustainability office reviews reports here. The report list opens on the review queue
(the open period's submitted reports, oldest first); a report's page shows the submitted
version beside the organisation's previous one, with the changes marked, and the decisions
the reviewer may take. Every decision, one by one or in bulk, calls the service function the
staff pages call, so it is checked, logged and e-mailed the same way; the admin's own log
(LogEntry) records it as well.
"""

from __future__ import annotations

import copy
import difflib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Field, Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.defaultfilters import filesizeformat
from django.template.response import SimpleTemplateResponse, TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import (
    Truncator,
    capfirst,
    smart_split,
    unescape_string_literal,
)
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from assignments import selectors, services
from assignments.models import (
    Assignment,
    Attachment,
    Indicator,
    Organisation,
    Report,
    ReportAction,
    ReportContent,
    ReportingPeriod,
    ReportStatus,
    ReportVersion,
    Transition,
)
from assignments.selectors.pages import KeyFirstPaginator
from assignments.selectors.reported_values import (
    IndicatorValues,
    previous_values,
    value_groups,
)
from goals.models import CouncilGoal, Framework, GlobalGoal
from malmo_portal.params import to_int

from .base import REPORT_RELATED, PeriodListFilter, ReadOnlyInlineMixin

if TYPE_CHECKING:
    from django.db.models.options import Options
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Reports: read-only, written by the reporters' pages and assignments.services


def attachment_url(attachment: Attachment) -> str:
    """A report's document through the download view, which checks who may read it."""
    return reverse("assignments:attachment_download", args=[attachment.report_id, attachment.pk])


class ReportVersionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ReportVersion
    fields = ("number", "created_at", "created_by", "progress", "percent_complete")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class AttachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Attachment
    fields = ("download", "content_type", "file_size", "uploaded_at", "uploaded_by", "detached")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', attachment_url(obj), obj.original_name)

    @admin.display(description=_("size"))
    def file_size(self, obj: Attachment) -> str:
        return filesizeformat(obj.size)


# The review queue: filters of the report list


class OpenPeriodFilter(admin.SimpleListFilter):
    """Reports of the periods that are open now (the review queue's), or of closed ones."""

    title = _("reporting period open")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open periods")), ("no", _("Closed or not yet opened periods"))]

    def queryset(self, request, queryset):
        open_periods = ReportingPeriod.objects.open().values("pk")
        if self.value() == "yes":
            return queryset.filter(period__in=open_periods)
        if self.value() == "no":
            return queryset.exclude(period__in=open_periods)
        return queryset


# The review queue: what awaits review in every open period, oldest first.
QUEUE_FILTERS = {"status__exact": ReportStatus.SUBMITTED, OpenPeriodFilter.parameter_name: "yes"}


def queue_filters() -> dict[str, str]:
    """The query of the review queue."""
    return dict(QUEUE_FILTERS)


# The query parameter of the "every report" link: the bare list opens the review queue.
ALL_REPORTS = "all"


def opens_the_queue(request: HttpRequest) -> bool:
    """The bare report list opens the review queue; any query (filters, search, or the
    "every report" link) shows what it asks for."""
    return request.method == "GET" and not request.GET


def search_words(search_term: str) -> list[str]:
    """The words of an admin search, a quoted phrase as one, as Django's search splits them."""
    words = []
    for word in smart_split(search_term):
        if word[:1] in ('"', "'") and word[0] == word[-1]:
            word = unescape_string_literal(word)
        words.append(word)
    return words


class CouncilGoalListFilter(admin.RelatedFieldListFilter):
    """Filter by the assignment's council goal; the labels read goal area and year at once."""

    def field_choices(self, field, request, model_admin):
        goals = CouncilGoal.objects.select_related("area__budget").order_by(
            "-area__budget__year", "area__number", "number"
        )
        return [
            (goal.pk, f"{goal.area.budget.year} {goal.code} {Truncator(goal.text).chars(60)}")
            for goal in goals
        ]


class OrganisationSelectFilter(admin.RelatedFieldListFilter):
    """
    Filter by organisation with a drop-down list and a button instead of a link per
    organisation.

    The admin's own filter builds a whole query string for every choice and, to offer only
    organisations that have reports, looks through every report: on a city with ten times
    Malmö's committees and companies that made the review queue 1.9 times slower. Here a
    choice is an option, the other filters ride along as hidden fields, and the
    organisations come from their own table. "All" sends an empty value, which is ignored.
    """

    template = "admin/assignments/report/select_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        lookup = f"{field_path}__{field.target_field.name}__exact"
        if params.get(lookup) == [""]:
            del params[lookup]
        super().__init__(field, request, params, model, model_admin, field_path)
        self.hidden_params: list[tuple[str, str]] = []
        self.options_html = ""

    def field_choices(self, field, request, model_admin):
        return list(Organisation.objects.order_by("name").values_list("pk", "name"))

    def choices(self, changelist):
        own = {self.lookup_kwarg, self.lookup_kwarg_isnull}
        self.hidden_params = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in own
            for value in values
        ]
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else None
        selected = set(self.lookup_val or [])
        choices: list[dict[str, Any]] = [
            {"value": "", "display": _("All"), "selected": not selected},
            *(
                {
                    "value": pk,
                    "display": f"{name} ({counts[f'{pk}__c']})" if counts else name,
                    "selected": str(pk) in selected,
                }
                for pk, name in self.lookup_choices
            ),
        ]
        # Written in Python, not by a loop in the template: an option per organisation, with
        # what format_html would give (the standard library's escape, as Django's own uses).
        self.options_html = mark_safe(
            "".join(
                f'<option value="{html.escape(str(c["value"]))}"'
                f"{' selected' if c['selected'] else ''}>{html.escape(str(c['display']))}</option>"
                for c in choices
            )
        )
        yield from choices


class OrganisationKindListFilter(admin.ChoicesFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("organisation kind")


class SdgGoalListFilter(admin.SimpleListFilter):
    """Reports on assignments linked to an Agenda 2030 goal (``?sdg=11``)."""

    title = _("Agenda 2030 goal")
    parameter_name = "sdg"

    def lookups(self, request, model_admin):
        return [(str(goal.number), str(goal)) for goal in GlobalGoal.objects.sdg()]

    def queryset(self, request, queryset):
        number = to_int(self.value(), minimum=1, maximum=99)
        if number is None:
            return queryset
        # A subquery, not a join: a report appears once however many goals it matches.
        assignments = Assignment.objects.filter(
            global_goals__framework=Framework.SDG, global_goals__number=number
        )
        return queryset.filter(assignment__in=assignments.values("pk"))


# The review page: the submitted version beside the organisation's previous one

WORD = re.compile(r"(\S+)(\s*)")


def previous_version(report: Report, version: ReportVersion | None) -> ReportVersion | None:
    """
    What the submitted ``version`` is compared with: the report's version before it, or
    else the latest submitted version of the same assignment and organisation in the
    latest earlier period that has one.
    """
    if version is None:
        return None
    related = ("report__period__budget", "created_by")
    earlier = (
        report.versions.filter(number__lt=version.number)
        .select_related(*related)
        .order_by("-number")
        .first()
    )
    if earlier is not None:
        return earlier
    return (
        ReportVersion.objects.filter(
            report__assignment_id=report.assignment_id,
            report__organisation_id=report.organisation_id,
            report__period__deadline__lt=report.period.deadline,
        )
        .select_related(*related)
        .order_by("-report__period__deadline", "-number")
        .first()
    )


def _marked(tag: str, words: list[tuple[str, str]]) -> SafeString:
    """Words wrapped in <ins> or <del>, told to screen readers too; trailing space outside."""
    text = "".join(word + space for word, space in words)
    body = text.rstrip()
    hidden = gettext("added:") if tag == "ins" else gettext("removed:")
    return format_html(
        '<{}><span class="visually-hidden">{} </span>{}</{}>{}',
        tag,
        hidden,
        body,
        tag,
        text[len(body) :],
    )


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """
    ``old`` with its removed words marked <del>, and ``new`` with its added words marked
    <ins>, compared word by word (a change of spacing alone is no change). Escaped.
    """
    old_words, new_words = WORD.findall(old), WORD.findall(new)
    matcher = difflib.SequenceMatcher(
        a=[word for word, _space in old_words],
        b=[word for word, _space in new_words],
        autojunk=False,
    )
    left: list[str] = [escape(old[: len(old) - len(old.lstrip())])]
    right: list[str] = [escape(new[: len(new) - len(new.lstrip())])]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append(escape("".join(w + s for w, s in old_words[i1:i2])))
            right.append(escape("".join(w + s for w, s in new_words[j1:j2])))
            continue
        if i1 < i2:
            left.append(_marked("del", old_words[i1:i2]))
        if j1 < j2:
            right.append(_marked("ins", new_words[j1:j2]))
    # Every piece is escaped above, or built with format_html.
    return mark_safe("".join(left)), mark_safe("".join(right))


@dataclass(frozen=True)
class ComparedField:
    label: StrOrPromise
    previous: SafeString
    current: SafeString
    changed: bool


def _shown(version: ReportVersion, name: str) -> str:
    if name == "progress":
        return str(version.get_progress_display())
    if name == "percent_complete":
        return "" if version.percent_complete is None else f"{version.percent_complete} %"
    return getattr(version, name)


def compare_versions(previous: ReportVersion | None, current: ReportVersion) -> list[ComparedField]:
    """Each content field of ``current`` beside ``previous``'s, with the changes marked."""
    rows = []
    for name in ReportContent.CONTENT_FIELDS:
        field = ReportVersion._meta.get_field(name)
        assert isinstance(field, Field)  # the content fields are the version's own columns
        label = capfirst(field.verbose_name)
        new = _shown(current, name)
        if previous is None:
            if new:
                rows.append(ComparedField(label, mark_safe(""), format_html("{}", new), False))
            continue
        old = _shown(previous, name)
        if old or new:
            left, right = word_diff(old, new)
            rows.append(ComparedField(label, left, right, old.split() != new.split()))
    return rows


def compared_values(report: Report, version: ReportVersion) -> list[IndicatorValues]:
    """
    The version's indicator values (and the indicators the organisation is asked for on the
    assignment that it left empty), each series beside its latest published value before the
    report's period.
    """
    asked = list(Indicator.objects.reported_by(report.organisation, report.assignment))
    values = list(version.reported_values.select_related("indicator"))
    indicators = {indicator.pk: indicator for indicator in asked}
    indicators.update((value.indicator_id, value.indicator) for value in values)
    return value_groups(
        values, asked=asked, previous=previous_values(indicators.values(), report.period)
    )


# The review decisions


class DecisionForm(forms.Form):
    """A decision on the version the reviewer read; ``version`` tells which one that was."""

    # None in a form that asks for no note (PublishForm).
    note: forms.CharField | None = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The reporters see it in the report's history."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SendBackForm(DecisionForm):
    note = forms.CharField(
        label=_("What should the reporters change?"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The reporters read this note on the report and receive it by e-mail."),
        error_messages={"required": _("Write a note telling the reporters what to change.")},
    )


class ReopenForm(DecisionForm):
    note = forms.CharField(
        label=_("What should be corrected?"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "The reporters read this note on the report. A published report stays public "
            "as it is until the corrected one is published."
        ),
        error_messages={"required": _("Write a note telling the reporters what to correct.")},
    )


class PublishForm(DecisionForm):
    note = None


@dataclass(frozen=True)
class Decision:
    """A transition a reviewer makes in the admin, and the service function that makes it.
    The states it is offered in are the workflow's (``TRANSITIONS``)."""

    transition: Transition
    permission: str
    form_class: type[DecisionForm]
    apply: Callable[..., Report]
    action: ReportAction
    button: StrOrPromise
    done: StrOrPromise
    done_many: StrOrPromise
    refused_many: StrOrPromise

    @property
    def name(self) -> str:
        return str(self.transition.value)

    @property
    def url_name(self) -> str:
        return f"assignments_report_{self.name}"

    def log_message(self, note: str) -> str:
        label = str(self.action.label)
        return f"{label}: {note}" if note else label


DECISIONS = {
    decision.name: decision
    for decision in [
        Decision(
            transition=Transition.APPROVE,
            permission="assignments.review_report",
            form_class=DecisionForm,
            apply=lambda *, report, by, note: services.approve_report(
                report=report, by=by, note=note
            ),
            action=ReportAction.APPROVED,
            button=_("Approve"),
            done=_("The report “%(report)s” was approved."),
            done_many=ngettext_lazy(
                "%(count)d report was approved.", "%(count)d reports were approved.", "count"
            ),
            refused_many=ngettext_lazy(
                "%(count)d report was not approved:",
                "%(count)d reports were not approved:",
                "count",
            ),
        ),
        Decision(
            transition=Transition.SEND_BACK,
            permission="assignments.review_report",
            form_class=SendBackForm,
            apply=lambda *, report, by, note: services.return_report(
                report=report, by=by, note=note
            ),
            action=ReportAction.RETURNED,
            button=_("Send back"),
            done=_("The report “%(report)s” was sent back to the reporters."),
            done_many=ngettext_lazy(
                "%(count)d report was sent back.", "%(count)d reports were sent back.", "count"
            ),
            refused_many=ngettext_lazy(
                "%(count)d report was not sent back:",
                "%(count)d reports were not sent back:",
                "count",
            ),
        ),
        Decision(
            transition=Transition.PUBLISH,
            permission="assignments.publish_report",
            form_class=PublishForm,
            apply=lambda *, report, by, note: services.publish_report(report=report, by=by),
            action=ReportAction.PUBLISHED,
            button=_("Publish"),
            done=_("The report “%(report)s” was published."),
            done_many=ngettext_lazy(
                "%(count)d report was published.", "%(count)d reports were published.", "count"
            ),
            refused_many=ngettext_lazy(
                "%(count)d report was not published:",
                "%(count)d reports were not published:",
                "count",
            ),
        ),
        Decision(
            transition=Transition.REOPEN,
            permission="assignments.review_report",
            form_class=ReopenForm,
            apply=lambda *, report, by, note: services.reopen_report(
                report=report, by=by, note=note
            ),
            action=ReportAction.REOPENED,
            button=_("Reopen for a correction"),
            done=_("The report “%(report)s” was reopened for a correction."),
            done_many=ngettext_lazy(
                "%(count)d report was reopened.", "%(count)d reports were reopened.", "count"
            ),
            refused_many=ngettext_lazy(
                "%(count)d report was not reopened:",
                "%(count)d reports were not reopened:",
                "count",
            ),
        ),
    ]
}


@dataclass(frozen=True)
class DecisionOnPage:
    decision: Decision
    form: DecisionForm
    url: str


# The report admin


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "assignment_label",
        "organisation",
        "period_and_deadline",
        "status",
        "progress_label",
        "submission",
    ]
    list_filter = [
        OpenPeriodFilter,
        ("period", PeriodListFilter),
        "status",
        "progress",
        ("organisation__kind", OrganisationKindListFilter),
        ("organisation", OrganisationSelectFilter),
        ("assignment__council_goal", CouncilGoalListFilter),
        SdgGoalListFilter,
    ]
    list_select_related = [*REPORT_RELATED, "submitted_by"]
    # A page of the queue is chosen on the reports alone, then read with its relations.
    paginator = KeyFirstPaginator
    # "100 results (25,350 total)" counts the whole table on every page of the queue.
    show_full_result_count = False
    search_fields = [
        "assignment__code",
        "assignment__title",
        "organisation__name",
        "summary",
        "narrative",
    ]
    date_hierarchy = "submitted_at"
    # The oldest submission first: the review queue is worked through in order of arrival.
    ordering = [F("submitted_at").asc(nulls_last=True), "pk"]  # type: ignore[list-item]  # the admin orders by expressions too; the stubs allow names only
    actions = ["approve_selected", "send_back_selected"]
    fieldsets = [
        (None, {"fields": ["assignment", "organisation", "period", "status"]}),
        (_("Progress"), {"fields": ["progress", "percent_complete", "contributed_targets"]}),
        (
            _("Text"),
            {
                "fields": [
                    "summary",
                    "narrative",
                    "global_goals_integration",
                    "next_steps",
                    "obstacles",
                ]
            },
        ),
        (
            _("Review"),
            {
                "fields": [
                    "review_note",
                    "current_version",
                    "published_version",
                    "submitted_at",
                    "submitted_by",
                ]
            },
        ),
        (
            _("History"),
            {"fields": ["created_at", "updated_at", "edit_version"], "classes": ["collapse"]},
        ),
    ]
    # Every field: a report's content and state change only through assignments.services.
    readonly_fields = flatten_fieldsets(fieldsets)
    # The event log is shown at the top of the page, with the review.
    inlines = [ReportVersionInline, AttachmentInline]

    def get_queryset(self, request):
        # The list's columns, and what the review page and the decisions read (str(report)).
        # The changelist adds list_select_related only to a queryset without select_related.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Its versions and log are kept for good; so is the report they belong to.
        return False

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("assignments.review_report")

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("assignments.publish_report")

    def save_model(self, request, obj, form, change) -> None:
        # With every field read-only, saving would only write back what was read, possibly
        # over a reporter's save made in between.
        if form.changed_data:
            super().save_model(request, obj, form, change)

    def get_search_results(self, request, queryset, search_term):
        """
        Django's search, where each word must match one of ``search_fields``, with each field
        matched in a subquery of its own table: PostgreSQL then finds the words in the
        report texts through their trigram indexes (migration 0005). ORed across the joined
        tables, as Django writes the search, no index can serve it.
        """
        for word in search_words(search_term):
            matches = Q()
            for field in self.search_fields:
                relation, _sep, name = field.partition("__")
                if name:
                    related = Report._meta.get_field(relation).related_model
                    # search_fields follow relations, which Django has resolved to models.
                    assert related is not None and not isinstance(related, str)
                    found = related._default_manager.filter(**{f"{name}__icontains": word})
                    matches |= Q(**{f"{relation}__in": found.values("pk")})
                else:
                    found = Report.objects.filter(**{f"{relation}__icontains": word})
                    matches |= Q(pk__in=found.values("pk"))
            queryset = queryset.filter(matches)
        return queryset, False

    @admin.display(description=_("assignment"), ordering="assignment__code")
    def assignment_label(self, obj: Report) -> str:
        return Truncator(str(obj.assignment)).chars(80)

    @admin.display(description=_("progress"), ordering="progress")
    def progress_label(self, obj: Report) -> str:
        if obj.percent_complete is None:
            return obj.get_progress_display()
        return f"{obj.get_progress_display()} ({obj.percent_complete}\N{NO-BREAK SPACE}%)"

    @admin.display(description=_("period and deadline"), ordering="period__deadline")
    def period_and_deadline(self, obj: Report) -> str:
        return format_html(
            '{}<span class="list-detail">{} {}</span>',
            obj.period,
            gettext("deadline"),
            date_format(obj.period.deadline, "j F Y"),
        )

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submission(self, obj: Report) -> str:
        """When and by whom, and how many days past the deadline (until today if not yet)."""
        day = timezone.localdate(obj.submitted_at) if obj.submitted_at else timezone.localdate()
        late = (day - obj.period.deadline).days
        lateness = (
            ngettext("%(days)d day late", "%(days)d days late", late) % {"days": late}
            if late > 0
            else ""
        )
        if obj.submitted_at is None:
            return format_html('–<span class="list-detail late">{}</span>', lateness)
        return format_html(
            '{}<span class="list-detail">{}</span><span class="list-detail late">{}</span>',
            date_format(timezone.localtime(obj.submitted_at), "j F Y H:i"),
            obj.submitted_by or "",
            lateness,
        )

    # The queue

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)

        # The base is whichever ChangeList the admin site gives: a class known only at run time.
        class ReportChangeList(base):  # type: ignore[valid-type, misc]
            """Clearing the filters shows every report: the bare list is the queue."""

            # Where "Show all" beside the result count leads (templates/admin/search_form.html).
            everything_qs = f"?{ALL_REPORTS}=1"

            def get_queryset(self, request, exclude_parameters=None):
                queryset = super().get_queryset(request, exclude_parameters)
                # Django works out the clearing link while filtering: add to it then.
                separator = "&" if self.clear_all_filters_qs not in ("", "?") else ""
                self.clear_all_filters_qs += f"{separator}{ALL_REPORTS}=1"
                return queryset

            @property
            def active_filters(self) -> list[tuple[str, str]]:
                """The filters applied, as (title, chosen value), to show above the list."""
                shown = []
                for spec in self.filter_specs:
                    if not spec.used_parameters:
                        continue
                    chosen = [c["display"] for c in spec.choices(self) if c["selected"]]
                    shown.append((str(spec.title), str(chosen[0]) if chosen else ""))
                return shown

        return ReportChangeList

    def changelist_view(self, request, extra_context=None):
        if opens_the_queue(request):
            return HttpResponseRedirect(f"{request.path}?{urlencode(queue_filters())}")
        if ALL_REPORTS in request.GET:
            # Not a lookup the changelist knows: take it out so it shows every report.
            request.GET = request.GET.copy()
            del request.GET[ALL_REPORTS]
        extra_context = extra_context or {}
        in_queue = request.GET.dict() == QUEUE_FILTERS
        extra_context["in_queue"] = in_queue
        # The queue is a work surface: the list gets the width the admin's menu would take.
        extra_context["is_nav_sidebar_enabled"] = False
        if in_queue:
            extra_context["open_periods"] = selectors.open_periods()
        extra_context["title"] = gettext("Review queue") if in_queue else gettext("Reports")
        extra_context["all_reports_url"] = f"{request.path}?{ALL_REPORTS}=1"
        if self.has_publish_permission(request):
            period = to_int(request.GET.get("period__id__exact"), minimum=1)
            url = reverse("admin:assignments_report_publish_period")
            extra_context["publish_period_url"] = (
                f"{url}?{urlencode({'period': period})}" if period else url
            )
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and changelist.query and not changelist.result_count:
            # A search narrowed by filters found nothing: say whether all reports hold it.
            found, _duplicates = self.get_search_results(
                request, self.get_queryset(request), changelist.query
            )
            # Only a rendered list has a changelist: a template response and its context.
            assert isinstance(response, SimpleTemplateResponse)
            assert response.context_data is not None
            response.context_data["found_elsewhere"] = found.count()
        return response

    # The review page

    def get_urls(self):
        view = self.admin_site.admin_view
        decisions = [
            path(
                f"<path:object_id>/{decision.name.replace('_', '-')}/",
                view(self.decision_view),
                {"decision": decision.name},
                name=decision.url_name,
            )
            for decision in DECISIONS.values()
        ]
        return [
            path(
                "publish-period/",
                view(self.publish_period_view),
                name="assignments_report_publish_period",
            ),
            *decisions,
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["review"] = self.review_context(
                request, obj, context.get("decision_forms") or {}
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_context(self, request, report: Report, bound_forms: dict) -> dict:
        version = (
            ReportVersion.objects.select_related("created_by")
            .filter(pk=report.current_version_id)
            .first()
            if report.current_version_id is not None
            else None
        )
        previous = previous_version(report, version)
        preserved: dict[str, Options[Any] | str] = {
            "preserved_filters": self.get_preserved_filters(request),
            "opts": self.opts,
        }
        decisions = [
            DecisionOnPage(
                decision,
                bound_forms.get(decision.name)
                or decision.form_class(
                    initial={"version": report.current_version_id},
                    auto_id=f"id_{decision.name}_%s",
                ),
                add_preserved_filters(
                    preserved, reverse(f"admin:{decision.url_name}", args=[report.pk])
                ),
            )
            for decision in DECISIONS.values()
            if report.can(decision.transition) and request.user.has_perm(decision.permission)
        ]
        return {
            "version": version,
            "previous": previous,
            "rows": compare_versions(previous, version) if version else [],
            "values": compared_values(report, version) if version else [],
            "targets": version.contributed_targets.select_related("goal") if version else [],
            "attachments": [
                (attachment, attachment_url(attachment))
                for attachment in (version.attachments.all() if version else [])
            ],
            "events": report.events.select_related("actor", "version").order_by("-at", "-pk"),
            "decisions": decisions,
            "has_errors": any(form.errors for form in bound_forms.values()),
        }

    def _review_page_url(self, request, report: Report) -> str:
        return add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts},
            reverse("admin:assignments_report_change", args=[report.pk]),
        )

    def decision_view(self, request, object_id: str, decision: str) -> HttpResponse:
        """Approve, send back, publish or reopen one report, then back to its page."""
        chosen = DECISIONS[decision]
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(chosen.permission):
            raise PermissionDenied
        report = self.get_object(request, unquote(object_id))
        if report is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]  # private ModelAdmin method missing from the stubs
        form = chosen.form_class(request.POST, auto_id=f"id_{chosen.name}_%s")
        if not form.is_valid():
            # The page again, as a GET renders it, with the error and what was typed.
            page_request = copy.copy(request)
            page_request.method = "GET"
            return self.change_view(
                page_request, object_id, extra_context={"decision_forms": {chosen.name: form}}
            )
        back = self._review_page_url(request, report)
        read = form.cleaned_data["version"]
        if read is not None and read != report.current_version_id:
            messages.error(
                request,
                gettext(
                    "The report “%(report)s” was submitted again after you opened it. "
                    "Read the new version before you decide."
                )
                % {"report": report},
            )
            return HttpResponseRedirect(back)
        _done, refused = self._decide(request, [report], chosen, note=form.cleaned_data.get("note"))
        if refused:
            messages.error(request, refused[0])
        else:
            messages.success(request, chosen.done % {"report": report})
        return HttpResponseRedirect(back)

    def _decide(
        self, request, reports: Iterable[Report], decision: Decision, *, note: str | None = None
    ) -> tuple[list[Report], list[str]]:
        """
        Make ``decision`` on each report in its own transaction, with its LogEntry. A report
        in the wrong state is left as it is, and why is returned; the others go through.
        """
        done, refused = [], []
        for report in reports:
            try:
                with transaction.atomic():
                    decision.apply(report=report, by=request.user, note=note or "")
                    self.log_change(request, report, decision.log_message(note or ""))
            except ValidationError as error:
                refused.append(" ".join(error.messages))
            else:
                done.append(report)
        return done, refused

    # Bulk decisions

    def _decide_many(self, request, queryset, decision: Decision, *, note: str = "") -> None:
        """``decision`` on every report of ``queryset``; the refused ones named in a warning."""
        reports = queryset.select_related(*REPORT_RELATED).order_by("pk")
        done, refused = self._decide(request, reports, decision, note=note)
        if done:
            messages.success(request, decision.done_many % {"count": len(done)})
        if refused:
            messages.warning(
                request,
                format_html(
                    "{}<ul>{}</ul>",
                    decision.refused_many % {"count": len(refused)},
                    format_html_join("", "<li>{}</li>", ((reason,) for reason in refused)),
                ),
            )

    @admin.action(description=_("Approve the selected reports"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._decide_many(request, queryset, DECISIONS["approve"])

    @admin.action(description=_("Send back the selected reports…"), permissions=["review"])
    def send_back_selected(self, request, queryset):
        """Ask for one note, then send every selected report back with it."""
        decision = DECISIONS["send_back"]
        confirmed = "confirm" in request.POST
        form = decision.form_class(request.POST if confirmed else None, auto_id="id_%s")
        if confirmed and form.is_valid():
            self._decide_many(request, queryset, decision, note=form.cleaned_data["note"])
            return None
        reports = queryset.select_related(*REPORT_RELATED, "submitted_by").order_by("pk")
        return TemplateResponse(
            request,
            "admin/assignments/report/send_back_selected.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Send back the selected reports"),
                "opts": self.opts,
                "reports": reports,
                "form": form,
                "action": "send_back_selected",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            },
        )

    def publish_period_view(self, request) -> HttpResponse:
        """
        Publish every approved report of a period: choose the period, read the list, confirm.
        Exactly the reports listed are published, so none is published unseen.
        """
        if not self.has_publish_permission(request):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        request.current_app = self.admin_site.name
        periods = list(
            ReportingPeriod.objects.select_related("budget")
            .annotate(approved=Count("reports", filter=Q(reports__status=ReportStatus.APPROVED)))
            .order_by("-budget__year", "deadline")
        )
        chosen = to_int(request.POST.get("period") or request.GET.get("period"))
        period = next((p for p in periods if p.pk == chosen), None)
        if request.method == "POST" and period is not None:
            listed = [to_int(pk) for pk in request.POST.getlist("report")]
            listed = [pk for pk in listed if pk is not None]
            listed_reports = Report.objects.filter(period=period, pk__in=listed)
            self._decide_many(request, listed_reports, DECISIONS["publish"])
            query = urlencode(
                {"period__id__exact": period.pk, "status__exact": ReportStatus.PUBLISHED}
            )
            return HttpResponseRedirect(f"{reverse('admin:assignments_report_changelist')}?{query}")
        reports = (
            Report.objects.filter(period=period, status=ReportStatus.APPROVED)
            .select_related(*REPORT_RELATED, "submitted_by")
            .order_by("assignment__code", "organisation__name")
            if period is not None
            else Report.objects.none()
        )
        return TemplateResponse(
            request,
            "admin/assignments/report/publish_period.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Publish a period’s approved reports"),
                "opts": self.opts,
                "periods": periods,
                "period": period,
                "reports": reports,
            },
        )
