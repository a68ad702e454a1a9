"""The public pages of the global frameworks: Agenda 2030 and the Millennium goals."""

app_name = "goals_public"

urlpatterns: list = []
