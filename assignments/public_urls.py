"""The public pages: published progress by assignment, organisation, council goal and report.

Routes that share a beginning are grouped under it (see ``assignments/urls.py``).
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import public_views

app_name = "public"

urlpatterns = [
    path(
        _("assignments/"),
        include(
            [
                path("", public_views.assignment_list, name="assignment_list"),
                path("<int:pk>/", public_views.assignment_detail, name="assignment_detail"),
            ]
        ),
    ),
    path(
        _("organisations/"),
        include(
            [
                path("", public_views.organisation_list, name="organisation_list"),
                path(
                    "<slug:slug>/",
                    public_views.organisation_detail,
                    name="organisation_detail",
                ),
            ]
        ),
    ),
    path(_("council-goals/"), public_views.council_goals, name="council_goals"),
    path(
        _("reports/"),
        include(
            [
                path("<int:pk>/", public_views.report_detail, name="report_detail"),
                path(
                    _("periods/<int:pk>/"),
                    public_views.period_compilation,
                    name="period_compilation",
                ),
            ]
        ),
    ),
    path(_("accessibility/"), public_views.accessibility, name="accessibility"),
]
