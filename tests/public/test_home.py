"""The public home page, the base template and the template helpers of goals_tags."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assignments.models import Responsibility, ResponsibilityRole
from assignments.public.home import HOME_REPORTS
from goals.models import Budget, CouncilGoal, GlobalGoal, GlobalTarget, GoalArea
from goals.templatetags.goals_tags import contrast_ratio, text_colour
from tests import factories
from tests.public.helpers import Outline, outline

SDG_CSV = Path(settings.BASE_DIR) / "goals" / "data" / "sdg_goals.csv"
PORTAL_CSS = Path(settings.BASE_DIR) / "static" / "css" / "portal.css"


def sdg_colours() -> dict[int, str]:
    with open(SDG_CSV, encoding="utf-8", newline="") as f:
        return {int(row["number"]): row["colour"].strip().upper() for row in csv.DictReader(f)}


def page_outline(response) -> Outline:
    return outline(response.content.decode())


def build_budget(
    *, year: int = 2018, areas: int, assignments: int, organisations_each: int
) -> Budget:
    """A budget with ``areas`` goal areas of two council goals each and ``assignments``
    assignments, each with one lead, further participants, global goals and targets."""
    budget = factories.make_budget(year=year, direction="Malmö ska visa mod.\n\nOch nyfikenhet.")
    sdgs = list(GlobalGoal.objects.sdg())
    mdgs = list(GlobalGoal.objects.mdg())
    targets = list(GlobalTarget.objects.filter(goal__number__in=[11, 13, 14, 16, 17]))
    goals = []
    for a in range(1, areas + 1):
        area = GoalArea.objects.create(budget=budget, number=a, name=f"Målområde {a}")
        for n in (1, 2):
            goal = CouncilGoal.objects.create(area=area, number=n, text=f"Mål {a}.{n} för Malmö.")
            goal.global_goals.set([*sdgs[a % 15 : a % 15 + 3], mdgs[a % 8]])
            goals.append(goal)
    organisations = [factories.make_organisation() for _ in range(organisations_each)]
    for i in range(assignments):
        assignment = factories.make_assignment(
            budget=budget,
            council_goal=goals[i % len(goals)],
            organisations=organisations[:1],
            code=f"{year}:{i + 1:02d}",
        )
        for organisation in organisations[1:]:
            Responsibility.objects.create(
                assignment=assignment,
                organisation=organisation,
                role=ResponsibilityRole.PARTICIPANT,
            )
        assignment.global_goals.set(sdgs[i % 13 : i % 13 + 4])
        assignment.global_targets.set(targets[i % 20 : i % 20 + 5])
    return budget


# The page in both languages


@pytest.mark.django_db
def test_home_answers_in_swedish_at_the_root(client):
    response = client.get("/")

    assert response.status_code == 200
    assert reverse("home") == "/"
    assert '<html lang="sv">' in response.content.decode()


@pytest.mark.django_db
def test_home_answers_in_english_under_en(client):
    response = client.get("/en/")

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_home_without_a_budget_shows_a_friendly_message(client):
    response = client.get("/en/")

    assert response.status_code == 200
    assert response.context["budget"] is None
    assert "No budget published yet" in response.content.decode()


@pytest.mark.django_db
def test_home_shows_the_current_budget_and_its_council_goals_and_links_onward(client):
    budget = factories.make_budget(
        year=2018, title="Malmö stads budget 2018", direction="Första stycket.\n\nAndra stycket."
    )
    factories.make_budget(year=2017, title="Malmö stads budget 2017")
    goal = factories.make_council_goal(budget=budget, text="Malmöborna ska kunna känna sig stolta.")
    goal.global_goals.add(GlobalGoal.objects.sdg().get(number=11))
    factories.make_assignment(
        budget=budget,
        council_goal=goal,
        organisations=[factories.make_organisation(name="Kommunstyrelsen")],
        code="2018:4",
        title="Stärka Malmös roll som framtidens kuststad",
        text="Kommunstyrelsen ges i uppdrag att stärka Malmös roll som framtidens kuststad.",
    )

    response = client.get("/en/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Malmö stads budget 2018" in html
    assert "Malmö stads budget 2017" not in html
    # The budget's direction, folded.
    direction = html[html.index('<details class="budget__direction">') :]
    assert "<p>Första stycket.</p>" in direction and "<p>Andra stycket.</p>" in direction
    # Each council goal links to where the council goals page shows its global goals,
    # assignments and indicators.
    council_goals = reverse("public:council_goals")
    assert (
        f'<a href="{council_goals}#council-goal-{goal.pk}"><span class="code">{goal.code}</span> '
        '<span lang="sv">Malmöborna ska kunna känna sig stolta.</span></a>'
    ) in html
    # The assignments are a link away, not written out here.
    assert (
        f'href="{reverse("public:assignment_list")}?year=2018">All 1 assignment of 2018</a>' in html
    )
    assert "Kommunstyrelsen ges i uppdrag" not in html
    for name in ["organisation_list", "indicator_list", "council_goals"]:
        assert f'href="{reverse(f"public:{name}")}"' in html, name
    assert f'href="{reverse("goals_public:sdg_list")}"' in html
    assert f'href="{reverse("opendata:index")}"' in html


@pytest.mark.django_db
def test_home_shows_the_newest_few_published_reports_and_the_periods_that_have_them(client):
    budget = factories.make_budget(year=2018)
    first = factories.make_period(budget=budget, name="Tertial 1")
    second = factories.make_period(budget=budget, name="Tertial 2")
    factories.make_period(budget=budget, name="Tertial 3")  # nothing published in it
    reports = [
        factories.make_report(status="published", period=first if n < 4 else second)
        for n in range(HOME_REPORTS + 2)
    ]
    factories.make_report(status="approved", period=second)

    response = client.get("/en/")
    html = response.content.decode()

    shown = response.context["latest_reports"]
    assert [r.pk for r in shown] == [r.pk for r in reversed(reports)][:HOME_REPORTS]
    assert html.count('class="report-card"') == HOME_REPORTS
    for report in shown:
        assert f'href="{reverse("public:report_detail", args=[report.pk])}"' in html
    assert f'href="{reverse("public:report_detail", args=[reports[0].pk])}"' not in html
    periods = [(p.pk, p.name, p.published_count) for p in response.context["periods"]]
    assert periods == [(first.pk, "Tertial 1", 4), (second.pk, "Tertial 2", 3)]
    assert (
        f'<a href="{reverse("public:period_compilation", args=[second.pk])}">'
        '<span lang="sv">Tertial 2 2018</span></a> <span class="muted">(3 reports)</span>'
    ) in html


@pytest.mark.django_db
def test_home_page_query_count_does_not_grow_with_the_data(client):
    build_budget(year=2018, areas=1, assignments=2, organisations_each=2)
    client.get("/")  # warm up per-process caches
    cache.clear()  # measure a rendered page, not one served from the public page cache
    with CaptureQueriesContext(connection) as small:
        small_page = client.get("/").content.decode()

    # A newer budget becomes the current one, with many more rows of every kind.
    build_budget(year=2019, areas=6, assignments=30, organisations_each=8)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    # The assignments through a link: the page grows with the goals only, not with the
    # assignments and their organisations, goals and targets.
    assert "Alla 30 uppdrag från 2019" in page
    assert 'href="/uppdrag/?year=2019"' in page
    assert 'class="assignment"' not in page
    assert page.count('class="council-goal"') == 12
    assert len(page) < len(small_page) + 12 * 400

    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    # Budget, goal areas, council goals, how many assignments and responsibilities there
    # are, the stored counts of published reports by period and progress, and the latest
    # published reports.
    assert len(small) == 6


# Accessibility of the page's structure


@pytest.mark.django_db
@pytest.mark.parametrize("with_budget", [False, True])
def test_home_has_landmarks_one_h1_and_headings_in_order(client, with_budget):
    if with_budget:
        build_budget(areas=2, assignments=3, organisations_each=8)

    page = page_outline(client.get("/en/"))
    tags = [tag for tag, _ in page.tags]
    ids = {attrs.get("id") for _, attrs in page.tags}

    assert tags.count("main") == 1 and tags.count("header") == 1 and tags.count("footer") == 1
    assert "nav" in tags
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    skip = next(attrs for tag, attrs in page.tags if tag == "a")
    assert skip["href"] == "#main" and "main" in ids
    assert any(attrs.get("role") == "status" for _, attrs in page.tags)


@pytest.mark.django_db
def test_home_has_no_inline_styles_or_scripts(client):
    build_budget(areas=1, assignments=2, organisations_each=2)

    page = page_outline(client.get("/"))

    assert not any("style" in attrs for _, attrs in page.tags)
    assert not any(tag in {"style", "script"} for tag, _ in page.tags)


@pytest.mark.django_db
def test_only_staff_see_the_link_to_the_administration(client):
    admin_url = reverse("admin:index")
    assert f'href="{admin_url}"' not in client.get("/").content.decode()

    client.force_login(factories.make_user(username="reporter"))
    assert f'href="{admin_url}"' not in client.get("/").content.decode()

    client.force_login(factories.make_reviewer())
    assert f'href="{admin_url}"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_home_marks_itself_as_the_current_page_in_the_menu(client):
    page = page_outline(client.get("/en/"))

    current = [attrs for tag, attrs in page.tags if attrs.get("aria-current") == "page"]
    assert [attrs["href"] for attrs in current] == ["/en/"]


# The language switcher


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "language", "other_path"),
    [("/", "en", "/en/"), ("/en/", "sv", "/")],
)
def test_language_switch_links_to_the_same_page_in_the_other_language(
    client, path, language, other_path
):
    page = page_outline(client.get(path))
    switch = [attrs for tag, attrs in page.tags if tag == "a" and attrs.get("hreflang")]

    assert [attrs["href"] for attrs in switch] == [other_path]
    assert switch[0]["lang"] == language
    assert f'<html lang="{language}">' in client.get(other_path).content.decode()


@pytest.mark.django_db
def test_a_cached_page_switches_language_for_every_visitor():
    """The switch holds no CSRF token, so a page cached for one visitor works for the next."""
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/")
    page = second.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert second.get("/en/").status_code == 200


@pytest.mark.django_db
def test_translated_path_keeps_the_query_string():
    template = Template("{% load goals_tags %}{% translated_path path 'en' %}")

    with translation.override("sv"):
        rendered = template.render(Context({"path": "/?sida=2"}))

    assert rendered == "/en/?sida=2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/uppdrag/?year=2018&sida=2", "sv"),
        ("/agenda-2030/mal/11/", "sv"),
        ("/agenda-2030/mal/11/?x=1", "en"),
    ],
)
def test_the_switch_reversed_from_the_request_matches_translating_the_address(
    client, path, language
):
    """The switch reverses the request's own match; it must give what translate_url gives."""
    from django.urls import translate_url

    path = translate_url(path, language)
    page = page_outline(client.get(path))
    switch = [attrs for tag, attrs in page.tags if tag == "a" and attrs.get("hreflang")]

    other = switch[0]["hreflang"]
    with translation.override("sv" if other == "en" else "en"):  # the page's language
        expected = translate_url(path, other)
    assert [attrs["href"] for attrs in switch] == [expected]
    assert switch[0]["href"] != path


@pytest.mark.django_db
def test_the_layout_links_follow_the_script_prefix(client):
    """The layout's addresses are reversed once per process and language, and per prefix
    the portal is served under: one process may serve it under several."""
    from django.core.cache import cache
    from django.urls import get_script_prefix, set_script_prefix

    assert 'href="/uppdrag/"' in client.get("/").content.decode()
    cache.clear()  # the page cache would serve the page of the first request

    prefix = get_script_prefix()
    set_script_prefix("/hallbarhet/")  # as the WSGI handler does for SCRIPT_NAME
    try:
        page = client.get("/").content.decode()
    finally:
        set_script_prefix(prefix)
    assert 'href="/hallbarhet/uppdrag/"' in page
    assert 'href="/uppdrag/"' not in page


# Bilingual reference texts


@pytest.mark.django_db
def test_localized_marks_an_english_fallback_on_a_swedish_page():
    target = GlobalTarget.objects.filter(goal__framework="sdg").first()
    target.text_sv = ""  # as a target whose Swedish text is still missing
    template = Template('{% load goals_tags %}{% localized target "text" %}')

    with translation.override("sv"):
        swedish = template.render(Context({"target": target}))
    with translation.override("en"):
        english = template.render(Context({"target": target}))

    assert target is not None
    assert swedish.startswith('<span lang="en">') and swedish.endswith("</span>")
    assert "lang=" not in english
    assert english.strip() != ""


@pytest.mark.django_db
def test_localized_shows_swedish_text_without_a_language_mark():
    goal = GlobalGoal.objects.sdg().get(number=11)
    template = Template('{% load goals_tags %}{% localized goal "title" %}')

    with translation.override("sv"):
        rendered = template.render(Context({"goal": goal}))

    assert rendered == "Hållbara städer och samhällen"


def test_localized_escapes_the_text():
    goal = GlobalGoal(title_sv="", title_en="Fish & <chips>")
    template = Template('{% load goals_tags %}{% localized goal "title" %}')

    with translation.override("sv"):
        rendered = template.render(Context({"goal": goal}))

    assert rendered == '<span lang="en">Fish &amp; &lt;chips&gt;</span>'


# Readable text on the goals' colours


@pytest.mark.parametrize(("number", "colour"), sorted(sdg_colours().items()))
def test_text_colour_meets_aa_contrast_on_every_sdg_colour(number, colour):
    assert contrast_ratio(colour, text_colour(colour)) >= 4.5


def test_text_colour_picks_black_on_yellow_and_white_on_dark_blue():
    assert text_colour("#FCC30B") == "#000000"
    assert text_colour("#19486A") == "#FFFFFF"
    assert round(contrast_ratio("#000000", "#FFFFFF"), 1) == 21.0


def test_portal_css_has_every_sdg_class_with_its_colour_and_readable_text():
    css = PORTAL_CSS.read_text(encoding="utf-8")

    for number, colour in sdg_colours().items():
        rule = re.search(rf"\.sdg-{number} \{{([^}}]*)\}}", css)
        assert rule, f".sdg-{number} missing"
        declarations = {
            name.strip(): value.strip().upper()
            for name, value in (part.split(":") for part in rule.group(1).split(";") if ":" in part)
        }
        assert declarations["background"] == colour
        assert contrast_ratio(declarations["color"], colour) >= 4.5


# The budget 2018 as loaded by load_malmo_2018


@pytest.mark.django_db
def test_home_shows_the_goals_of_budget_2018_and_links_to_its_four_assignments(client):
    call_command("load_malmo_2018", stdout=io.StringIO())
    budget = Budget.objects.get(year=2018)

    html = client.get("/").content.decode()

    for goal in CouncilGoal.objects.filter(area__budget=budget):
        assert f"#council-goal-{goal.pk}" in html and goal.text in html
    assert '<a href="/uppdrag/?year=2018">Alla 4 uppdrag från 2018</a>' in html


def test_the_home_page_says_what_its_report_count_counts(client, malmo_2018):
    page = client.get("/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert re.search(
        r"Budgetens \d+ uppdrag har getts till nämnder och bolag \d+ gånger sammanlagt, "
        r"med en rapport för varje; \d+ av de \d+ rapporterna är publicerade\.",
        text,
    )
