"""The public pages: published progress by assignment, organisation, council goal and report,
and the indicators.

Routes that share a beginning are grouped under it (see ``assignments/urls.py``).
"""

from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from assignments.models import INDICATOR_CODE_PATTERN

from . import indicators, views

app_name = "public"


class IndicatorCodeConverter:
    """An indicator's code in its address, as the model allows it (e.g. N00401, ks.2018-1)."""

    regex = INDICATOR_CODE_PATTERN.removeprefix("^").removesuffix("$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IndicatorCodeConverter, "indicator_code")

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
        _("indicators/"),
        include(
            [
                path("", indicators.indicator_list, name="indicator_list"),
                path(
                    "<indicator_code:code>/",
                    include(
                        [
                            path("", indicators.indicator_detail, name="indicator_detail"),
                            path(
                                _("values/"),
                                indicators.indicator_values,
                                name="indicator_values",
                            ),
                        ]
                    ),
                ),
            ]
        ),
    ),
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
