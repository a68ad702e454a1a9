"""
The public progress pages: every page in both languages, only published content on any of
them, the filters and search of the assignment list, pagination, and the cache.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone, translation

from assignments import services
from assignments.models import (
    Assignment,
    Organisation,
    OrganisationKind,
    Progress,
    Report,
    ReportingPeriod,
    ReportStatus,
    Responsibility,
    ResponsibilityRole,
    User,
)
from goals.models import Budget, CouncilGoal, GlobalGoal, GlobalTarget, GoalArea
from tests import factories
from tests.helpers import PDF
from tests.public.helpers import Outline, Reporting, url

# Texts that must never be public: one per unpublished state, each a distinctive word.
SECRETS = {
    "draft": "Utkastet Zebrafink",
    "draft_narrative": "Utkastberättelse Myrslok",
    "draft_attachment": "utkast-bilaga-hemlig.pdf",
    "submitted": "Inskickat Giraffhus",
    "returned": "Returnerat Okapispår",
    "approved": "Godkänt opublicerat Tapirhage",
    "correction": "Rättelse under arbete Vesslebo",
    "correction_narrative": "Rättad berättelse Illerspår",
    "correction_attachment": "rattelse-bilaga-hemlig.pdf",
    "resubmitted": "Inskickad rättelse Minkfarm",
    "approved_correction": "Godkänd rättelse Bäverdamm",
}
PUBLISHED = {
    "first": "Publicerat första tertialet Lodjursspår",
    "second": "Publicerat andra tertialet Järvspår",
    "before_correction": "Publicerat före rättelsen Kungsörnsbo",
    "before_resubmission": "Publicerat före ny inskickning Havsörnsbo",
    "before_approved_correction": "Publicerat före godkänd rättelse Fjällrävsgryt",
    "attachment": "publicerad-bilaga.pdf",
}


@dataclass
class World:
    budget: Budget
    old_budget: Budget
    goal_a: CouncilGoal
    goal_b: CouncilGoal
    ks: Organisation
    namnd: Organisation
    bolag: Organisation
    former: Organisation
    forbund: Organisation
    coast: Assignment
    digital: Assignment
    unreported: Assignment
    old: Assignment
    t1: ReportingPeriod
    t2: ReportingPeriod
    reports: dict[str, Report]


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:
    """Budgets, goals, organisations and assignments, with reports in every state."""
    budget = factories.make_budget(year=2018, title="Malmö stads budget 2018")
    old_budget = factories.make_budget(year=2017, title="Malmö stads budget 2017")
    area = GoalArea.objects.create(budget=budget, number=8, name="En ekologiskt hållbar stad")
    goal_a = CouncilGoal.objects.create(
        area=area, number=1, text="Malmö ska vara en hälsofrämjande och klimatsmart stad."
    )
    goal_b = CouncilGoal.objects.create(
        area=area, number=2, text="Malmö ska ha en hållbar stadsstruktur."
    )
    sdg = {g.number: g for g in GlobalGoal.objects.sdg()}
    goal_a.global_goals.set([sdg[11], sdg[13]])

    ks = factories.make_organisation(
        name="Kommunstyrelsen", slug="kommunstyrelsen", kind=OrganisationKind.KOMMUNSTYRELSE
    )
    namnd = factories.make_organisation(name="Miljönämnden", slug="miljonamnden")
    bolag = factories.make_organisation(
        name="MKB Fastighets AB", slug="mkb", kind=OrganisationKind.BOLAG
    )
    former = factories.make_organisation(
        name="Sociala resursnämnden",
        slug="sociala-resursnamnden",
        valid_to=datetime.date(2017, 4, 30),
    )
    forbund = factories.make_organisation(
        name="Sydvatten", slug="sydvatten", kind=OrganisationKind.KOMMUNALFORBUND
    )

    coast = factories.make_assignment(
        budget=budget,
        council_goal=goal_a,
        organisations=[namnd],
        code="2018:4",
        title="Stärka Malmös roll som framtidens kuststad",
        text="Kommunstyrelsen ges i uppdrag att utveckla kustzonen tillsammans med andra.",
    )
    Responsibility.objects.create(
        assignment=coast, organisation=bolag, role=ResponsibilityRole.PARTICIPANT
    )
    coast.global_goals.set([sdg[14]])
    digital = factories.make_assignment(
        budget=budget,
        council_goal=goal_b,
        organisations=[ks, bolag],
        code="2018:3",
        title="Inrätta en digital stödfunktion",
        text="En digital stödfunktion inrättas som kan stötta stadens utvecklingsarbete.",
    )
    digital.global_targets.set([GlobalTarget.objects.get(goal__number=9, code="9.c")])
    unreported = factories.make_assignment(
        budget=budget,
        organisations=[ks],
        code="2018:9",
        title="Samordna ansökningar av externa medel",
        text="Kansliet ska samordna stadens ansökningar av externa medel.",
    )
    old = factories.make_assignment(
        budget=old_budget,
        organisations=[former],
        code="2017:1",
        title="Utreda välfärdsbrottslighet",
        text="Nämnden ges i uppdrag att utreda välfärdsbrottslighet.",
    )

    t1 = factories.make_period(budget=budget, name="Tertial 1", deadline=datetime.date(2098, 5, 11))
    t2 = factories.make_period(budget=budget, name="Tertial 2", deadline=datetime.date(2098, 9, 14))
    old_period = factories.make_period(
        budget=old_budget, name="Årsanalys", deadline=datetime.date(2097, 2, 15)
    )

    make = Reporting(reviewer=factories.make_reviewer())
    reports = {}
    with django_capture_on_commit_callbacks(execute=True):
        # Published, and superseded by a later published period.
        reports["first"] = make.report(
            coast,
            namnd,
            t1,
            summary=PUBLISHED["first"],
            progress=Progress.ON_TRACK,
            percent_complete=30,
            targets=["11.6"],
            attachments=[PUBLISHED["attachment"]],
        )
        reports["second"] = make.report(
            coast, namnd, t2, summary=PUBLISHED["second"], progress=Progress.AT_RISK
        )
        # Published, then reopened: a correction is being written in the working copy.
        corrected = make.report(
            digital,
            ks,
            t1,
            summary=PUBLISHED["before_correction"],
            progress=Progress.COMPLETED,
            percent_complete=100,
            targets=["17.17"],
        )
        corrected = make.reopen(corrected)
        reports["corrected"] = make.write(
            corrected,
            summary=SECRETS["correction"],
            narrative=SECRETS["correction_narrative"],
            progress=Progress.OFF_TRACK,
            percent_complete=77,
            targets=["14.1"],
            attachments=[SECRETS["correction_attachment"]],
        )
        # Published, reopened and the correction submitted again.
        resubmitted = make.report(
            digital, bolag, t1, summary=PUBLISHED["before_resubmission"], progress=Progress.ON_TRACK
        )
        resubmitted = make.write(
            make.reopen(resubmitted), summary=SECRETS["resubmitted"], progress=Progress.OFF_TRACK
        )
        reports["resubmitted"] = make.advance(resubmitted, ReportStatus.SUBMITTED)
        # Published, reopened, and the correction approved but not yet published.
        approved_correction = make.report(
            old,
            former,
            old_period,
            summary=PUBLISHED["before_approved_correction"],
            progress=Progress.NOT_STARTED,
        )
        approved_correction = make.write(
            make.reopen(approved_correction),
            summary=SECRETS["approved_correction"],
            progress=Progress.OFF_TRACK,
        )
        reports["approved_correction"] = make.advance(approved_correction, ReportStatus.APPROVED)
        # Never published, in every other state.
        reports["draft"] = make.report(
            unreported,
            ks,
            t1,
            status=ReportStatus.DRAFT,
            summary=SECRETS["draft"],
            narrative=SECRETS["draft_narrative"],
            progress=Progress.OFF_TRACK,
            targets=["15.1"],
            attachments=[SECRETS["draft_attachment"]],
        )
        reports["submitted"] = make.report(
            coast, bolag, t1, status=ReportStatus.SUBMITTED, summary=SECRETS["submitted"]
        )
        reports["returned"] = make.report(
            coast, bolag, t2, status=ReportStatus.RETURNED, summary=SECRETS["returned"]
        )
        reports["approved"] = make.report(
            digital, ks, t2, status=ReportStatus.APPROVED, summary=SECRETS["approved"]
        )
    return World(
        budget=budget,
        old_budget=old_budget,
        goal_a=goal_a,
        goal_b=goal_b,
        ks=ks,
        namnd=namnd,
        bolag=bolag,
        former=former,
        forbund=forbund,
        coast=coast,
        digital=digital,
        unreported=unreported,
        old=old,
        t1=t1,
        t2=t2,
        reports=reports,
    )


def public_paths(world: World) -> list[tuple[str, list]]:
    """(URL name, args) of every public page of the world."""
    published = Report.objects.public().order_by("pk")
    return [
        ("home", []),
        ("public:assignment_list", []),
        *(("public:assignment_detail", [a.pk]) for a in Assignment.objects.all()),
        ("public:organisation_list", []),
        *(("public:organisation_detail", [o.slug]) for o in Organisation.objects.all()),
        ("public:council_goals", []),
        ("public:indicator_list", []),
        *(("public:report_detail", [r.pk]) for r in published),
        *(("public:period_compilation", [p.pk]) for p in ReportingPeriod.objects.all()),
        ("public:accessibility", []),
    ]


def get_html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


# Every page, in both languages


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_public_page_answers_in_both_languages(client, world, language):
    for name, args in public_paths(world):
        path = url(name, *args, language=language)
        assert path.startswith("/en/") == (language == "en"), path
        html = get_html(client, path)
        assert f'<html lang="{language}">' in html, path


def test_the_public_urls_have_their_english_paths():
    assert url("public:assignment_list") == "/en/assignments/"
    assert url("public:assignment_detail", 4) == "/en/assignments/4/"
    assert url("public:organisation_list") == "/en/organisations/"
    assert url("public:organisation_detail", "mkb") == "/en/organisations/mkb/"
    assert url("public:council_goals") == "/en/council-goals/"
    assert url("public:report_detail", 7) == "/en/reports/7/"
    assert url("public:period_compilation", 2) == "/en/reports/periods/2/"
    assert url("public:accessibility") == "/en/accessibility/"
    assert url("public:indicator_list") == "/en/indicators/"
    assert url("public:indicator_detail", "N00401") == "/en/indicators/N00401/"


# The rule: only published versions are public


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_unpublished_text_appears_on_any_public_page(client, world, language):
    pages = {}
    for name, args in public_paths(world):
        pages[url(name, *args, language=language)] = get_html(
            client, url(name, *args, language=language)
        )
    everything = "\n".join(pages.values())

    for key, secret in SECRETS.items():
        leaks = [path for path, html in pages.items() if secret in html]
        assert not leaks, f"{key} text {secret!r} leaks on {leaks}"
    for key, text in PUBLISHED.items():
        assert text in everything, f"published {key} text missing"


def test_reports_without_a_published_version_are_not_found(client, world):
    for key in ("draft", "submitted", "returned", "approved"):
        report = world.reports[key]
        for language in ("sv", "en"):
            response = client.get(url("public:report_detail", report.pk, language=language))
            assert response.status_code == 404, key


def test_a_reopened_report_shows_its_published_version_never_the_correction(client, world):
    report = world.reports["corrected"]
    assert report.status == ReportStatus.RETURNED and report.summary == SECRETS["correction"]

    html = get_html(client, url("public:report_detail", report.pk))

    assert PUBLISHED["before_correction"] in html
    assert SECRETS["correction"] not in html and SECRETS["correction_narrative"] not in html
    assert "100 %" in html and "77 %" not in html
    assert "progress-status--completed" in html and "progress-status--off_track" not in html
    assert "17.17" in html and "14.1" not in html
    assert SECRETS["correction_attachment"] not in html


def test_a_resubmitted_or_approved_correction_stays_private_until_published(client, world):
    resubmitted = world.reports["resubmitted"]
    approved = world.reports["approved_correction"]
    assert resubmitted.status == ReportStatus.SUBMITTED
    assert approved.status == ReportStatus.APPROVED

    resubmitted_html = get_html(client, url("public:report_detail", resubmitted.pk))
    approved_html = get_html(client, url("public:report_detail", approved.pk))

    assert PUBLISHED["before_resubmission"] in resubmitted_html
    assert SECRETS["resubmitted"] not in resubmitted_html
    assert PUBLISHED["before_approved_correction"] in approved_html
    assert SECRETS["approved_correction"] not in approved_html


def test_the_report_page_links_only_the_published_versions_attachments(client, world):
    report = world.reports["first"]
    attachment = report.published_version.attachments.get()
    download = url("assignments:attachment_download", report.pk, attachment.pk)

    html = get_html(client, url("public:report_detail", report.pk))

    assert PUBLISHED["attachment"] in html and f'href="{download}"' in html
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_the_report_page_shows_the_assignment_organisation_period_and_date(client, world):
    report = world.reports["first"]

    html = get_html(client, url("public:report_detail", report.pk))

    assert "Stärka Malmös roll som framtidens kuststad" in html
    assert f'href="{url("public:organisation_detail", "miljonamnden")}"' in html
    assert f'href="{url("public:assignment_detail", world.coast.pk)}"' in html
    assert f'href="{url("public:period_compilation", world.t1.pk)}"' in html
    assert "Tertial 1 2018" in html
    published_on = timezone.localdate(report.events.get(action="published").at)  # Stockholm's
    assert f'<time datetime="{published_on:%Y-%m-%d}">' in html
    assert "11.6" in html


def test_home_counts_the_latest_published_report_of_each_assignment_and_organisation(client, world):
    response = client.get("/en/")
    chart = response.context["progress_chart"]
    counts = {segment.value: segment.count for segment in chart.segments}

    # coast × Miljönämnden: Tertial 2 (at risk) replaces Tertial 1 (on track); digital × KS:
    # the published "completed", not the correction's "off track"; digital × MKB: the
    # published "on track", not the resubmitted "off track". The 2017 budget is not current.
    assert counts == {
        "not_started": 0,
        "on_track": 1,
        "at_risk": 1,
        "off_track": 0,
        "completed": 1,
    }
    assert response.context["reported_count"] == 3
    assert response.context["responsibility_count"] == 5


def test_home_lists_the_latest_published_reports_newest_first_with_links(client, world):
    response = client.get("/en/")
    html = response.content.decode()

    latest = response.context["latest_reports"]
    assert {r.pk for r in latest} == set(Report.objects.public().values_list("pk", flat=True))
    times = [r.published_at for r in latest]
    assert times == sorted(times, reverse=True)
    for report in latest:
        assert f'href="{url("public:report_detail", report.pk)}"' in html
    assert f'href="{url("public:period_compilation", world.t1.pk)}"' in html


def test_the_assignment_page_shows_progress_by_period_and_each_latest_report(client, world):
    response = client.get(url("public:assignment_detail", world.coast.pk))
    html = response.content.decode()

    rows = {row.organisation.slug: row for row in response.context["rows"]}
    assert list(rows) == ["miljonamnden", "mkb"]  # the lead first, then the participant
    assert rows["miljonamnden"].latest.pk == world.reports["second"].pk
    assert rows["miljonamnden"].latest.progress == "at_risk"
    assert rows["mkb"].latest is None  # submitted and returned only
    assert "Kommunstyrelsen ges i uppdrag att utveckla kustzonen" in html
    assert f'href="{url("public:organisation_detail", "mkb")}"' in html
    assert f"#council-goal-{world.goal_a.pk}" in html
    assert 'class="goal-tile sdg-14"' in html
    bars = response.context["chart"].bars
    assert [(bar.label, bar.total) for bar in bars] == [("Tertial 1", 1), ("Tertial 2", 1)]


def test_the_assignment_page_lists_each_organisations_latest_report_and_links_onward(client, world):
    """The latest report of each responsible organisation, in a table that links to the
    report; its texts are the report page's, and each period's reports together the
    compilation's."""
    response = client.get(url("public:assignment_detail", world.coast.pk))
    html = response.content.decode()

    second = world.reports["second"]
    second.refresh_from_db()
    published = timezone.localtime(second.published_at)
    assert "Latest published report by committee or company" in html
    table = html[html.index('<caption id="reports-table-caption">') :]
    table = table[: table.index("</tbody>")]
    row = table[table.index("Miljönämnden") :]
    row = row[: row.index("</tr>")]
    assert f'<span lang="sv">Tertial 2 {world.budget.year}</span>' in row
    assert '<span class="progress-status progress-status--at_risk">At risk</span>' in row
    assert f'<time datetime="{published:%Y-%m-%d}">' in row
    assert (
        f'<a href="{url("public:report_detail", second.pk)}">Read the report of Miljönämnden' in row
    )
    assert PUBLISHED["second"] not in html  # the summary is on the report page
    for period in (world.t1, world.t2):
        compilation = url("public:period_compilation", period.pk)
        assert f'href="{compilation}#assignment-{world.coast.pk}-heading"' in html
    # The earlier report is the compilation's and the organisation page's, not this page's.
    assert f'href="{url("public:report_detail", world.reports["first"].pk)}"' not in html
    # MKB takes part, and has published nothing yet.
    mkb = table[table.index(f'href="{url("public:organisation_detail", "mkb")}"') :]
    mkb = mkb[: mkb.index("</tr>")]
    assert "(taking part)" in mkb
    assert "No published report yet" in mkb


def test_the_detail_pages_escape_the_names_and_titles_they_write(client, world):
    """The rows written in Python escape every text, as the templates would."""
    Organisation.objects.filter(pk=world.namnd.pk).update(name="Miljö <b>nämnden</b>")
    Assignment.objects.filter(pk=world.coast.pk).update(title="Kust & <script>x</script>")

    assignment = client.get(url("public:assignment_detail", world.coast.pk)).content.decode()
    organisation = client.get(url("public:organisation_detail", "miljonamnden")).content.decode()

    assert "<b>nämnden</b>" not in assignment
    assert "Miljö &lt;b&gt;nämnden&lt;/b&gt;" in assignment
    assert "<script>x</script>" not in organisation
    assert "Kust &amp; &lt;script&gt;x&lt;/script&gt;" in organisation


def test_the_organisation_list_groups_by_kind_with_validity(client, world):
    response = client.get(url("public:organisation_list"))
    html = response.content.decode()

    groups = {g.kind: [o.slug for o in g.organisations] for g in response.context["groups"]}
    assert list(groups) == ["kommunstyrelse", "namnd", "bolag", "kommunalforbund"]
    assert groups["namnd"] == ["miljonamnden", "sociala-resursnamnden"]
    assert "(until 2017)" in html
    for heading in ["City executive board", "Committees", "Companies", "Municipal associations"]:
        assert f">{heading}</h2>" in html


def test_the_organisation_page_shows_its_assignments_reports_and_goals(client, world):
    response = client.get(url("public:organisation_detail", "kommunstyrelsen"))
    html = response.content.decode()

    codes = [r.code for r in response.context["responsibilities"]]
    assert codes == ["2018:3", "2018:9"]
    assert [r.pk for r in response.context["reports"]] == [world.reports["corrected"].pk]
    # Goal 9 from the assignment's target 9.c, goal 17 from the published report's target
    # 17.17; not goal 14 (the correction's 14.1) nor goal 15 (the draft's 15.1).
    numbers = [g.number for g in response.context["goals"]]
    assert numbers == [9, 17]
    assert [t.code for t in response.context["targets"]] == ["17.17"]
    assert "progress-status--completed" in html


def test_council_goals_show_the_chosen_years_goals_with_their_assignments(client, world):
    response = client.get(url("public:council_goals"))
    html = response.content.decode()

    assert response.context["budget"] == world.budget
    assert f'id="council-goal-{world.goal_a.pk}"' in html
    assert f'href="{url("public:assignment_detail", world.coast.pk)}"' in html
    assert '<option value="2018" selected>' in html

    older = client.get(url("public:council_goals", query="?year=2017"))
    assert older.context["budget"] == world.old_budget
    assert f'id="council-goal-{world.goal_a.pk}"' not in older.content.decode()


def test_council_goals_ignore_an_unknown_year(client, world):
    response = client.get(url("public:council_goals", query="?year=1999"))

    assert response.status_code == 200
    assert response.context["budget"] == world.budget


def test_the_period_compilation_groups_published_reports_by_council_goal(client, world):
    response = client.get(url("public:period_compilation", world.t1.pk))
    html = response.content.decode()

    groups = [
        (
            g.council_goal,
            [(a.assignment.code, [r.organisation.slug for r in a.reports]) for a in g.assignments],
        )
        for g in response.context["groups"]
    ]
    assert groups == [
        (world.goal_a, [("2018:4", ["miljonamnden"])]),
        (world.goal_b, [("2018:3", ["kommunstyrelsen", "mkb"])]),
    ]
    assert PUBLISHED["first"] in html and PUBLISHED["before_correction"] in html
    assert html.count('class="section compilation-goal"') == 2
    assert PUBLISHED["attachment"] in html


def test_a_period_without_published_reports_says_so(client, world):
    period = factories.make_period(budget=world.budget, name="Årsanalys")

    html = get_html(client, url("public:period_compilation", period.pk))

    assert "No reports of this period have been published yet." in html


def test_unknown_objects_are_not_found(client, db):
    assert client.get(url("public:assignment_detail", 999)).status_code == 404
    assert client.get(url("public:organisation_detail", "finns-inte")).status_code == 404
    assert client.get(url("public:report_detail", 999)).status_code == 404
    assert client.get(url("public:period_compilation", 999)).status_code == 404


def test_the_accessibility_statement_says_what_the_law_asks(client, db):
    html = get_html(client, url("public:accessibility"))

    assert "2018:1937" in html
    assert "WCAG" in html and "2.1" in html and "AA" in html
    assert "still missing for some of the 169 targets" in html
    assert "PDF" in html
    assert 'href="mailto:hallbarhet@malmo.example"' in html
    assert 'href="https://www.digg.se/tdosanmalan"' in html
    assert "Myndigheten för digital förvaltning" in html
    assert "axe-core" in html and "keyboard" in html
    assert "2026" in html


# The assignment list: search, filters and pagination


def listed(client, query: str = "") -> list[str]:
    response = client.get(url("public:assignment_list", query=query))
    assert response.status_code == 200
    return [a.code for a in response.context["assignments"]]


def test_the_list_shows_every_assignment_newest_budget_first(client, world):
    assert listed(client) == ["2018:3", "2018:4", "2018:9", "2017:1"]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("?q=kuststad", ["2018:4"]),  # title
        ("?q=2018%3A3", ["2018:3"]),  # code
        ("?q=KUSTZONEN", ["2018:4"]),  # text, any case
        ("?q=ingenting+s%C3%A5dant", []),
        ("?year=2017", ["2017:1"]),
        ("?year=2018", ["2018:3", "2018:4", "2018:9"]),
        ("?organisation=mkb", ["2018:3", "2018:4"]),  # slug, and a part of the name
        ("?organisation=kommunstyrelsen&q=digital", ["2018:3"]),
        ("?organisation=milj%C3%B6", ["2018:4"]),  # a part of the name
        ("?organisation=+Fastighets+", ["2018:3", "2018:4"]),
        ("?organisation=n%C3%A4mnden", ["2018:4", "2017:1"]),  # two organisations
        ("?organisation=sociala-resursnamnden", ["2017:1"]),  # the slug of a former one
        ("?organisation=finns-inte", []),
    ],
)
def test_search_and_filters_narrow_the_list(client, world, query, codes):
    assert listed(client, query) == codes


def test_the_council_goal_filter(client, world):
    assert listed(client, f"?council_goal={world.goal_a.pk}") == ["2018:4"]
    assert listed(client, f"?council_goal={world.goal_b.pk}") == ["2018:3"]


@pytest.mark.parametrize(
    ("number", "codes"),
    [
        (14, ["2018:4"]),  # a goal of the assignment
        (9, ["2018:3"]),  # a target of the assignment
        (11, ["2018:4"]),  # a target of a published report (11.6)
        (17, ["2018:3"]),  # a target of a published report (17.17)
        (15, []),  # only a draft's target
    ],
)
def test_the_global_goal_filter_uses_assignments_and_published_reports_only(
    client, world, number, codes
):
    assert listed(client, f"?goal={number}") == codes


@pytest.mark.parametrize(
    ("progress", "codes"),
    [
        ("at_risk", ["2018:4"]),  # the latest published report of Miljönämnden
        ("on_track", ["2018:3"]),  # MKB's published report, not its resubmitted correction
        ("completed", ["2018:3"]),  # KS's published report, not its correction
        ("off_track", []),  # only in corrections and drafts
        ("not_started", ["2017:1"]),  # the published version, not the approved correction
        ("none", ["2018:9"]),  # no published report at all
    ],
)
def test_the_progress_filter_uses_the_latest_published_reports(client, world, progress, codes):
    assert listed(client, f"?progress={progress}") == codes


def test_the_filter_form_keeps_the_chosen_values(client, world):
    html = get_html(
        client,
        url("public:assignment_list", query="?q=kuststad&year=2018&organisation=miljonamnden"),
    )

    assert 'name="q" value="kuststad"' in html
    assert '<option value="2018" selected>' in html
    assert 'name="organisation" value="miljonamnden"' in html
    assert '<label class="field__label" for="id_q">Search</label>' in html
    assert "Clear all filters" in html


def test_the_organisation_is_searched_for_not_chosen_from_a_list_of_all(client, world):
    """A drop-down of every organisation would grow with the city's organisations; the hint
    links to the organisation list instead, where each has a page with its assignments."""
    html = get_html(client, url("public:assignment_list"))

    assert '<input type="search" name="organisation"' in html
    assert 'aria-describedby="id_organisation_helptext"' in html
    assert f'<a href="{url("public:organisation_list")}">Every committee and company</a>' in html
    for organisation in Organisation.objects.all():
        assert f'value="{organisation.slug}"' not in html
        assert f">{organisation.name}</option>" not in html


def test_an_invalid_filter_is_reported_and_ignored(client, world):
    response = client.get(url("public:assignment_list", query="?year=1899&q=kuststad"))

    assert [a.code for a in response.context["assignments"]] == ["2018:4"]
    assert 'class="error-summary"' in response.content.decode()


def test_no_results_says_so(client, world):
    html = get_html(client, url("public:assignment_list", query="?q=finnsinte"))

    assert "0 assignments" in html
    assert "No assignments match your search." in html
    assert 'class="result-list"' not in html


def test_the_list_shows_each_assignments_published_progress(client, world):
    response = client.get(url("public:assignment_list"))

    summary = {
        a.code: [(p.value, p.count) for p in a.progress_summary]
        for a in response.context["assignments"]
    }
    assert summary == {
        "2018:3": [("on_track", 1), ("completed", 1)],
        "2018:4": [("at_risk", 1)],
        "2018:9": [],
        "2017:1": [("not_started", 1)],
    }


@pytest.fixture
def many_assignments(db):
    budget = factories.make_budget(year=2018)
    for n in range(1, 46):
        factories.make_assignment(
            budget=budget, code=f"2018:{n:02d}", title=f"Uppdrag nummer {n}", text="Något."
        )


def test_the_list_is_paginated_twenty_a_page(client, many_assignments):
    first = client.get(url("public:assignment_list"))
    third = client.get(url("public:assignment_list", query="?page=3"))
    beyond = client.get(url("public:assignment_list", query="?page=99"))

    assert [a.code for a in first.context["assignments"]][:2] == ["2018:01", "2018:02"]
    assert len(first.context["assignments"]) == 20
    assert [a.code for a in third.context["assignments"]] == [f"2018:{n}" for n in range(41, 46)]
    assert beyond.context["page_obj"].number == 3
    html = third.content.decode()
    assert "45 assignments" in html
    assert '<ol class="result-list" start="41">' in html
    assert "Page 3 of 3" in html


def test_pagination_is_a_labelled_nav_that_keeps_the_filters(client, many_assignments):
    html = get_html(client, url("public:assignment_list", query="?q=nummer&page=2"))

    nav = html[html.index('<nav class="pagination"') :]
    nav = nav[: nav.index("</nav>")]
    assert 'aria-label="Pages"' in nav
    assert 'href="?q=nummer&amp;page=2" aria-current="page"' in nav
    assert 'href="?q=nummer&amp;page=1" rel="prev"' in nav
    assert 'href="?q=nummer&amp;page=3" rel="next"' in nav


# The cache


def test_anonymous_visitors_are_served_from_the_cache_until_something_is_published(
    client, world, django_capture_on_commit_callbacks
):
    path = url("public:assignment_detail", world.coast.pk)
    returned = world.reports["returned"]
    report_link = f'href="{url("public:report_detail", returned.pk)}"'
    assert client.get(path)["X-Cache"] == "miss"
    cached = client.get(path)
    assert cached["X-Cache"] == "hit"
    assert report_link not in cached.content.decode()

    make = Reporting(
        reviewer=factories.make_reviewer(),
        reporters={world.bolag.pk: User.objects.get(memberships__organisation=world.bolag)},
    )
    with django_capture_on_commit_callbacks(execute=True):
        make.write(returned, summary="Nu publicerat Uttersbo", progress=Progress.COMPLETED)
        make.advance(returned, ReportStatus.PUBLISHED)

    response = client.get(path)
    assert response["X-Cache"] == "miss"
    assert report_link in response.content.decode()  # its progress, linked to the report


def test_the_home_page_shows_a_report_as_soon_as_it_is_published(
    client, world, django_capture_on_commit_callbacks
):
    assert SECRETS["approved"] not in get_html(client, "/en/")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_report(report=world.reports["approved"], by=factories.make_reviewer())

    assert SECRETS["approved"] in get_html(client, "/en/")


def test_signed_in_users_and_missing_pages_are_not_cached(client, world):
    client.force_login(factories.make_user())
    path = url("public:assignment_list")
    client.get(path)
    assert "X-Cache" not in client.get(path)
    client.logout()

    missing = url("public:report_detail", world.reports["draft"].pk)
    assert client.get(missing).status_code == 404
    second = client.get(missing)
    assert second.status_code == 404 and second.get("X-Cache") != "hit"


# Accessibility of the pages' structure


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_public_page_has_one_h1_ordered_headings_and_no_inline_code(client, world, language):
    for name, args in public_paths(world):
        path = url(name, *args, language=language)
        page = Outline()
        page.feed(get_html(client, path))
        tags = [tag for tag, _ in page.tags]

        assert tags.count("main") == 1 and tags.count("h1") == 1, path
        assert page.headings[0] == 1, path
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), (
            path,
            page.headings,
        )
        assert not any("style" in attrs for _, attrs in page.tags), path
        assert "script" not in tags and "style" not in tags, path
        # Tables have captions and headers with a scope.
        assert tags.count("table") == tags.count("caption"), path
        assert all(
            attrs.get("scope") in ("col", "row") for tag, attrs in page.tags if tag == "th"
        ), path
        ids = [attrs["id"] for _, attrs in page.tags if attrs.get("id")]
        assert len(ids) == len(set(ids)), (path, [i for i in ids if ids.count(i) > 1])


def test_every_label_of_the_filter_form_names_its_field(client, world):
    page = Outline()
    page.feed(get_html(client, url("public:assignment_list")))

    labels = {attrs["for"] for tag, attrs in page.tags if tag == "label"}
    fields = {
        attrs["id"]
        for tag, attrs in page.tags
        if tag in ("input", "select") and attrs.get("type") != "hidden"
    }
    assert fields == {
        "id_q",
        "id_year",
        "id_organisation",
        "id_council_goal",
        "id_goal",
        "id_progress",
    }
    assert fields <= labels


def test_english_pages_mark_swedish_texts_as_swedish(client, world):
    report = world.reports["first"]
    html = get_html(client, url("public:report_detail", report.pk))

    assert f'<div class="prose" lang="sv"><p>{PUBLISHED["first"]}</p></div>' in html
    assert '<span lang="sv">Stärka Malmös roll som framtidens kuststad</span>' in html


def test_public_pages_link_the_feed_once_it_exists(client, world):
    html = get_html(client, url("public:assignment_list"))

    assert '<link rel="alternate" type="application/atom+xml"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_council_goal_filter_shortens_long_goals_as_truncator_does(language):
    from django.utils.text import Truncator

    from assignments.public.views import _council_goal_choices

    budget = factories.make_budget()
    texts = ["Kort mål.", "å" * 80, "ä" * 81, "Malmö ska vara en stad där alla " * 8]
    goals = [factories.make_council_goal(budget=budget, text=text) for text in texts]
    with translation.override(language):
        _all, (_group, choices) = _council_goal_choices(goals)
        expected = [f"{goal.code} {Truncator(goal.text).chars(80)}" for goal in goals]
    labels = [label for _pk, label in choices]
    assert labels == expected
    assert [len(label) - len(goal.code) - 1 for label, goal in zip(labels, goals, strict=True)] == [
        9,
        80,
        80,
        80,
    ]
