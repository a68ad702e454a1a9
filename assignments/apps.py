from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = _("Assignments and reports")

    def ready(self) -> None:
        from . import signals

        signals.connect()
