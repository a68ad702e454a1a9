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
from assignments.public.home import HOME_ASSIGNMENTS
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
def test_home_shows_the_current_budget_its_goals_and_assignments(client):
    budget = factories.make_budget(
        year=2018, title="Malmö stads budget 2018", direction="Första stycket.\n\nAndra stycket."
    )
    factories.make_budget(year=2017, title="Malmö stads budget 2017")
    goal = factories.make_council_goal(budget=budget, text="Malmöborna ska kunna känna sig stolta.")
    goal.global_goals.add(GlobalGoal.objects.sdg().get(number=11))
    lead = factories.make_organisation(name="Kommunstyrelsen", slug="kommunstyrelsen")
    participant = factories.make_organisation(name="Tekniska nämnden", slug="tekniska-namnden")
    assignment = factories.make_assignment(
        budget=budget,
        council_goal=goal,
        organisations=[lead],
        code="2018:4",
        title="Stärka Malmös roll som framtidens kuststad",
        text="Kommunstyrelsen ges i uppdrag att stärka Malmös roll som framtidens kuststad.",
    )
    Responsibility.objects.create(
        assignment=assignment, organisation=participant, role=ResponsibilityRole.PARTICIPANT
    )
    assignment.global_goals.add(GlobalGoal.objects.sdg().get(number=14))
    assignment.global_targets.add(GlobalTarget.objects.get(goal__number=14, code="14.1"))

    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Malmö stads budget 2018" in html
    assert "Malmö stads budget 2017" not in html
    assert "<p>Första stycket.</p>" in html and "<p>Andra stycket.</p>" in html
    assert "Malmöborna ska kunna känna sig stolta." in html
    assert "2018:4" in html
    assert "Stärka Malmös roll som framtidens kuststad" in html
    assert "Kommunstyrelsen ges i uppdrag" in html
    assert "Kommunstyrelsen" in html and "Tekniska nämnden" in html
    assert 'class="goal-tile sdg-11"' in html and "Hållbara städer och samhällen" in html
    assert 'class="goal-tile sdg-14"' in html
    assert "14.1" in html


@pytest.mark.django_db
def test_many_responsible_organisations_are_counted_and_listed_in_details(client):
    budget = factories.make_budget(year=2018)
    organisations = [factories.make_organisation() for _ in range(24)]
    factories.make_assignment(budget=budget, organisations=organisations, title="Samtliga")

    html = client.get("/en/").content.decode()

    assert "24 committees and companies" in html
    details = html[html.index('<details class="organisations">') :]
    details = details[: details.index("</details>")]
    assert all(organisation.name in details for organisation in organisations)


@pytest.mark.django_db
def test_home_page_query_count_does_not_grow_with_the_data(client):
    build_budget(year=2018, areas=1, assignments=2, organisations_each=2)
    client.get("/")  # warm up per-process caches
    cache.clear()  # measure a rendered page, not one served from the public page cache
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200

    # A newer budget becomes the current one, with many more rows of every kind.
    build_budget(year=2019, areas=6, assignments=30, organisations_each=8)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    # The first twelve in full, the rest through a link: the page does not grow either.
    assert page.count('class="assignment"') == HOME_ASSIGNMENTS == 12
    assert "Alla 30 uppdrag från 2019" in page
    assert 'href="/uppdrag/?year=2019"' in page

    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    # Budget, goal areas, council goals and their global goals, assignments and their
    # responsibilities, global goals and targets, how many assignments and responsibilities
    # there are; the progress counts of the latest published reports, the latest published
    # reports and the periods that have published reports.
    assert len(small) == 13


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
def test_home_shows_the_four_assignments_of_budget_2018(client):
    call_command("load_malmo_2018", stdout=io.StringIO())

    html = client.get("/").content.decode()

    for code, title in [
        ("2018:1", "Integrera de globala målen i samverkan"),
        ("2018:2", "Samordna ansökningar av externa medel"),
        ("2018:3", "Inrätta en digital stödfunktion"),
        ("2018:4", "Stärka Malmös roll som framtidens kuststad"),
    ]:
        assert code in html and title in html
    assert html.count('class="assignment"') == 4


def test_the_home_page_says_what_its_report_count_counts(client, malmo_2018):
    page = client.get("/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert re.search(
        r"Budgetens \d+ uppdrag har getts till nämnder och bolag \d+ gånger sammanlagt, "
        r"med en rapport för varje; \d+ av de \d+ rapporterna är publicerade\.",
        text,
    )
