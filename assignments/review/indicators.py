"""
Indicators: their definitions and targets, their values read-only, and the import and export
of their yearly values as a file (``value_files``: Open SDG's tidy CSV).

Values are never typed in the admin: Kolada's arrive with ``sync_kolada``, reporters' with
their published reports, and the office changes the others by importing a file. The import is
checked whole and previewed row by row; the confirmation saves every row or none
(``services.import_values``).
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assignments import services
from assignments.models import (
    Indicator,
    IndicatorSource,
    IndicatorTarget,
    IndicatorValue,
    ValueOrigin,
)
from assignments.selectors.indicators import summarise, with_series
from malmo_portal.params import to_int

from .value_files import (
    MAX_BYTES,
    ValueFile,
    plain_number,
    read_value_file,
    write_value_file,
    yearly_values,
)

IMPORT_PERMISSION = "assignments.import_indicator_values"
# How long a preview can be confirmed: long enough to read it, short enough that an old
# browser tab cannot save a file over newer values (the values are compared as well).
PREVIEW_MAX_AGE = 60 * 60


INDICATOR_FIELDS = [
    "code",
    "title_sv",
    "title_en",
    "definition_sv",
    "definition_en",
    "unit",
    "higher_is_better",
    "decimals",
    "baseline_year",
    "baseline_value",
    "baseline_note",
    "source",
    "kolada_kpi",
    "measured_by",
    "source_name",
    "source_url",
    "has_gender_split",
    "council_goals",
    "assignments",
    "global_targets",
    "progress_override",
    "progress_override_note",
]


class HttpsURLField(forms.URLField):
    """An address typed without its scheme is taken as https, as Django 6 will."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        field_classes = {"source_url": HttpsURLField}

    def clean(self):
        cleaned = super().clean() or {}
        instance = self.instance
        if (
            instance.pk
            and cleaned.get("has_gender_split") is False
            and instance.values.filter(dimension="gender").exists()
        ):
            self.add_error(
                "has_gender_split",
                ValidationError(
                    _(
                        "The indicator has values for women and men: it keeps the split while "
                        "it has them."
                    ),
                    code="split_in_use",
                ),
            )
        return cleaned


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    fields = ["year", "value", "note"]
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    list_display = ["code", "short_title", "source_text", "value_count", "latest_year"]
    list_display_links = ["code", "short_title"]
    list_filter = [
        "source",
        "has_gender_split",
        "progress_override",
        ("measured_by", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["measured_by"]
    search_fields = [
        "code",
        "title_sv",
        "title_en",
        "kolada_kpi",
        "source_name",
        "measured_by__name",
    ]
    ordering = ["code"]
    autocomplete_fields = ["measured_by", "council_goals", "assignments", "global_targets"]
    readonly_fields = ["kolada_synced_at", "computed_progress", "value_table"]
    inlines = [IndicatorTargetInline]
    change_form_template = "admin/assignments/indicator/change_form.html"
    import_template = "admin/assignments/indicator/import_values.html"
    fieldsets = [
        (
            gettext_lazy("Indicator"),
            {"fields": ["code", "title_sv", "title_en", "definition_sv", "definition_en"]},
        ),
        (
            gettext_lazy("Unit and number format"),
            {"fields": ["unit", "higher_is_better", "decimals"]},
        ),
        (
            gettext_lazy("Baseline"),
            {"fields": ["baseline_year", "baseline_value", "baseline_note"]},
        ),
        (
            gettext_lazy("Source"),
            {
                "fields": [
                    "source",
                    "kolada_kpi",
                    "measured_by",
                    "source_name",
                    "source_url",
                    "kolada_synced_at",
                ],
                "description": gettext_lazy(
                    "Kolada: give the key figure's id; its values for Malmö are imported. "
                    "Measured by an organisation: choose it and link the assignments it "
                    "reports on; its reports ask for the values. Another source: give its "
                    "name and address, and import its values from a file."
                ),
            },
        ),
        (gettext_lazy("Breakdowns"), {"fields": ["has_gender_split"]}),
        (
            gettext_lazy("Links"),
            {"fields": ["council_goals", "assignments", "global_targets"]},
        ),
        (
            gettext_lazy("Progress towards the target"),
            {
                "fields": ["computed_progress", "progress_override", "progress_override_note"],
                "description": gettext_lazy(
                    "The progress is computed from the baseline, the latest value and the "
                    "target. Set it by hand only where the figures mislead, and say why."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(value_count=Count("values"), latest_year=Max("values__year"))
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets  # a new indicator has no values yet
        return [
            *fieldsets,
            (
                gettext_lazy("Values"),
                {
                    "fields": ["value_table"],
                    "description": gettext_lazy(
                        "Values are not typed here: Kolada's are imported, reporters' are "
                        "published with their reports, and the others are imported from a "
                        "file (Import values above)."
                    ),
                },
            ),
        ]

    @admin.display(description=gettext_lazy("title"), ordering="title_sv")
    def short_title(self, obj: Indicator) -> str:
        return Truncator(str(obj.title)).chars(90)

    @admin.display(description=gettext_lazy("source"), ordering="source")
    def source_text(self, obj: Indicator) -> str:
        if obj.source == IndicatorSource.KOLADA:
            return _("Kolada %(kpi)s") % {"kpi": obj.kolada_kpi}
        if obj.source == IndicatorSource.ORGANISATION and obj.measured_by is not None:
            return obj.measured_by.name
        return obj.source_name or str(obj.get_source_display())

    @admin.display(description=gettext_lazy("values"), ordering="value_count")
    def value_count(self, obj: Indicator) -> int:
        return obj.value_count  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=gettext_lazy("latest year"), ordering="latest_year")
    def latest_year(self, obj: Indicator) -> int | None:
        return obj.latest_year  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=gettext_lazy("computed progress"))
    def computed_progress(self, obj: Indicator) -> str:
        if obj.pk is None:
            return "-"
        indicator = with_series(Indicator.objects.filter(pk=obj.pk)).get()
        # The level the figures give, whatever the office has set: on this copy only.
        indicator.progress_override = ""
        return summarise(indicator).assessment.label

    @admin.display(description=gettext_lazy("values"))
    def value_table(self, obj: Indicator) -> str:
        """Every value of the indicator as it arrived, read-only: a table, not an inline, which
        would be a form with a row per value and a limit on the rows."""
        values = (
            IndicatorValue.objects.filter(indicator=obj)
            .select_related(
                "period__budget",
                "report__assignment",
                "report__organisation",
                "report__period__budget",
            )
            .in_order()
        )
        rows = [
            {
                "value": value,
                "shown": plain_number(value.value),
                "report_url": reverse(
                    "admin:assignments_report_change",
                    args=[value.report_id],
                    current_app=self.admin_site.name,
                )
                if value.report_id
                else "",
            }
            for value in values
        ]
        return render_to_string(
            "admin/assignments/indicator/_values.html",
            {
                "rows": rows,
                "list_url": reverse(
                    "admin:assignments_indicatorvalue_changelist", current_app=self.admin_site.name
                )
                + f"?indicator__id__exact={obj.pk}",
            },
        )

    def save_model(self, request, obj: Indicator, form, change: bool) -> None:
        if "kolada_kpi" in form.changed_data:
            # Another key figure: the next sync_kolada asks for its whole history, not only
            # what changed since the last key figure was imported.
            obj.kolada_synced_at = None
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["has_import_values_permission"] = self.has_import_values_permission(request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Import and export of values

    def has_import_values_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) and request.user.has_perm(IMPORT_PERMISSION)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/values/import/",
                view(self.import_values_view),
                name="assignments_indicator_import_values",
            ),
            path(
                "<path:object_id>/values/export/",
                view(self.export_values_view),
                name="assignments_indicator_export_values",
            ),
            *super().get_urls(),
        ]

    def _indicator(self, object_id: str) -> Indicator:
        pk = to_int(unquote(object_id))
        indicator = Indicator.objects.filter(pk=pk).first() if pk is not None else None
        if indicator is None:
            raise Http404(_("There is no such indicator."))
        return indicator

    def export_values_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        indicator = self._indicator(object_id)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{indicator.code}-values.csv"'
        response.write("\ufeff")  # so that Excel reads the file as UTF-8
        write_value_file(indicator=indicator, values=yearly_values(indicator), out=response)
        return response

    def import_values_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_import_values_permission(request):
            raise PermissionDenied
        indicator = self._indicator(object_id)
        if request.method != "POST":
            return self._import_page(request, indicator, ValueFileForm())
        if "token" in request.POST:
            return self._confirm(request, indicator)
        form = ValueFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._import_page(request, indicator, form)
        result = read_value_file(indicator=indicator, content=form.cleaned_data["file"].read())
        return self._import_page(request, indicator, ValueFileForm(), result)

    def _confirm(self, request: HttpRequest, indicator: Indicator) -> HttpResponse:
        try:
            token = signing.loads(
                request.POST.get("token", ""),
                salt=self._salt(request, indicator),
                max_age=PREVIEW_MAX_AGE,
            )
            content = token["text"].encode("utf-8")
            state = token["state"]
        except (signing.BadSignature, KeyError, TypeError, AttributeError, ValueError):
            messages.error(
                request,
                _("The preview is too old or was not this page's: upload the file again."),
            )
            return self._import_page(request, indicator, ValueFileForm())
        result = read_value_file(indicator=indicator, content=content)
        if result.has_errors:
            return self._import_page(request, indicator, ValueFileForm(), result)
        if state != values_state(indicator):
            messages.warning(
                request,
                _(
                    "The indicator's values changed since the preview. Nothing was saved: "
                    "check the new preview and confirm again."
                ),
            )
            return self._import_page(request, indicator, ValueFileForm(), result)
        values, deleted = result.inputs()
        try:
            saved = services.import_values(
                indicator=indicator, values=values, deleted=deleted, origin=ValueOrigin.IMPORT
            )
        except ValidationError as error:
            messages.error(
                request, _("Nothing was saved: %(error)s") % {"error": " ".join(error.messages)}
            )
            return self._import_page(request, indicator, ValueFileForm(), result)
        summary = _(
            "Values imported from a file: %(created)d new, %(updated)d changed, "
            "%(deleted)d removed, %(unchanged)d unchanged."
        ) % vars(saved)
        self.log_change(request, indicator, summary)
        messages.success(request, summary)
        return HttpResponseRedirect(
            reverse(
                "admin:assignments_indicator_change",
                args=[indicator.pk],
                current_app=self.admin_site.name,
            )
        )

    def _salt(self, request: HttpRequest, indicator: Indicator) -> str:
        return f"assignments.review.indicators.import:{indicator.pk}:{request.user.pk}"

    def _import_page(
        self,
        request: HttpRequest,
        indicator: Indicator,
        form: ValueFileForm,
        result: ValueFile | None = None,
    ) -> TemplateResponse:
        token = ""
        if result is not None and not result.has_errors and result.changes_anything:
            token = signing.dumps(
                {"text": result.text, "state": values_state(indicator)},
                salt=self._salt(request, indicator),
                compress=True,
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import values of %(indicator)s") % {"indicator": indicator.code},
            "subtitle": indicator.title,
            "opts": self.opts,
            "original": indicator,
            "indicator": indicator,
            "from_kolada": indicator.source == IndicatorSource.KOLADA,
            "form": form,
            "result": result,
            "token": token,
            "max_size": filesizeformat(MAX_BYTES),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template, context)


def values_state(indicator: Indicator) -> str:
    """A fingerprint of the indicator's yearly values: changes whenever any of them does."""
    digest = hashlib.sha256()
    for value in yearly_values(indicator):
        key = (value.year, value.dimension, value.category, plain_number(value.value), value.note)
        digest.update(repr(key).encode())
    return digest.hexdigest()


class ValueFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns Year, Gender (where the indicator is split by gender), Value and Note; "
            "UTF-8, separated by commas or semicolons."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file is too large: at most %(size)s.") % {"size": filesizeformat(MAX_BYTES)},
                code="too_large",
            )
        return upload


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    """Every public value, read-only: where it came from and when it was published. Values
    are never typed: they are imported (Kolada, a file) or published with reports."""

    list_display = [
        "indicator",
        "year",
        "period",
        "breakdown",
        "exact_value",
        "origin",
        "published_at",
    ]
    list_filter = ["origin", "dimension", ("indicator", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["indicator", "period__budget"]
    search_fields = ["indicator__code", "indicator__title_sv", "indicator__title_en", "note"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-pk"]
    fields = (
        "indicator",
        "year",
        "period",
        "breakdown",
        "exact_value",
        "origin",
        "report",
        "note",
        "published_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    # Deleting is left to the permission, which reviewers do not hold: an administrator may
    # remove a wrong value, or an indicator with its values.

    @admin.display(description=gettext_lazy("breakdown"))
    def breakdown(self, obj: IndicatorValue) -> str:
        return obj.breakdown_label

    @admin.display(description=gettext_lazy("value"), ordering="value")
    def exact_value(self, obj: IndicatorValue) -> str:
        return plain_number(obj.value)
