"""Open data: the downloads, their data package description and the Atom feeds."""

from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _

from assignments.models import INDICATOR_CODE_PATTERN

from . import datasets, feeds, views

app_name = "opendata"


class DatasetConverter:
    """The name of a dataset: an unknown one is a 404 before any view runs."""

    regex = "|".join(sorted(datasets.DATASETS, key=len, reverse=True))

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FormatConverter(DatasetConverter):
    regex = "|".join(datasets.FORMATS)


class IndicatorCodeConverter(DatasetConverter):
    """An indicator's code: anything else is a 404 before any view runs."""

    regex = INDICATOR_CODE_PATTERN.removeprefix("^").removesuffix("$")


register_converter(DatasetConverter, "opendata_dataset")
register_converter(FormatConverter, "opendata_format")
register_converter(IndicatorCodeConverter, "opendata_indicator")

urlpatterns = [
    path("", views.index, name="index"),
    # File names stay the same in every language: they are the datasets' identifiers.
    path("<opendata_dataset:dataset>.<opendata_format:fmt>", views.download, name="download"),
    path("datapackage.json", views.datapackage, name="datapackage"),
    path(_("feed/"), feeds.PublishedReportsFeed(), name="feed"),
    path(_("feed/sdg/<int:number>/"), feeds.GoalReportsFeed(), name="feed_sdg"),
    path(_("feed/indicator-values/"), feeds.IndicatorValuesFeed(), name="feed_indicator_values"),
    path(
        _("feed/indicator-values/<opendata_indicator:code>/"),
        feeds.IndicatorValuesFeed(),
        name="feed_indicator",
    ),
]
