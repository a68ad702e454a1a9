"""The public pages of the global frameworks: Agenda 2030 and the Millennium goals."""

from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from goals.models import TARGET_CODE

from . import goals

app_name = "goals_public"


class TargetCodeConverter:
    """A target's code in its address, as the UN writes it: "11.6", "17.19", "7.a", "8.F".
    Any other address under a goal is not found without a query."""

    regex = TARGET_CODE

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TargetCodeConverter, "target_code")

urlpatterns = [
    path(
        _("agenda-2030/"),
        include(
            [
                path("", goals.sdg_list, name="sdg_list"),
                path(_("goals/<int:number>/"), goals.sdg_detail, name="sdg_detail"),
                path(
                    _("goals/<int:number>/targets/<target_code:code>/"),
                    goals.sdg_target,
                    name="sdg_target",
                ),
            ]
        ),
    ),
    path(
        _("millennium-goals/"),
        include(
            [
                path("", goals.mdg_list, name="mdg_list"),
                path(_("goals/<int:number>/"), goals.mdg_detail, name="mdg_detail"),
                path(
                    _("goals/<int:number>/targets/<target_code:code>/"),
                    goals.mdg_target,
                    name="mdg_target",
                ),
            ]
        ),
    ),
]
