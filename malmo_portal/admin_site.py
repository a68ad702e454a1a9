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

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import DataError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .params import has_nul


class SafeChangeListMixin:
    """Bad filter and search values are incorrect lookups, never server errors."""

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)

        class SafeChangeList(base):
            def get_filters_params(self, params=None):
                params = super().get_filters_params(params)
                if has_nul(v for values in params.values() for v in values):
                    raise IncorrectLookupParameters("NUL in a filter value")
                return params

            def get_filters(self, request):
                try:
                    return super().get_filters(request)
                except (ValueError, OverflowError) as error:
                    # Django's date drill-down adds a year to the chosen one: 9999 overflows.
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
            admin_class = type(admin_class.__name__, (SafeChangeListMixin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)
