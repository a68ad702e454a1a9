"""The public pages of Agenda 2030 and the Millennium goals: what counts, what shows, how fast."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from assignments.models import Progress, Report, ReportStatus
from goals.models import GlobalGoal, GlobalTarget
from tests import factories
from tests.public.helpers import World, outline, target

pytestmark = pytest.mark.django_db

PAGES = [
    ("goals_public:sdg_list", []),
    ("goals_public:sdg_detail", [11]),
    ("goals_public:sdg_target", [11, "11.6"]),
    ("goals_public:mdg_list", []),
    ("goals_public:mdg_detail", [1]),
    ("goals_public:mdg_target", [1, "1.A"]),
]


# Helpers


def url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


def get(client, name: str, *args, language: str = "en") -> str:
    response = client.get(url(name, *args, language=language))
    assert response.status_code == 200
    return response.content.decode()


def fresh_get(client, name: str, *args, language: str = "en") -> str:
    cache.clear()
    return get(client, name, *args, language=language)


def section(html: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to the end of its section."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


def card(html: str, number: int) -> str:
    start = html.index(f'id="goal-{number}"')
    return html[start : html.index("</ul>", start)]


def squeezed(html: str) -> str:
    """The markup without the whitespace between tags a template's layout adds."""
    return re.sub(r">\s+<", "><", html.strip())


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def sdg(number: int) -> GlobalGoal:
    return GlobalGoal.objects.sdg().get(number=number)


@pytest.fixture
def world():
    return World()


# The pages in both languages


def test_the_pages_have_agreed_names_and_english_addresses():
    assert url("goals_public:sdg_list") == "/en/agenda-2030/"
    assert url("goals_public:sdg_detail", 11) == "/en/agenda-2030/goals/11/"
    assert url("goals_public:mdg_list") == "/en/millennium-goals/"
    assert url("goals_public:mdg_detail", 3) == "/en/millennium-goals/goals/3/"
    assert url("goals_public:sdg_target", 11, "11.a") == "/en/agenda-2030/goals/11/targets/11.a/"
    assert url("goals_public:mdg_target", 8, "8.F") == "/en/millennium-goals/goals/8/targets/8.F/"
    assert url("goals_public:sdg_list", language="sv") == "/agenda-2030/"
    assert url("goals_public:sdg_target", 11, "11.a", language="sv") == (
        "/agenda-2030/mal/11/delmal/11.a/"
    )
    assert not url("goals_public:mdg_detail", 3, language="sv").startswith("/en/")


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_goal_page_answers_in_both_languages(client, name, args, language):
    html = get(client, name, *args, language=language)

    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_goal_pages_have_landmarks_one_h1_headings_in_order_and_unique_ids(
    client, world, name, args
):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation], goals=[sdg(11)], targets=[target("11.6")])
    world.report(assignment, organisation, targets=[target("11.6"), target("1.1")])

    page = outline(get(client, name, *args))
    tags = [tag for tag, _attrs in page.tags]
    ids = [attrs["id"] for _tag, attrs in page.tags if attrs.get("id")]

    assert tags.count("main") == 1 and tags.count("header") == 1 and tags.count("footer") == 1
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for _tag, attrs in page.tags:
        for referenced in (attrs.get("aria-labelledby") or "").split():
            assert referenced in ids, referenced
    assert not any("style" in attrs for _tag, attrs in page.tags)
    assert not any(tag in {"style", "script"} for tag in tags)


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("goals_public:sdg_detail", 18),
        ("goals_public:sdg_detail", 0),
        ("goals_public:mdg_detail", 9),
    ],
)
def test_a_goal_that_does_not_exist_is_not_found(client, name, number):
    assert client.get(url(name, number)).status_code == 404


@pytest.mark.parametrize(
    ("name", "number", "code"),
    [
        ("goals_public:sdg_target", 11, "11.z"),  # no such target
        ("goals_public:sdg_target", 11, "1.1"),  # a target of another goal
        ("goals_public:sdg_target", 18, "18.1"),  # no such goal
        ("goals_public:sdg_target", 1, "1.A"),  # a Millennium target
        ("goals_public:mdg_target", 1, "1.1"),  # an Agenda 2030 target
        ("goals_public:sdg_target", 11, "11.A"),  # codes are as the UN writes them
    ],
)
def test_a_target_that_does_not_exist_is_not_found(client, name, number, code):
    assert client.get(url(name, number, code)).status_code == 404


def test_the_pages_take_no_posts(client):
    assert client.post(url("goals_public:sdg_list")).status_code == 405


# The tiles


def test_the_agenda_2030_page_shows_the_17_goals_as_coloured_tiles_linking_to_them(client):
    html = get(client, "goals_public:sdg_list")

    assert html.count('class="goal-card sdg-') == 17
    for number in range(1, 18):
        assert f'class="goal-card sdg-{number}"' in html
        assert f'href="{url("goals_public:sdg_detail", number)}"' in html
    assert "Sustainable cities and communities" in card(html, 11)


def test_the_millennium_page_shows_the_8_goals(client):
    html = get(client, "goals_public:mdg_list")

    assert html.count('class="goal-card goal-tile--mdg"') == 8
    assert f'href="{url("goals_public:mdg_detail", 8)}"' in html


def test_tiles_count_linked_assignments_and_published_reports_once_each(client, world):
    environment = world.organisation("Miljönämnden")
    streets = world.organisation("Tekniska nämnden")
    # Linked to goal 11 both directly and through a target: one assignment.
    both = world.assignment(
        [environment, streets], goals=[sdg(11)], targets=[target("11.6"), target("11.2")]
    )
    world.assignment([environment], goals=[sdg(11)])
    world.assignment([streets], targets=[target("13.3")])
    # Two targets of goal 11 in one published report: one report for goal 11.
    world.report(both, environment, targets=[target("11.6"), target("11.2")])
    world.report(both, streets, targets=[target("11.6"), target("13.3")])

    html = get(client, "goals_public:sdg_list")

    assert text(card(html, 11)).endswith("2 assignments 2 published reports")
    assert text(card(html, 13)).endswith("1 assignment 1 published report")
    assert text(card(html, 1)).endswith("0 assignments 0 published reports")
    coverage = section(html, "coverage-heading")
    assert "Miljönämnden" in coverage and "Tekniska nämnden" in coverage


def test_the_coverage_matrix_counts_each_organisations_published_reports_per_goal(client, world):
    environment = world.organisation("Miljönämnden")
    assignment = world.assignment([environment])
    other = world.assignment([environment])
    world.report(assignment, environment, targets=[target("11.6"), target("13.3")])
    world.report(other, environment, targets=[target("11.1")])

    html = get(client, "goals_public:sdg_list")
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S) if "Miljönämnden" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)

    counts = [text(cell).replace("– ", "") for cell in cells]
    assert counts[10] == "2" and counts[12] == "1" and counts[0] == "0"
    assert counts[-1] == "2"  # goals reached


# Only published versions count


@pytest.mark.parametrize(
    "status",
    [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED],
)
def test_an_unpublished_reports_targets_never_count_or_appear(client, world, status):
    organisation = world.organisation("Fritidsnämnden")
    assignment = world.assignment([organisation])
    report = world.report(assignment, organisation, targets=[target("14.1")], status=status)
    assert report.status == status and report.published_version_id is None

    listing = get(client, "goals_public:sdg_list")
    detail = get(client, "goals_public:sdg_detail", 14)
    target_page = get(client, "goals_public:sdg_target", 14, "14.1")

    assert text(card(listing, 14)).endswith("0 assignments 0 published reports")
    assert "Fritidsnämnden" not in listing
    assert "No published reports contribute to these goals yet." in listing
    assert "Fritidsnämnden" not in detail
    assert 'id="target-14.1"' not in detail
    assert ">14.1<" in section(detail, "gaps")
    assert "Fritidsnämnden" not in target_page
    assert "Published reports 0" in text(target_page)


def test_a_published_report_under_correction_counts_only_through_its_published_version(
    client, world
):
    organisation = world.organisation("Kulturnämnden")
    assignment = world.assignment([organisation])
    report = world.report(assignment, organisation, targets=[target("15.1")])
    world.resubmit_corrected(
        report, targets=[target("15.2"), target("16.1")], progress=Progress.OFF_TRACK
    )

    listing = get(client, "goals_public:sdg_list")
    detail = get(client, "goals_public:sdg_detail", 15)
    published = get(client, "goals_public:sdg_target", 15, "15.1")
    corrected = get(client, "goals_public:sdg_target", 15, "15.2")

    assert text(card(listing, 15)).endswith("0 assignments 1 published report")
    assert text(card(listing, 16)).endswith("0 assignments 0 published reports")
    assert "Published reports 1" in text(section(detail, "target-15.1"))
    assert 'id="target-15.2"' not in detail and ">15.2<" in section(detail, "gaps")
    assert "Tertial 1 2018 0 1 0 0 0 1" in text(section(detail, "progress"))
    # The target page shows the published version: its target and progress, not the
    # correction's.
    assert "Kulturnämnden" in section(published, "reports")
    assert "(Progress: on track)" in published and "off track)" not in published
    assert "Kulturnämnden" not in corrected


# A goal's page


def test_a_goals_page_lists_its_targets_and_what_contributes_to_each(client, world):
    environment = world.organisation("Miljönämnden")
    assignment = world.assignment(
        [environment], code="2018:1", title="Integrera de globala målen", targets=[target("11.6")]
    )
    world.assignment([environment], code="2018:4", title="Kuststaden", goals=[sdg(11)])
    world.report(assignment, environment, targets=[target("11.6"), target("11.b")])

    html = get(client, "goals_public:sdg_detail", 11)

    hero = html[html.index('class="goal-hero') : html.index("</h1>")]
    assert 'class="goal-hero sdg-11"' in hero and "Goal 11" in hero
    assert "Make cities and human settlements inclusive, safe, resilient and sustainable" in html
    contributions = section(html, "targets")
    # The goal's assignments are listed on its targets' pages and in the list of assignments,
    # filtered by the goal's number, which the page links to.
    assert 'href="/en/assignments/?goal=11"' in contributions
    assert "/en/assignments/" + str(assignment.pk) not in html
    assert contributions.count('class="target-contribution"') == 2
    # Each target says how much contributes to it and links to its page, which lists it.
    first = section(html, "target-11.6")
    assert "Assignments 1 Published reports 1" in text(first)
    assert "Assignments 0 Published reports 1" in text(section(html, "target-11.b"))
    assert f'href="{url("goals_public:sdg_target", 11, "11.6")}"' in first
    assert "Assignments, reports and indicators of target 11.6" in text(first)
    facts = text(html[html.index('<dl class="goal-facts">') : html.index("</dl>")])
    assert facts == "Targets 10 Targets with contributions 2 Assignments 2 Published reports 1"


def test_a_targets_page_lists_what_contributes_to_it(client, world):
    environment = world.organisation("Miljönämnden")
    assignment = world.assignment(
        [environment], code="2018:1", title="Integrera de globala målen", targets=[target("11.6")]
    )
    world.assignment([environment], code="2018:4", title="Kuststaden", goals=[sdg(11)])
    other = world.assignment([environment], code="2018:5", title="Skogen", targets=[target("15.1")])
    world.report(assignment, environment, targets=[target("11.6"), target("11.b")])
    world.report(other, environment, targets=[target("15.1")])

    html = get(client, "goals_public:sdg_target", 11, "11.6")

    hero = html[html.index('class="goal-hero') : html.index("</h1>")]
    assert 'class="goal-hero sdg-11"' in hero and "Target 11.6" in hero
    assert escape(target("11.6").text_en) in hero
    assert f'href="{url("goals_public:sdg_detail", 11)}"' in html
    facts = text(html[html.index('<dl class="goal-facts">') : html.index("</dl>")])
    assert facts == "Assignments 1 Published reports 1 Indicators 0"
    # Only what is linked to this target or contributes to it: not the goal's other links.
    assignments = text(section(html, "assignments"))
    assert "2018:1 Integrera de globala målen" in assignments
    assert "Kuststaden" not in assignments and "Skogen" not in assignments
    reports = text(section(html, "reports"))
    assert "Miljönämnden: 2018:1 Integrera de globala målen, Tertial 1 2018" in reports
    assert "Skogen" not in reports
    assert "No indicator follows up this target yet." in section(html, "indicators")


def test_a_target_nothing_contributes_to_says_so(client):
    html = get(client, "goals_public:sdg_target", 5, "5.1")

    assert "No assignment is linked to this target yet." in section(html, "assignments")
    assert "No published report contributes to this target yet." in section(html, "reports")
    facts = text(html[html.index('<dl class="goal-facts">') : html.index("</dl>")])
    assert facts == "Assignments 0 Published reports 0 Indicators 0"


def test_targets_nothing_contributes_to_are_listed_apart(client, world):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation], targets=[target("13.1")])
    world.report(assignment, organisation, targets=[target("13.2")])

    gaps = section(get(client, "goals_public:sdg_detail", 13), "gaps")

    codes = re.findall(r'target-list__code[^"]*">([^<]+)<', gaps)
    assert codes == ["13.3", "13.a", "13.b"]
    assert "contributes to 3 of the goal's 5 targets yet" in text(gaps)


def test_a_goal_nothing_contributes_to_says_so_everywhere(client):
    html = get(client, "goals_public:sdg_detail", 5)

    assert "Assignments 0 Published reports 0" in text(
        html[html.index('<dl class="goal-facts">') : html.index("</dl>")]
    )
    assert "?goal=" not in html  # no link to an empty list
    assert "No published reports yet." in section(html, "progress")
    assert "No assignment or published report contributes to the goal's targets yet." in html
    gaps = section(html, "gaps")
    assert "any of the goal's targets yet" in gaps
    assert len(re.findall(r"target-list__code", gaps)) == 9


def test_swedish_pages_mark_english_fallback_texts_as_english(client):
    # A target whose Swedish text is still missing, as staff would find it in the admin.
    GlobalTarget.objects.filter(pk=target("15.1").pk).update(text_sv="")
    untranslated = target("15.1")

    swedish = get(client, "goals_public:sdg_detail", 15, language="sv")
    english = get(client, "goals_public:sdg_detail", 15, language="en")

    assert f'<span lang="en">{escape(untranslated.text_en)}</span>' in swedish
    assert f"{escape(untranslated.text_en)}</span>" in english
    assert '<span lang="en">' not in section(english, "gaps")
    assert 'lang="en">Life on land' not in swedish
    assert f"</span> {sdg(15).title_sv}</h1>" in swedish


def test_swedish_texts_are_shown_without_a_language_mark(client):
    translated = target("7.1")
    assert translated.text_sv

    swedish = get(client, "goals_public:sdg_detail", 7, language="sv")

    assert f'<span class="target-list__text">{escape(translated.text_sv)}</span>' in swedish


def test_contributions_link_to_the_public_assignment_and_report_pages(client, world):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation], targets=[target("11.6")])
    report = world.report(assignment, organisation, targets=[target("11.6")])

    html = get(client, "goals_public:sdg_target", 11, "11.6")

    assert f'href="{url("public:assignment_detail", assignment.pk)}"' in section(
        html, "assignments"
    )
    assert f'href="{url("public:report_detail", report.pk)}"' in section(html, "reports")


def test_the_progress_chart_of_a_goal_shows_its_published_reports_by_period(client, world):
    organisation = world.organisation("Miljönämnden")
    other = world.organisation("Kulturnämnden")
    assignment = world.assignment([organisation, other])
    later = factories.make_period(
        budget=world.budget, name="Tertial 2", deadline=datetime.date(2100, 12, 31)
    )
    world.report(assignment, organisation, targets=[target("11.6")], progress=Progress.AT_RISK)
    # Contributing to two of the goal's targets, it is still one report.
    world.report(
        assignment, other, targets=[target("11.1"), target("11.3")], progress=Progress.ON_TRACK
    )
    world.report(
        assignment, organisation, targets=[target("11.6")], period=later, progress="completed"
    )

    html = get(client, "goals_public:sdg_detail", 11)
    progress = section(html, "progress")
    page = outline(progress)

    assert any(attrs.get("role") == "img" for _tag, attrs in page.tags)
    table = text(progress[progress.index("<table") :])
    assert "Tertial 1 2018 0 1 1 0 0 2" in table and "Tertial 2 2018 0 0 0 0 1 1" in table
    assert table.index("Tertial 1 2018") < table.index("Tertial 2 2018")
    assert "Published reports 3" in text(html[html.index('class="goal-facts"') :])


def test_the_millennium_pages_tell_malmos_history_with_them(client):
    for html in (
        get(client, "goals_public:mdg_list"),
        get(client, "goals_public:mdg_detail", 3),
    ):
        intro = text(html[html.index('class="mdg-intro"') :])
        assert "2010" in intro and "Millenniekommun" in intro
        assert "ended in 2015" in intro and "Agenda 2030" in intro
        assert f'href="{url("goals_public:sdg_list")}"' in html


def test_millennium_goal_pages_show_their_targets(client):
    html = get(client, "goals_public:mdg_detail", 1)

    assert 'class="goal-hero goal-tile--mdg"' in html
    gaps = section(html, "gaps")
    assert re.findall(r'target-list__code[^"]*">([^<]+)<', gaps) == ["1.A", "1.B", "1.C"]


# Constant queries


def build(world: World, *, prefix: str, organisations: int, reports_each: int) -> None:
    """Organisations each with assignments linked to goals and targets, and published
    reports contributing to targets of several goals."""
    codes = ["11.1", "11.6", "13.1", "1.2", "16.6", "7.2", "14.1", "4.7"]
    for o in range(organisations):
        organisation = world.organisation(f"{prefix} {o}")
        for r in range(reports_each):
            picked = [target(codes[(o + r + i) % len(codes)]) for i in range(3)]
            assignment = world.assignment(
                [organisation], goals=[sdg(11), sdg(1 + (o + r) % 17)], targets=picked[:2]
            )
            world.report(assignment, organisation, targets=picked)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("goals_public:sdg_list", [], 4),
        ("goals_public:mdg_list", [], 4),
        # The goal, the count of its assignments, its targets with their counts of
        # assignments and of published reports, the stored progress counts per period with
        # their periods, and the indicators of its targets (none here;
        # test_indicator_pages.py).
        ("goals_public:sdg_detail", [11], 5),
        ("goals_public:mdg_detail", [1], 5),
        # The goal, the target with its counts of published reports and of assignments, a
        # page of its assignments, the ids of its newest published reports and those
        # reports, and its indicators (none here).
        ("goals_public:sdg_target", [11, "11.1"], 6),
        # Nothing is linked to a Millennium target: no page of assignments, no reports.
        ("goals_public:mdg_target", [1, "1.A"], 4),
    ],
)
def test_goal_pages_make_the_same_number_of_queries_however_much_is_published(
    client, world, name, args, expected
):
    build(world, prefix="Liten nämnd", organisations=1, reports_each=1)
    fresh_get(client, name, *args)  # warm up per-process caches
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        fresh_get(client, name, *args)

    build(world, prefix="Stor nämnd", organisations=6, reports_each=3)
    assert Report.objects.public().count() == 19
    with CaptureQueriesContext(connection) as large:
        html = fresh_get(client, name, *args)

    assert len(large) == len(small) == expected, [q["sql"] for q in large.captured_queries]
    if name == "goals_public:sdg_list":
        assert "Stor nämnd 5" in html


# Caching


def test_goal_pages_are_cached_for_visitors_until_something_is_published(
    client, world, django_capture_on_commit_callbacks
):
    organisation = world.organisation("Miljönämnden")
    assignment = world.assignment([organisation])
    first = client.get(url("goals_public:sdg_list"))
    assert first["X-Cache"] == "miss"
    assert "0 assignments 0 published reports" in text(card(first.content.decode(), 11))

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url("goals_public:sdg_list"))
    assert second["X-Cache"] == "hit" and len(queries) == 0
    assert client.get(url("goals_public:sdg_list", language="sv"))["X-Cache"] == "miss"

    with django_capture_on_commit_callbacks(execute=True):
        world.report(assignment, organisation, targets=[target("11.6")])
    third = client.get(url("goals_public:sdg_list"))

    assert third["X-Cache"] == "miss"
    assert "1 published report" in text(card(third.content.decode(), 11))


def test_signed_in_visitors_get_fresh_goal_pages(client, world):
    client.force_login(factories.make_user())

    client.get(url("goals_public:sdg_detail", 11))
    response = client.get(url("goals_public:sdg_detail", 11))

    assert "X-Cache" not in response


def test_a_goal_page_counts_its_assignments_and_links_to_the_list_of_them(client, world):
    organisation = world.organisation("Miljönämnden")
    # Linked to the goal itself, to one of its targets, both, or to another goal only.
    world.assignment([organisation], goals=[sdg(11)])
    world.assignment([organisation], goals=[sdg(11)])
    world.assignment([organisation], targets=[target("11.6")])
    both = world.assignment([organisation], goals=[sdg(11)], targets=[target("11.6")])
    world.assignment([organisation], goals=[sdg(13)], targets=[target("13.2")])
    world.report(both, organisation, targets=[target("11.6")])

    html = fresh_get(client, "goals_public:sdg_detail", 11)

    facts = text(html[html.index('<dl class="goal-facts">') : html.index("</dl>")])
    assert facts == "Targets 10 Targets with contributions 1 Assignments 4 Published reports 1"
    assert "Assignments 2 Published reports 1" in text(section(html, "target-11.6"))
    # The list it links to is filtered by the goal's number.
    assert 'href="/en/assignments/?goal=11"' in section(html, "targets")


def test_a_goal_page_links_to_the_list_also_when_no_target_has_an_assignment(client, world):
    world.assignment([world.organisation("Miljönämnden")], goals=[sdg(11)])

    html = fresh_get(client, "goals_public:sdg_detail", 11)

    targets = section(html, "targets")
    assert "No assignment or published report contributes to the goal's targets yet." in targets
    assert 'href="/en/assignments/?goal=11"' in targets


def test_a_millennium_goals_page_has_no_link_to_a_list_it_cannot_filter(client, world):
    organisation = world.organisation("Miljönämnden")
    mdg = GlobalGoal.objects.get(framework="mdg", number=7)
    for _ in range(3):
        world.assignment([organisation], goals=[mdg], targets=[target("7.A", "mdg")])

    html = fresh_get(client, "goals_public:mdg_detail", 7)

    assert "?goal=" not in html
    row = section(html, "target-7.A")
    assert "Assignments 3 Published reports 0" in text(row)
    assert f'href="{url("goals_public:mdg_target", 7, "7.A")}"' in row


def test_a_targets_page_lists_its_assignments_a_page_at_a_time(client, world):
    from assignments.public.goals import TARGET_ASSIGNMENTS_PER_PAGE

    organisation = world.organisation("Miljönämnden")
    older = factories.make_budget(year=2017)
    total = TARGET_ASSIGNMENTS_PER_PAGE + 3
    codes = [f"2018:{n:02d}" for n in range(total - 1)]
    for code in reversed(codes):
        world.assignment([organisation], code=code, targets=[target("11.6")])
    oldest = factories.make_assignment(budget=older, organisations=[organisation], code="2017:1")
    oldest.global_targets.set([target("11.6")])

    first = fresh_get(client, "goals_public:sdg_target", 11, "11.6")
    second = client.get(url("goals_public:sdg_target", 11, "11.6") + "?page=2").content.decode()

    def listed(html: str) -> list[str]:
        return re.findall(r'<span class="code">([^<]+)</span>', section(html, "assignments"))

    # The newest budget first, then by code; the older budget's on the last page.
    assert listed(first) == codes[:TARGET_ASSIGNMENTS_PER_PAGE]
    assert listed(second) == [*codes[TARGET_ASSIGNMENTS_PER_PAGE:], "2017:1"]
    assert "Page 1 of 2" in text(section(first, "assignments"))
    assert f"Assignments {total}" in text(first)
    # Any other page asked for is a page of the list, never an error.
    for page in ("0", "-1", "x", "99", "1.5", "٣"):
        response = client.get(url("goals_public:sdg_target", 11, "11.6"), {"page": page})
        assert response.status_code == 200, page


def test_a_targets_newest_reports_are_those_of_the_latest_periods(client, world):
    from assignments.public.goals import TARGET_REPORTS_SHOWN

    organisation = world.organisation("Miljönämnden")
    later = factories.make_period(
        budget=world.budget, name="Tertial 3", deadline=datetime.date(2099, 12, 31)
    )
    world.period.deadline = datetime.date(2099, 4, 30)
    world.period.save()
    earlier = [
        world.report(world.assignment([organisation]), organisation, targets=[target("11.6")])
        for _ in range(TARGET_REPORTS_SHOWN)
    ]
    newest = world.report(
        world.assignment([organisation]), organisation, targets=[target("11.6")], period=later
    )

    html = fresh_get(client, "goals_public:sdg_target", 11, "11.6")
    reports = section(html, "reports")
    shown = re.findall(r'href="/en/reports/(\d+)/', reports)
    # The later period's report first, then the latest reports of the earlier period.
    assert [int(pk) for pk in shown] == [
        newest.pk,
        *[r.pk for r in reversed(earlier)][: TARGET_REPORTS_SHOWN - 1],
    ]
    assert "and 1 older published report" in reports
    facts = text(html[html.index('<dl class="goal-facts">') : html.index("</dl>")])
    assert f"Published reports {TARGET_REPORTS_SHOWN + 1}" in facts


def test_a_targets_page_never_shows_what_is_not_published(client, world):
    organisation = world.organisation("Miljönämnden")
    for status in (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        world.report(
            world.assignment([organisation]), organisation, targets=[target("11.6")], status=status
        )

    html = fresh_get(client, "goals_public:sdg_target", 11, "11.6")

    assert "No published report contributes to this target yet." in section(html, "reports")
    assert 'href="/en/reports/' not in html


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_links_written_in_python_are_the_includes_markup(world, language):
    from django.template.loader import render_to_string

    from assignments.public.goals import _reports
    from assignments.public.rows import assignment_link, report_link

    organisation = world.organisation("Miljö & klimat <nämnden>")
    assignment = world.assignment([organisation], title="Grönt & skönt")
    report = world.report(assignment, organisation, targets=[target("11.6")], progress="at_risk")
    shown = _reports({report.pk})[report.pk]
    public = Report.objects.public().get(pk=report.pk)
    link = (assignment.pk, assignment.code, assignment.title, assignment.budget.year)

    with translation.override(language):
        assert assignment_link(*link) == (
            render_to_string("public/_assignment_link.html", {"assignment": assignment}).strip()
        )
        assert report_link(*shown) == (
            render_to_string("public/_report_link.html", {"report": public}).strip()
        )
        assert "&amp; klimat &lt;nämnden&gt;" in report_link(*shown)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("framework", ["sdg", "mdg"])
def test_the_targets_contributions_written_in_python_are_the_includes_markup(
    world, language, framework
):
    from django.template.loader import render_to_string

    from assignments.public.goals import TargetRow, contribution_items

    goal = GlobalGoal.objects.get(framework=framework, number=1)
    targets = list(goal.targets.order_by("position"))
    rows = [
        TargetRow(
            target=targets[0], url="/en/x/1.1/?a=1&b=<2>", assignment_count=5, report_count=2
        ),
        TargetRow(target=targets[-1], url="/en/x/1.b/", assignment_count=0, report_count=3),
    ]
    context = {"framework": framework, "goal": goal}
    with translation.override(language):
        expected = "".join(
            render_to_string("public/_target_contribution.html", {**context, "row": row})
            for row in rows
        )
        written = contribution_items(rows, **context)
    assert squeezed(written) == squeezed(expected)
    assert "?a=1&amp;b=&lt;2&gt;" in written
