"""The public pages: published progress by assignment, organisation, council goal and report.

Routes that share a beginning are grouped under it (see ``assignments/urls.py``).
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "public"

urlpatterns = [
    path(
        _("assignments/"),
        include(
            [
                path("", views.assignment_list, name="assignment_list"),
                path("<int:pk>/", views.assignment_detail, name="assignment_detail"),
            ]
        ),
    ),
    path(
        _("organisations/"),
        include(
            [
                path("", views.organisation_list, name="organisation_list"),
                path(
                    "<slug:slug>/",
                    views.organisation_detail,
                    name="organisation_detail",
                ),
            ]
        ),
    ),
    path(_("council-goals/"), views.council_goals, name="council_goals"),
    path(
        _("reports/"),
        include(
            [
                path("<int:pk>/", views.report_detail, name="report_detail"),
                path(
                    _("periods/<int:pk>/"),
                    views.period_compilation,
                    name="period_compilation",
                ),
            ]
        ),
    ),
    path(_("accessibility/"), views.accessibility, name="accessibility"),
]
