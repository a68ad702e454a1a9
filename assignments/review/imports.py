"""
Import and export of the city's data (organisations, assignments, responsibilities) in CSV
and XLSX with django-import-export (``assignments.review.resources``), previewed and
all-or-nothing, every change written to the admin's log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.http import (
    HttpRequest,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.results import RowResult

from .resources import (
    FORMATS,
)

# Import and export


class CityDataImportExportMixin(ImportExportMixin):
    """
    Import and export in CSV and XLSX. Whoever may add and change the model's rows may
    import them; whoever may see them may export them. A file is imported whole or not at
    all: the preview offers no confirmation while a row has an error, and the confirmed
    import is rolled back if a row fails then.
    """

    import_formats = FORMATS
    export_formats = FORMATS
    import_template_name = "admin/city_data_import.html"
    # A byte order mark tells Excel the CSV is UTF-8, so å, ä and ö come out right.
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request: HttpRequest):
        if result.has_errors() or result.has_validation_errors():
            # The database changed between the preview and the confirmation (a budget was
            # removed, say), and the import was rolled back.
            messages.error(
                request,
                _(
                    "Nothing was imported: some rows are no longer valid. Upload the file "
                    "again to see which."
                ),
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)

    def generate_log_entries(self, result, request: HttpRequest) -> None:
        if self.get_skip_admin_log():
            return
        for import_type, flag, message in [
            (RowResult.IMPORT_TYPE_NEW, ADDITION, _("Added by import from a file.")),
            (RowResult.IMPORT_TYPE_UPDATE, CHANGE, _("Changed by import from a file.")),
        ]:
            objects = [
                row.instance
                for row in result.rows
                if row.import_type == import_type and row.instance is not None
            ]
            if objects:
                user_id = request.user.pk
                assert user_id is not None  # only signed-in staff reach the admin
                LogEntry.objects.log_actions(  # type: ignore[call-overload]  # the stubs take only a literal single_object
                    user_id, objects, flag, message, single_object=len(objects) == 1
                )
