"""
The portal's admin site: its header, title and front page, and changelists that answer bad
filter values with a clear page instead of a server error.

Every ModelAdmin registered on the site, the portal's and those of Django's and other apps'
(auth, axes), gets ``SafeChangeListMixin``: a filter or search value that no column can hold
(a NUL character), a number out of range (``?submitted_at__year=9999``) or a value a filter
cannot read is an "incorrect lookup", which the admin answers by redirecting to ``?e=1``; that
page says in the user's language that the filters could not be applied, with status 400.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DataError
from django.utils.text import format_lazy, smart_split
from django.utils.translation import gettext_lazy as _

from .params import has_nul, to_int

if TYPE_CHECKING:
    # What the mixins below are mixed into, for the type checker only.
    from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
    from django.contrib.admin.widgets import AutocompleteMixin

    _AutocompleteBase = AutocompleteMixin
    _FormFieldsBase = BaseModelAdmin[Any]
    _InlineBase = InlineModelAdmin[Any, Any]
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _AutocompleteBase = _FormFieldsBase = _InlineBase = _ModelAdminBase = object


def _beyond_key_range(python) -> bool:
    """Whether a key read as a number is one no 64-bit key column holds."""
    return isinstance(python, int) and to_int(python) is None


def _readable_key(field, value) -> bool:
    """Whether ``value`` can be looked up in the key column ``field``."""
    if has_nul([value]):
        return False
    try:
        python = field.to_python(value)
    except ValidationError:
        return False
    return not _beyond_key_range(python)


class SafeAutocompleteMixin(_AutocompleteBase):
    """
    Django's autocomplete widget looks up the values it is given to show their labels; a
    value the key column cannot hold (" ", "²", a number past 64 bits) made that lookup fail
    while showing a form again after an error. Such a value is simply not shown as chosen.
    """

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        key = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))
        return super().optgroups(name, [item for item in value if _readable_key(key, item)], attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """
    Django checks each chosen key's type but not its range: a key past 64 bits reached the
    ``IN`` query and failed there. Here it is an invalid choice, as any unknown key is.
    """

    def _check_values(self, value):
        assert self.queryset is not None  # a ModelChoiceField is always given one
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for item in value:
            try:
                python = key.to_python(item)
            except ValidationError:
                continue  # Django names it as an invalid value itself
            if _beyond_key_range(python):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        # Django's private method, which the stubs leave out.
        return super()._check_values(value)  # type: ignore[misc]


class SafeFormFieldsMixin(_FormFieldsBase):
    """Autocomplete fields of a ModelAdmin or an inline use the safe widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# The most rows an inline form accepts in one request. Django allows the number of rows a
# request claims up to 1,000 more than the inline's maximum, and builds a form for each: a
# crafted count made one request build a thousand forms. No organisation, assignment or
# person of the portal has near this many rows in one inline.
INLINE_ROWS_MAX = 100


class SafeInlineMixin(SafeFormFieldsMixin, _InlineBase):
    def get_max_num(self, request, obj=None, **kwargs):
        return min(super().get_max_num(request, obj, **kwargs) or INLINE_ROWS_MAX, INLINE_ROWS_MAX)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", INLINE_ROWS_MAX)
        return super().get_formset(request, obj, **kwargs)


_safe_inlines: dict[type, type] = {}


def _safe_inline(inline_class: type) -> type:
    if issubclass(inline_class, SafeInlineMixin):
        return inline_class
    if inline_class not in _safe_inlines:
        _safe_inlines[inline_class] = type(
            inline_class.__name__, (SafeInlineMixin, inline_class), {}
        )
    return _safe_inlines[inline_class]


DRILL_DOWN_RANGES = {"year": (2, 9998), "month": (1, 12), "day": (1, 31)}
# The most words a search looks for. Each word is one more condition over every search field:
# hundreds of them overflow SQLite's expression depth, and no one searches with so many.
SEARCH_WORDS = 20


class SafeChangeListMixin(SafeFormFieldsMixin, _ModelAdminBase):
    """Bad filter and search values are incorrect lookups, never server errors."""

    def get_inlines(self, request, obj):
        return [_safe_inline(inline) for inline in super().get_inlines(request, obj)]

    def response_action(self, request, queryset):
        # Django filters the list by the ticked keys as sent: one that is not a key (" ",
        # "²") failed that query. Keys that cannot be read are left out, as unticked.
        post = request.POST.copy()
        post.setlist(
            helpers.ACTION_CHECKBOX_NAME,
            [
                key
                for key in post.getlist(helpers.ACTION_CHECKBOX_NAME)
                if _readable_key(self.opts.pk, key)
            ],
        )
        request.POST = post
        return super().response_action(request, queryset)

    def to_field_allowed(self, request, to_field):
        # ``?_to_field=`` names the field a pop-up's choice is read from: only a column of
        # this model can be one. Django looks the name up among the relations too, and
        # fails on one without a column (a hidden reverse relation is named "+").
        try:
            field = self.opts.get_field(to_field)
        except FieldDoesNotExist:
            return False
        return getattr(field, "concrete", False) and super().to_field_allowed(request, to_field)

    def get_search_results(self, request, queryset, search_term):
        words = list(smart_split(search_term))
        if len(words) > SEARCH_WORDS:
            messages.info(
                request,
                _("Only the first %(count)d words of the search were looked for.")
                % {"count": SEARCH_WORDS},
            )
            search_term = " ".join(words[:SEARCH_WORDS])
        return super().get_search_results(request, queryset, search_term)

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)

        # The base is whichever ChangeList the ModelAdmin uses: a class known only at run time.
        class SafeChangeList(base):  # type: ignore[valid-type, misc]
            def get_filters_params(self, params=None):
                params = super().get_filters_params(params)
                if has_nul(v for values in params.values() for v in values):
                    raise IncorrectLookupParameters("NUL in a filter value")
                if self.date_hierarchy:
                    # The drill-down reads a year, a month and a day, then looks from that
                    # moment to the next year, month or day in the local time zone: years
                    # at the ends of the calendar overflow on the way.
                    for part, (low, high) in DRILL_DOWN_RANGES.items():
                        for value in params.get(f"{self.date_hierarchy}__{part}", []):
                            if to_int(value, minimum=low, maximum=high) is None:
                                raise IncorrectLookupParameters(f"{part} out of range")
                return params

            def get_filters(self, request):
                try:
                    return super().get_filters(request)
                except (ValueError, OverflowError) as error:
                    # A filter that cannot read its value (the drill-down's range is checked
                    # above) is an incorrect lookup, not a server error.
                    raise IncorrectLookupParameters(error) from error

            def get_results(self, request):
                try:
                    return super().get_results(request)
                except (ValueError, OverflowError) as error:
                    raise IncorrectLookupParameters(error) from error

            def get_queryset(self, request, exclude_parameters=None):
                if has_nul([self.query]):
                    raise IncorrectLookupParameters("NUL in the search")
                try:
                    return super().get_queryset(request, exclude_parameters)
                except (ValueError, OverflowError, DataError) as error:
                    raise IncorrectLookupParameters(error) from error

        return SafeChangeList

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.warning(
                request,
                _("The list could not be filtered or searched as asked, so it is shown whole."),
            )
            raise

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if ERROR_FLAG in request.GET and getattr(response, "template_name", None) == (
            "admin/invalid_setup.html"
        ):
            response.status_code = 400
        return response


class PortalAdminSite(admin.AdminSite):
    site_header = format_lazy(
        "{organisation} \N{EN DASH} {portal}",
        organisation=settings.PORTAL_ORGANISATION_NAME,
        portal=_("sustainability portal"),
    )
    site_title = site_header
    index_title = _("Administration")
    # The front page links to the reviewers' tools.
    index_template = "admin/portal_index.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeChangeListMixin):
            admin_class = type(
                admin_class.__name__,
                (SafeChangeListMixin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        return super().register(model_or_iterable, admin_class, **options)
