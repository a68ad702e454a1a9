"""
``{% path %}``: the addresses a page repeats in its lists, reversed once per process and put
together for each argument. Whatever the route, the language or the prefix the portal is
served under, it must give what ``reverse`` gives, and refuse what ``reverse`` refuses.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.urls import (
    NoReverseMatch,
    get_script_prefix,
    register_converter,
    reverse,
    set_script_prefix,
)
from django.urls import path as route
from django.utils import translation

from malmo_portal.templatetags.site_tags import path, path_function

ROUTES = [
    "public:assignment_detail",
    "public:report_detail",
    "public:organisation_detail",
    "public:period_compilation",
    "goals_public:sdg_detail",
    "goals_public:mdg_detail",
]
ARGUMENTS = [1, 42, 1234567890, "17", "miljonamnden", "stadsbyggnadsnamnden-2", "a_b", "å", "a b"]


def reversed_or_refused(name, argument):
    try:
        return reverse(name, args=[argument])
    except NoReverseMatch:
        return NoReverseMatch


def path_or_refused(name, argument):
    try:
        return path(name, argument)
    except NoReverseMatch:
        return NoReverseMatch


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("name", ROUTES)
def test_a_path_is_what_reverse_gives_in_either_language(name, language):
    with translation.override(language):
        for argument in ARGUMENTS:
            assert path_or_refused(name, argument) == reversed_or_refused(name, argument), argument


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("name", ROUTES)
def test_a_path_function_gives_what_reverse_gives_for_every_argument(name, language):
    with translation.override(language):
        address = path_function(name)
        for argument in ARGUMENTS:
            try:
                given = address(argument)
            except NoReverseMatch:
                given = NoReverseMatch
            assert given == reversed_or_refused(name, argument), argument


def test_a_path_follows_the_script_prefix():
    before = get_script_prefix()
    try:
        for prefix in ("/", "/portal/", "/hallbarhet/portal/"):
            set_script_prefix(prefix)
            assert path("public:report_detail", 7) == reverse("public:report_detail", args=[7])
            assert path("public:report_detail", 7).startswith(prefix)
    finally:
        set_script_prefix(before)


def test_the_tag_renders_the_path_and_can_name_it():
    template = Template(
        '{% load site_tags %}{% path "public:report_detail" report %}|'
        '{% path "public:organisation_detail" slug as url %}{{ url }}'
    )
    with translation.override("en"):
        rendered = template.render(Context({"report": 5, "slug": "kulturnamnden"}))
        assert rendered == (
            f"{reverse('public:report_detail', args=[5])}|"
            f"{reverse('public:organisation_detail', args=['kulturnamnden'])}"
        )
    assert rendered == "/en/reports/5/|/en/organisations/kulturnamnden/"


def test_a_name_that_does_not_exist_is_refused_as_by_url():
    with pytest.raises(NoReverseMatch):
        path("public:no_such_page", 1)


class YearConverter:
    """Four digits only: it refuses the tag's long marker of digits."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(YearConverter, "site_paths_year")
urlpatterns = [
    route("budget/<site_paths_year:year>/", lambda request, year: HttpResponse(), name="budget")
]


@pytest.mark.urls(__name__)
def test_a_route_whose_converter_refuses_the_marker_is_reversed():
    assert path("budget", 2018) == reverse("budget", args=[2018]) == "/budget/2018/"
    with pytest.raises(NoReverseMatch):
        path("budget", 18)
