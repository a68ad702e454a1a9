"""The reporters' pages: their assignments, and writing, submitting and following reports."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import staff_views

app_name = "assignments"

urlpatterns = [
    path(_("reporting/"), staff_views.my_assignments, name="my_assignments"),
    path(_("reporting/start/"), staff_views.report_start, name="report_start"),
    path(_("reporting/reports/<int:pk>/"), staff_views.report_detail, name="report_detail"),
    path(_("reporting/reports/<int:pk>/edit/"), staff_views.report_edit, name="report_edit"),
    path(_("reporting/reports/<int:pk>/submit/"), staff_views.report_submit, name="report_submit"),
    path(
        _("reporting/reports/<int:pk>/versions/<int:number>/"),
        staff_views.report_version,
        name="report_version",
    ),
    path(
        _("reporting/reports/<int:pk>/attachments/<int:attachment_pk>/"),
        staff_views.attachment_download,
        name="attachment_download",
    ),
    path(
        _("reporting/reports/<int:pk>/attachments/<int:attachment_pk>/remove/"),
        staff_views.attachment_remove,
        name="attachment_remove",
    ),
]
