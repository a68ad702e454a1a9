"""The public pages of the global frameworks: Agenda 2030 and the Millennium goals."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import goals

app_name = "goals_public"

urlpatterns = [
    path(
        _("agenda-2030/"),
        include(
            [
                path("", goals.sdg_list, name="sdg_list"),
                path(_("goals/<int:number>/"), goals.sdg_detail, name="sdg_detail"),
            ]
        ),
    ),
    path(
        _("millennium-goals/"),
        include(
            [
                path("", goals.mdg_list, name="mdg_list"),
                path(_("goals/<int:number>/"), goals.mdg_detail, name="mdg_detail"),
            ]
        ),
    ),
]
