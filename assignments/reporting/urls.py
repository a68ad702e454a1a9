"""The reporters' pages: their assignments, and writing, submitting and following reports.

Routes that share a beginning are grouped under it with ``include``: the resolver tries a
group's prefix once instead of each route in turn, which every page listed after these
routes (all the public ones) pays for on every request.
"""

from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "assignments"

attachment_patterns = [
    path("", views.attachment_download, name="attachment_download"),
    path(_("remove/"), views.attachment_remove, name="attachment_remove"),
]

report_patterns: list[URLPattern | URLResolver] = [
    path("", views.report_detail, name="report_detail"),
    path(_("edit/"), views.report_edit, name="report_edit"),
    path(_("submit/"), views.report_submit, name="report_submit"),
    path(_("versions/<int:number>/"), views.report_version, name="report_version"),
    path(_("attachments/<int:attachment_pk>/"), include(attachment_patterns)),
]

urlpatterns = [
    path(
        _("reporting/"),
        include(
            [
                path("", views.my_assignments, name="my_assignments"),
                path(_("start/"), views.report_start, name="report_start"),
                path(_("reports/<int:pk>/"), include(report_patterns)),
            ]
        ),
    ),
]
