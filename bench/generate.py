"""
Generate a coherent benchmark dataset in a PostgreSQL database of its own.

    .venv/bin/python bench/generate.py --scale 1 --database malmo_bench_1x
    .venv/bin/python bench/generate.py --scale 10 --database malmo_bench_10x

The database is dropped and created again with the settings docs/deployment.md asks of a
production database (``RANDOM_PAGE_COST``), migrated (which loads the Agenda 2030 and
Millennium goals and targets, and the reviewers' group), then filled in bulk with what the
workflow would have left after five budget years:

- ``50 × scale`` organisations (the city executive board, committees, companies and
  municipal associations), each with a reporter; one reviewer, ``granskare``;
- five budgets (2021–2025), each with four goal areas of three council goals linked to
  global goals, and ``40 × scale`` assignments (so ``200 × scale`` in all) linked to global
  goals and targets; most assignments go to one to five organisations, one in forty goes to
  a crowd of fifty (as "every committee and company" does);
- three reporting periods a year (Tertial 1, Tertial 2, Årsanalys): all closed except the
  last, Årsanalys 2025, which is open and holds the review queue (submitted, approved,
  returned and draft reports);
- a report per responsible organisation, assignment and period. In the closed periods
  nearly all are published (a few never got past a draft, and a few of the last period's
  are reopened for a correction while their published version stays public); one in seven
  was sent back once and so has two versions. Every submitted report has its immutable
  versions with the targets they contribute to, its event log, and one in three an
  attachment (a database row only: no file is written, and no benchmark downloads it).

- ``INDICATORS`` indicators at every scale (the office defines them; they do not grow with
  the city's data): Kolada key figures split by gender with yearly values since 2015, linked
  to council goals, assignments and global targets (a third of them to the favourite
  SDG's); and the indicator whose page the benchmarks measure (``BENCHED_INDICATOR``,
  measured by the city executive board, on the favourite SDG): at city scale its yearly
  values of the last nine years, at ten times the data ten times the values (75 years and
  each reporting period, from the board's published reports), always as the total and
  split by gender, so that its page shows what every value costs.

The calendar (5 years × 3 periods), the council goals and the reference data are the same at
every scale: ten times the data is ten times the organisations and assignments, and so ten
times the responsibilities, reports, versions, events and links.

The script touches only the database it is given, whose name must start with
``malmo_bench_``. With ``--manifest`` it writes what the benchmarks need as JSON: the paths
of the pages to measure, the reviewer's username and the row counts.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
NAME_PREFIX = "malmo_bench_"

YEARS = range(2021, 2026)
AREAS = (
    "Ett socialt hållbart Malmö",
    "Ett ekologiskt hållbart Malmö",
    "Ett ekonomiskt hållbart Malmö",
    "En öppen och demokratisk stad",
)
COUNCIL_GOALS_PER_AREA = 3
ORGANISATIONS_PER_SCALE = 50
ASSIGNMENTS_PER_YEAR_PER_SCALE = 40
CROWD = 50  # one assignment in CROWD_EVERY goes to this many organisations
CROWD_EVERY = 40
# The SDG most reports and assignments contribute to: sustainable cities. Its page is the
# busiest goal page, and the one the benchmarks measure.
FAVOURITE_SDG = 11
BATCH = 2000
INDICATORS = 12
BENCHED_INDICATOR = "bench.utslapp"
# The benched indicator's yearly values: the last nine years at city scale; at ten times the
# data 75 years and the 15 reporting periods (90 times × 3 series = 270 values, 10 × 27).
BENCHED_YEARS = {1: range(2017, 2026), 10: range(1951, 2026)}

TOPICS = (
    "integrera de globala målen i verksamhetens styrning",
    "minska klimatpåverkan från stadens fordon",
    "öka andelen ekologiska livsmedel i skolmåltiderna",
    "motverka segregation i bostadsområden",
    "stärka barns rätt till en trygg uppväxt",
    "utveckla cirkulära flöden för byggmaterial",
    "förbättra tillgängligheten i stadens lokaler",
    "öka antalet praktikplatser för unga",
    "skydda den biologiska mångfalden i parkerna",
    "minska energianvändningen i stadens fastigheter",
    "främja cykeltrafik och kollektivtrafik",
    "förebygga psykisk ohälsa bland äldre",
)
SENTENCES = (
    "Förvaltningen har under perioden fortsatt arbetet enligt den plan nämnden antog.",
    "Tillsammans med föreningar, näringsliv och andra nämnder har nya arbetssätt prövats.",
    "Arbetet följs upp med nyckeltal som redovisas i årsanalysen.",
    "Medarbetarna har utbildats i hur de globala målen hänger samman med verksamheten.",
    "En kartläggning visar vilka delmål verksamheten påverkar mest.",
    "Resultaten hittills är lovande men arbetet behöver mer tid för att ge full effekt.",
    "Dialogen med invånarna har gett värdefulla synpunkter som tas med i det fortsatta arbetet.",
    "Samverkan med regionen och universitetet har fördjupats under året.",
)
PROGRESS_WEIGHTS = {
    "on_track": 50,
    "at_risk": 20,
    "off_track": 8,
    "completed": 12,
    "not_started": 10,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="1: city scale; 10: ten times")
    parser.add_argument(
        "--database", default=None, help="database name (default: malmo_bench_<scale>x)"
    )
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="a URL of the PostgreSQL server (its maintenance database); "
        "default $BENCH_POSTGRES_URL or " + DEFAULT_SERVER,
    )
    parser.add_argument("--manifest", type=Path, help="write the manifest as JSON here")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args(argv)
    args.database = args.database or f"{NAME_PREFIX}{args.scale}x"
    if not args.database.startswith(NAME_PREFIX) or not args.database.replace("_", "").isalnum():
        parser.error(f"the database name must start with {NAME_PREFIX} and be a plain name")
    return args


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


# What docs/deployment.md ("3. PostgreSQL") asks of a production database on solid-state
# storage: a page read at random costs about what one read in sequence does.
RANDOM_PAGE_COST = 1.1


def recreate_database(server: str, name: str) -> None:
    """Drop the benchmark database ``name`` if it exists, and create it empty, with the
    settings a production database has (``RANDOM_PAGE_COST``)."""
    import psycopg

    parts = urlsplit(server)
    with psycopg.connect(urlunsplit(parts._replace(scheme="postgresql")), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
        c.execute(f'ALTER DATABASE "{name}" SET random_page_cost = {RANDOM_PAGE_COST}')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malmo_portal.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def paragraph(rng: random.Random, sentences: int, tag: str = "") -> str:
    text = " ".join(rng.choice(SENTENCES) for _ in range(sentences))
    return f"{tag} {text}".strip()


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


class Generator:
    def __init__(self, scale: int, seed: int) -> None:
        from goals.models import GlobalGoal, GlobalTarget

        self.scale = scale
        self.rng = random.Random(seed * 100 + scale)
        self.counts = Counts()
        self.sdgs = list(GlobalGoal.objects.sdg().order_by("number"))
        self.sdg_by_number = {g.number: g for g in self.sdgs}
        targets = list(GlobalTarget.objects.filter(goal__framework="sdg").order_by("pk"))
        self.targets_by_goal: dict[int, list] = {}
        for target in targets:
            self.targets_by_goal.setdefault(target.goal_id, []).append(target)
        self.all_targets = targets
        from django.contrib.auth.hashers import make_password

        # One hash for every generated account: hashing 500 passwords would take minutes.
        self.password = make_password("malmo-bench")

    # The city

    def organisations(self) -> None:
        from assignments.models import (
            Membership,
            MembershipRole,
            Organisation,
            OrganisationKind,
            User,
        )

        n_orgs = ORGANISATIONS_PER_SCALE * self.scale
        kinds = (
            [OrganisationKind.NAMND] * 6
            + [OrganisationKind.BOLAG] * 3
            + [OrganisationKind.KOMMUNALFORBUND]
        )
        labels = {
            OrganisationKind.NAMND: "nämnden",
            OrganisationKind.BOLAG: "Fastighets AB",
            OrganisationKind.KOMMUNALFORBUND: "kommunalförbundet",
        }
        rows = [
            Organisation(
                name="Kommunstyrelsen",
                slug="kommunstyrelsen",
                kind=OrganisationKind.KOMMUNSTYRELSE,
                email="kommunstyrelsen@malmo.example",
            )
        ]
        for n in range(1, n_orgs):
            kind = kinds[n % len(kinds)]
            rows.append(
                Organisation(
                    name=f"{n:03d} {labels[kind]}",
                    slug=f"org-{n:03d}",
                    kind=kind,
                    description=paragraph(self.rng, 2),
                    email=f"org{n:03d}@malmo.example",
                    # A few were formed during the five years.
                    valid_from=datetime.date(2019, 1, 1) if n % 17 else None,
                )
            )
        self.orgs = Organisation.objects.bulk_create(rows)
        # Subsidiaries of the first company.
        holding = next(o for o in self.orgs if o.kind == OrganisationKind.BOLAG)
        subsidiaries = [
            o
            for o in self.orgs
            if o.kind == OrganisationKind.BOLAG and o.pk != holding.pk and o.pk % 4 == 0
        ]
        for organisation in subsidiaries:
            organisation.parent = holding
        Organisation.objects.bulk_update(subsidiaries, ["parent"])
        self.reporters = User.objects.bulk_create(
            User(
                username=f"rapportor-{o.slug}",
                email=f"rapportor@{o.slug}.malmo.example",
                first_name="Rapportör",
                last_name=o.name,
                password=self.password,
            )
            for o in self.orgs
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=o, role=MembershipRole.REPORTER)
            for user, o in zip(self.reporters, self.orgs, strict=True)
        )
        self.reporter_of = {o.pk: u for o, u in zip(self.orgs, self.reporters, strict=True)}
        self.counts.add("organisations", len(self.orgs))
        self.counts.add("users", len(self.reporters))

    def reviewer(self) -> None:
        from django.contrib.auth.models import Group

        from assignments.models import User
        from assignments.roles import REVIEWERS_GROUP

        self.reviewer_user = User.objects.create(
            username="granskare",
            email="granskare@malmo.example",
            first_name="Gun",
            last_name="Granskare",
            is_staff=True,
            password=self.password,
        )
        self.reviewer_user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
        self.counts.add("users", 1)

    # One budget year

    def budget(self, year: int) -> None:
        from assignments.models import Assignment, ReportingPeriod, Responsibility
        from goals.models import Budget, CouncilGoal, GoalArea

        rng = self.rng
        budget = Budget.objects.create(
            year=year,
            title=f"Budget {year}",
            decision_reference=f"KF {year - 1}-11-24 § {rng.randint(200, 400)}",
            adopted_on=datetime.date(year - 1, 11, 24),
            direction=paragraph(rng, 6),
        )
        areas = GoalArea.objects.bulk_create(
            GoalArea(budget=budget, number=n, name=name, direction=paragraph(rng, 3))
            for n, name in enumerate(AREAS, start=1)
        )
        goals = CouncilGoal.objects.bulk_create(
            CouncilGoal(
                area=area,
                number=n,
                text=f"Malmö ska {rng.choice(TOPICS)} ({year}, mål {area.number}.{n}).",
            )
            for area in areas
            for n in range(1, COUNCIL_GOALS_PER_AREA + 1)
        )
        CouncilGoal.global_goals.through.objects.bulk_create(
            CouncilGoal.global_goals.through(councilgoal=goal, globalgoal=sdg)
            for goal in goals
            for sdg in self.some_sdgs(rng.randint(1, 3))
        )
        n_assignments = ASSIGNMENTS_PER_YEAR_PER_SCALE * self.scale
        assignments = Assignment.objects.bulk_create(
            Assignment(
                budget=budget,
                council_goal=goals[i % len(goals)],
                code=f"{year}:{i + 1}",
                title=f"Uppdrag att {TOPICS[i % len(TOPICS)]} ({i + 1})",
                text=paragraph(rng, 4, tag=f"Nämnden ges i uppdrag att {TOPICS[i % len(TOPICS)]}."),
            )
            for i in range(n_assignments)
        )
        goal_links, target_links = [], []
        for assignment in assignments:
            chosen = self.some_sdgs(rng.randint(1, 3))
            goal_links += [
                Assignment.global_goals.through(assignment=assignment, globalgoal=sdg)
                for sdg in chosen
            ]
            targets = {
                rng.choice(self.targets_by_goal[sdg.pk])
                for sdg in chosen
                for _ in range(rng.randint(0, 1))
            }
            target_links += [
                Assignment.global_targets.through(assignment=assignment, globaltarget=t)
                for t in targets
            ]
        Assignment.global_goals.through.objects.bulk_create(goal_links)
        Assignment.global_targets.through.objects.bulk_create(target_links)

        responsibilities = []
        n_orgs = len(self.orgs)
        for i, assignment in enumerate(assignments):
            if i % CROWD_EVERY == 0:
                start = (i // CROWD_EVERY) * CROWD % n_orgs
                chosen = self.orgs[start : start + CROWD]
            else:
                chosen = rng.sample(self.orgs, 1 + i % 5)
            responsibilities += [
                Responsibility(
                    assignment=assignment,
                    organisation=organisation,
                    role="lead" if n == 0 or i % CROWD_EVERY == 0 else "participant",
                )
                for n, organisation in enumerate(chosen)
            ]
        Responsibility.objects.bulk_create(responsibilities, batch_size=BATCH)

        periods = ReportingPeriod.objects.bulk_create(
            ReportingPeriod(
                budget=budget,
                name=name,
                opens_on=opens,
                deadline=deadline,
                closed=not (year == YEARS[-1] and name == "Årsanalys"),
            )
            for name, opens, deadline in (
                ("Tertial 1", datetime.date(year, 3, 1), datetime.date(year, 4, 30)),
                ("Tertial 2", datetime.date(year, 8, 1), datetime.date(year, 9, 30)),
                ("Årsanalys", datetime.date(year, 12, 1), datetime.date(year + 1, 1, 31)),
            )
        )
        self.counts.add("budgets", 1)
        self.counts.add("council goals", len(goals))
        self.counts.add("assignments", len(assignments))
        self.counts.add("responsibilities", len(responsibilities))
        self.counts.add("reporting periods", len(periods))
        for period in periods:
            self.reports(period, responsibilities, last_closed=(year, period.name) == LAST_CLOSED)

    def some_sdgs(self, n: int) -> list:
        """``n`` distinct SDGs, the favourite more often than the others."""
        chosen = {self.sdg_by_number[FAVOURITE_SDG]} if self.rng.random() < 0.3 else set()
        while len(chosen) < n:
            chosen.add(self.rng.choice(self.sdgs))
        return sorted(chosen, key=lambda g: g.number)

    def some_targets(self) -> list:
        """The 1–3 targets a report says its work contributes to."""
        goals = self.some_sdgs(self.rng.randint(1, 2))
        return sorted(
            {self.rng.choice(self.targets_by_goal[g.pk]) for g in goals for _ in range(2)},
            key=lambda t: t.pk,
        )[: self.rng.randint(1, 3)]

    def content(self, tag: str) -> dict:
        rng = self.rng
        progress = rng.choices(list(PROGRESS_WEIGHTS), weights=list(PROGRESS_WEIGHTS.values()))[0]
        return {
            "progress": progress,
            "percent_complete": 100 if progress == "completed" else rng.randint(0, 95),
            "summary": paragraph(rng, 3, tag=tag)[:600],
            "narrative": paragraph(rng, 14),
            "global_goals_integration": paragraph(rng, 5),
            "next_steps": paragraph(rng, 3),
            "obstacles": paragraph(rng, 2),
        }

    # The reports of one period

    def reports(self, period, responsibilities, *, last_closed: bool) -> None:
        from assignments.models import (
            Attachment,
            Report,
            ReportAction,
            ReportEvent,
            ReportStatus,
            ReportVersion,
        )

        rng = self.rng
        reviewer = self.reviewer_user
        opened = datetime.datetime.combine(period.opens_on, datetime.time(8), tzinfo=datetime.UTC)

        def at(days: float) -> datetime.datetime:
            return opened + datetime.timedelta(days=days)

        # What happened to each report: its final status, how many versions it has, whether
        # it was sent back once on the way, and whether it was reopened after publishing.
        plans = []
        for n in range(len(responsibilities)):
            roll = rng.random()
            if period.closed:
                status = ReportStatus.DRAFT if roll < 0.03 else ReportStatus.PUBLISHED
            elif roll < 0.55:
                status = ReportStatus.SUBMITTED
            elif roll < 0.70:
                status = ReportStatus.APPROVED
            elif roll < 0.80:
                status = ReportStatus.RETURNED
            else:
                status = ReportStatus.DRAFT
            sent_back = status != ReportStatus.DRAFT and n % 7 == 0
            reopened = last_closed and status == ReportStatus.PUBLISHED and n % 50 == 1
            plans.append((status, sent_back, reopened))

        reports = []
        contents = []
        for n, (responsibility, (status, sent_back, reopened)) in enumerate(
            zip(responsibilities, plans, strict=True)
        ):
            tag = f"Rapport {period.budget.year} {period.name} {responsibility.assignment.code}:"
            content = self.content(tag)
            contents.append(content)
            submitted = status != ReportStatus.DRAFT
            last_submission = at(20 if sent_back else 10) if submitted else None
            report = Report(
                assignment=responsibility.assignment,
                organisation=responsibility.organisation,
                period=period,
                status=ReportStatus.RETURNED if reopened else status,
                edit_version=3 if sent_back else 2,
                review_note=(
                    "Rätta siffrorna i sammanfattningen, tack."
                    if reopened
                    else "Beskriv kopplingen till delmålen tydligare."
                    if status == ReportStatus.RETURNED
                    else ""
                ),
                submitted_at=last_submission,
                submitted_by=self.reporter_of[responsibility.organisation_id]
                if submitted
                else None,
                created_at=at(1),
                updated_at=at(30) if submitted else at(5),
                **content,
            )
            if status == ReportStatus.DRAFT and n % 3:
                report.narrative = ""  # a draft under way
            reports.append(report)
        reports = Report.objects.bulk_create(reports, batch_size=BATCH)

        versions = []
        version_targets = []  # per version, its targets
        report_targets = []
        for report, content, (status, sent_back, _reopened) in zip(
            reports, contents, plans, strict=True
        ):
            targets = self.some_targets()
            report_targets += [
                Report.contributed_targets.through(report=report, globaltarget=t) for t in targets
            ]
            if status == ReportStatus.DRAFT:
                continue
            reporter = self.reporter_of[report.organisation_id]
            if sent_back:
                first = dict(content, summary=content["summary"][:200], narrative="Första utkast.")
                versions.append(
                    ReportVersion(
                        report=report, number=1, created_at=at(10), created_by=reporter, **first
                    )
                )
                version_targets.append(targets[:1])
            versions.append(
                ReportVersion(
                    report=report,
                    number=2 if sent_back else 1,
                    created_at=at(20 if sent_back else 10),
                    created_by=reporter,
                    **content,
                )
            )
            version_targets.append(targets)
        versions = ReportVersion.objects.bulk_create(versions, batch_size=BATCH)
        Report.contributed_targets.through.objects.bulk_create(report_targets, batch_size=BATCH)
        ReportVersion.contributed_targets.through.objects.bulk_create(
            (
                ReportVersion.contributed_targets.through(reportversion=v, globaltarget=t)
                for v, targets in zip(versions, version_targets, strict=True)
                for t in targets
            ),
            batch_size=BATCH,
        )

        versions_of: dict[int, list] = {}
        for version in versions:
            versions_of.setdefault(version.report_id, []).append(version)
        published = []
        for report, (status, _sent_back, _reopened) in zip(reports, plans, strict=True):
            if report.pk not in versions_of:
                continue
            report.current_version = versions_of[report.pk][-1]
            if status == ReportStatus.PUBLISHED:
                report.published_version = report.current_version
                published.append(report)
        Report.objects.bulk_update(
            [r for r in reports if r.current_version_id],
            ["current_version", "published_version"],
            batch_size=BATCH,
        )

        # One attachment in three, on every version of its report.
        attachments = Attachment.objects.bulk_create(
            (
                Attachment(
                    report=report,
                    file=f"attachments/{period.opens_on:%Y/%m}/bench-{report.pk}.pdf",
                    original_name=f"Bilaga {report.assignment.code} {period.name}.pdf",
                    content_type="application/pdf",
                    size=rng.randint(40_000, 4_000_000),
                    uploaded_at=at(8),
                    uploaded_by=self.reporter_of[report.organisation_id],
                )
                for report in reports
                if report.pk in versions_of and report.pk % 3 == 0
            ),
            batch_size=BATCH,
        )
        ReportVersion.attachments.through.objects.bulk_create(
            (
                ReportVersion.attachments.through(reportversion=v, attachment=a)
                for a in attachments
                for v in versions_of[a.report_id]
            ),
            batch_size=BATCH,
        )

        # The event log, step by step as the services write it.
        events = []
        for report, (status, sent_back, reopened) in zip(reports, plans, strict=True):
            reporter = self.reporter_of[report.organisation_id]

            def log(action, from_status, to_status, day, by, version=None, note="", r=report):
                events.append(
                    ReportEvent(
                        report=r,
                        action=action,
                        from_status=from_status,
                        to_status=to_status,
                        actor=by,
                        at=at(day),
                        note=note,
                        version=version,
                    )
                )

            log(ReportAction.CREATED, "", "draft", 1, reporter)
            log(ReportAction.SAVED, "draft", "draft", 5, reporter)
            if status == ReportStatus.DRAFT:
                continue
            own = versions_of[report.pk]
            log(ReportAction.SUBMITTED, "draft", "submitted", 10, reporter, own[0])
            if sent_back or status == ReportStatus.RETURNED:
                note = "Beskriv kopplingen till delmålen tydligare."
                log(ReportAction.RETURNED, "submitted", "returned", 12, reviewer, own[0], note)
            if sent_back:
                log(ReportAction.SAVED, "returned", "returned", 18, reporter)
                log(ReportAction.SUBMITTED, "returned", "submitted", 20, reporter, own[-1])
            if status in (ReportStatus.APPROVED, ReportStatus.PUBLISHED):
                log(ReportAction.APPROVED, "submitted", "approved", 25, reviewer, own[-1])
            if status == ReportStatus.PUBLISHED:
                log(ReportAction.PUBLISHED, "approved", "published", 30, reviewer, own[-1])
            if reopened:
                note = "Rätta siffrorna i sammanfattningen, tack."
                log(ReportAction.REOPENED, "published", "returned", 40, reviewer, note=note)
        ReportEvent.objects.bulk_create(events, batch_size=BATCH)
        # What the publish service stores about each publication, set-based.
        Report.objects.refresh_publication()

        self.counts.add("reports", len(reports))
        self.counts.add("published reports", len(published))
        self.counts.add("report versions", len(versions))
        self.counts.add("report events", len(events))
        self.counts.add("attachments", len(attachments))
        self.counts.add("version–target links", sum(len(targets) for targets in version_targets))

    # Indicators

    def indicators(self) -> None:
        from assignments.models import (
            Assignment,
            Indicator,
            IndicatorSource,
            IndicatorTarget,
            IndicatorValue,
            Report,
            ReportingPeriod,
            ValueOrigin,
        )
        from goals.models import CouncilGoal

        rng = self.rng
        goals = list(CouncilGoal.objects.order_by("pk"))
        assignments = list(Assignment.objects.order_by("pk"))
        favourite = self.targets_by_goal[self.sdg_by_number[FAVOURITE_SDG].pk]
        executive = self.orgs[0]
        indicators = [
            Indicator(
                code=BENCHED_INDICATOR,
                title_sv="Utsläpp till luft av växthusgaser totalt, ton CO₂e per invånare",
                title_en="Greenhouse gas emissions to air in total, tonnes CO₂e per inhabitant",
                definition_sv=paragraph(rng, 2),
                unit="ton CO₂e/inv",
                higher_is_better=False,
                baseline_year=1990,
                baseline_value=Decimal("6.1"),
                baseline_note="Stadens klimatstrategi.",
                source=IndicatorSource.ORGANISATION,
                measured_by=executive,
                has_gender_split=True,
            )
        ]
        for n in range(1, INDICATORS):
            indicators.append(
                Indicator(
                    code=f"N{n:05d}",
                    title_sv=f"Nyckeltal om att {TOPICS[n % len(TOPICS)]} ({n})",
                    unit="%",
                    higher_is_better=n % 3 != 0,
                    source=IndicatorSource.KOLADA,
                    kolada_kpi=f"N{n:05d}",
                    has_gender_split=True,
                )
            )
        indicators = Indicator.objects.bulk_create(indicators)
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, year=year, value=Decimal(value))
            for indicator in indicators
            for year, value in ((2025, 30 + indicator.pk % 20), (2030, 50))
        )
        Indicator.council_goals.through.objects.bulk_create(
            Indicator.council_goals.through(indicator=indicator, councilgoal=goal)
            for n, indicator in enumerate(indicators)
            for goal in {goals[n % len(goals)], goals[(n * 7) % len(goals)]}
        )
        Indicator.assignments.through.objects.bulk_create(
            Indicator.assignments.through(indicator=indicator, assignment=assignment)
            for n, indicator in enumerate(indicators)
            for assignment in {assignments[n * 5 % len(assignments)], assignments[-1 - n]}
        )
        Indicator.global_targets.through.objects.bulk_create(
            Indicator.global_targets.through(indicator=indicator, globaltarget=target)
            for n, indicator in enumerate(indicators)
            for target in {
                favourite[n % len(favourite)] if n % 3 == 0 else rng.choice(self.all_targets),
                rng.choice(self.all_targets),
            }
        )
        series = (("", ""), ("gender", "women"), ("gender", "men"))
        values = [
            IndicatorValue(
                indicator=indicator,
                year=year,
                dimension=dimension,
                category=category,
                value=Decimal(rng.randint(100, 900)) / 10,
                origin=ValueOrigin.KOLADA,
            )
            for indicator in indicators[1:]
            for year in range(2015, 2025)
            for dimension, category in series
        ]
        benched = indicators[0]
        years = BENCHED_YEARS.get(self.scale, BENCHED_YEARS[1])
        for n, year in enumerate(years):
            level = Decimal("9.0") - Decimal(n * 60 // len(years)) / 10
            values += [
                IndicatorValue(
                    indicator=benched,
                    year=year,
                    dimension=dimension,
                    category=category,
                    value=level + shift,
                    origin=ValueOrigin.IMPORT,
                    note="Omräknad serie." if year % 10 == 0 and not dimension else "",
                )
                for (dimension, category), shift in zip(
                    series, (Decimal(0), Decimal("-0.4"), Decimal("0.4")), strict=True
                )
            ]
        if self.scale > 1:
            # The board's values of each period, published with its reports.
            for period in ReportingPeriod.objects.order_by("deadline"):
                report = (
                    Report.objects.public()
                    .filter(organisation=executive, period=period)
                    .order_by("pk")
                    .first()
                )
                values += [
                    IndicatorValue(
                        indicator=benched,
                        year=period.budget.year,
                        period=period,
                        dimension=dimension,
                        category=category,
                        value=Decimal(rng.randint(30, 45)) / 10 + shift,
                        origin=ValueOrigin.REPORT,
                        report=report,
                        note="Preliminär siffra." if not dimension else "",
                    )
                    for (dimension, category), shift in zip(
                        series, (Decimal(0), Decimal("-0.4"), Decimal("0.4")), strict=True
                    )
                ]
        IndicatorValue.objects.bulk_create(values, batch_size=BATCH)
        self.counts.add("indicators", len(indicators))
        self.counts.add("indicator values", len(values))
        self.counts.add(
            "values of the benched indicator",
            sum(1 for value in values if value.indicator_id == benched.pk),
        )


LAST_CLOSED = (YEARS[-1], "Tertial 2")


def pages() -> dict:
    """The paths of the pages the benchmarks measure (Swedish, at the root)."""
    from django.urls import reverse
    from django.utils import translation

    from assignments.models import Report

    # A published report of the last closed period, with targets and an attachment.
    report = (
        Report.objects.public()
        .filter(period__closed=True, published_version__attachments__isnull=False)
        .order_by("-period__deadline", "assignment__code", "pk")
        .first()
    )
    assert report is not None, "the generated data has such a report"
    with translation.override("sv"):
        return {
            "bare": reverse("health_live"),
            "home": reverse("home"),
            "assignment_list": reverse("public:assignment_list"),
            "sdg_goal": reverse("goals_public:sdg_detail", args=[FAVOURITE_SDG]),
            # Its first target: ten times the assignments and reports at ten times the data,
            # listed a page and the newest few at a time.
            "sdg_target": reverse(
                "goals_public:sdg_target", args=[FAVOURITE_SDG, f"{FAVOURITE_SDG}.1"]
            ),
            "report": reverse("public:report_detail", args=[report.pk]),
            # Every value of one indicator, ten times as many at ten times the data.
            "indicator": reverse("public:indicator_detail", args=[BENCHED_INDICATOR]),
            # The public API's two big lists, their default page (20 items, newest first
            # for the reports): JSON through the same page cache as the HTML pages.
            "api_assignments": reverse("api:assignments"),
            "api_reports": reverse("api:reports"),
            # The report's assignment and its organisation: what one of each has does not
            # grow with the city's data (ten times the organisations, not more per one).
            "assignment": reverse("public:assignment_detail", args=[report.assignment_id]),
            "organisation": reverse("public:organisation_detail", args=[report.organisation.slug]),
            # Not a target: a page without a single query, to show what the base template
            # and the middleware cost on their own.
            "reference": reverse("public:accessibility"),
        }


def signed_in_pages(reviewer: str) -> dict:
    """The pages of signed-in users, never cached: a reporter's "Mina uppdrag" and report
    form, and the reviewer's queue. Each with the user it is measured as.

    The reporter is the one of the first organisation (by name) with a report it can still
    write in the open period; what one organisation answers for does not grow with the
    city's data."""
    from django.urls import reverse
    from django.utils import translation

    from assignments.models import Membership, Report, ReportStatus
    from assignments.review.reports import queue_filters
    from assignments.selectors import open_periods

    report = (
        Report.objects.filter(
            period__in=open_periods(),
            status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED],
            organisation__slug="kommunstyrelsen",
        )
        .order_by("assignment__code", "pk")
        .first()
    )
    assert report is not None, "the city executive board has a report to write"
    reporter = (
        Membership.objects.filter(organisation=report.organisation)
        .order_by("user__username")
        .values_list("user__username", flat=True)
        .first()
    )
    with translation.override("sv"):
        return {
            "my_assignments": {
                "path": reverse("assignments:my_assignments"),
                "user": reporter,
            },
            "report_form": {
                "path": reverse("assignments:report_edit", args=[report.pk]),
                "user": reporter,
            },
            "review_queue": {
                "path": f"{reverse('admin:assignments_report_changelist')}?"
                + urlencode(queue_filters()),
                "user": reviewer,
            },
        }


def benched_indicator() -> dict:
    """What the benched indicator's page must show: its values, and the times (years and
    reporting periods) its table has a row for."""
    from assignments.models import IndicatorValue

    values = IndicatorValue.objects.filter(indicator__code=BENCHED_INDICATOR)
    return {
        "code": BENCHED_INDICATOR,
        "values": values.count(),
        "rows": values.order_by().values("year", "period").distinct().count(),
    }


def generate(scale: int, name: str, server: str, seed: int = 2018) -> dict:
    """Recreate database ``name`` with the data of ``scale``; return the manifest."""
    started = time.perf_counter()
    recreate_database(server, name)
    url = database_url(server, name)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    migrated = time.perf_counter()
    generator = Generator(scale, seed)
    with transaction.atomic():
        generator.organisations()
        generator.reviewer()
    for year in YEARS:
        with transaction.atomic():
            generator.budget(year)
    with transaction.atomic():
        generator.indicators()
    # As autovacuum would: fresh statistics, visibility maps and merged GIN entries.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    finished = time.perf_counter()
    return {
        "scale": scale,
        "database": name,
        "database_url": url,
        "reviewer": generator.reviewer_user.username,
        "pages": pages(),
        "signed_in": signed_in_pages(generator.reviewer_user.username),
        "indicator": benched_indicator(),
        "counts": generator.counts.rows,
        "seconds": {
            "migrate": round(migrated - started, 1),
            "data": round(finished - migrated, 1),
        },
    }


def main() -> None:
    args = parse_args()
    manifest = generate(args.scale, args.database, args.server, args.seed)
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    if args.manifest:
        args.manifest.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
