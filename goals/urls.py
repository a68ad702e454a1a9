"""The public pages of the global frameworks: Agenda 2030 and the Millennium goals."""

from django.urls import path  # noqa: F401
from django.utils.translation import gettext_lazy as _  # noqa: F401

app_name = "goals"

urlpatterns: list = []
