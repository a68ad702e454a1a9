"""
Demo accounts and reports in every state, for development and demonstrations only.

Every report is made through the workflow functions in ``assignments.services``, so the demo
has the same versions and event log as real use. Refused when DEBUG is off, because the demo
accounts share one published password. Running it again adds nothing that is there already.

Two demo organisations measure an indicator of their own for an assignment they answer for
(codes starting "DEMO-"): their reports carry the period's values, saved, submitted and
published with the report as a reporter's are, and a few years of history come in through
the office's import (``services.import_values``), so the indicators' charts have lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assignments import services
from assignments.models import (
    Assignment,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
    Membership,
    MembershipRole,
    Organisation,
    Progress,
    Report,
    ReportingPeriod,
    ReportStatus,
    User,
    ValueOrigin,
)
from assignments.roles import REVIEWERS_GROUP
from goals.models import Budget, GlobalTarget

DEMO_PASSWORD = "malmo-demo-2018"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisations: tuple[str, ...] = ()
    role: str = MembershipRole.REPORTER
    reviewer: bool = False
    superuser: bool = False


USERS = [
    DemoUser("admin", "Ada", "Administratör", superuser=True),
    DemoUser("granskare", "Greta", "Granskare", reviewer=True),
    DemoUser("ks", "Karin", "Svensson", ("Kommunstyrelsen",)),
    DemoUser("miljo", "Mikael", "Lind", ("Miljönämnden",)),
    DemoUser("teknik", "Tove", "Nilsson", ("Tekniska nämnden",)),
    DemoUser("mkb", "Mats", "Berg", ("MKB Fastighets AB",)),
    DemoUser("kultur", "Kim", "Ahmadi", ("Kulturnämnden", "Fritidsnämnden")),
    DemoUser("lasare", "Lina", "Persson", ("Miljönämnden",), role=MembershipRole.READER),
]

# (organisation, assignment code, period, final status, reporter, progress, percent, targets)
# fmt: off
REPORTS = [
    ("Miljönämnden", "2018:1", "Tertial 1", "published", "miljo", Progress.ON_TRACK, 30,
     ["11.6", "12.8", "13.3"]),
    ("Tekniska nämnden", "2018:1", "Tertial 1", "published", "teknik", Progress.ON_TRACK, 25,
     ["11.2", "11.7"]),
    ("Kommunstyrelsen", "2018:2", "Tertial 1", "published", "ks", Progress.ON_TRACK, 40,
     ["17.17"]),
    ("Kommunstyrelsen", "2018:3", "Tertial 1", "published", "ks", Progress.AT_RISK, 15,
     ["9.c", "16.6"]),
    ("MKB Fastighets AB", "2018:1", "Tertial 1", "published", "mkb", Progress.ON_TRACK, 35,
     ["7.3", "11.1"]),
    ("Kulturnämnden", "2018:1", "Tertial 1", "published", "kultur", Progress.OFF_TRACK, 10,
     ["4.7", "11.4"]),
    ("Fritidsnämnden", "2018:1", "Tertial 1", "approved", "kultur", Progress.ON_TRACK, 30,
     ["3.4"]),
    ("Miljönämnden", "2018:1", "Tertial 2", "submitted", "miljo", Progress.ON_TRACK, 60,
     ["11.6", "12.8", "13.3"]),
    ("Kommunstyrelsen", "2018:2", "Tertial 2", "submitted", "ks", Progress.ON_TRACK, 65,
     ["17.17", "11.b"]),
    ("Tekniska nämnden", "2018:1", "Tertial 2", "returned", "teknik", Progress.AT_RISK, 45,
     ["11.2"]),
    ("Kommunstyrelsen", "2018:3", "Tertial 2", "approved", "ks", Progress.ON_TRACK, 50,
     ["9.c", "16.6"]),
    ("Kommunstyrelsen", "2018:4", "Tertial 2", "reopened", "ks", Progress.ON_TRACK, 40,
     ["14.1", "14.2", "14.a"]),
    ("MKB Fastighets AB", "2018:1", "Tertial 2", "draft", "mkb", Progress.ON_TRACK, 55,
     ["7.3"]),
    ("Kulturnämnden", "2018:1", "Tertial 2", "draft", "kultur", Progress.AT_RISK, 20, []),
    ("Miljönämnden", "2018:1", "Årsanalys", "draft", "miljo", Progress.ON_TRACK, 85,
     ["11.6", "13.3"]),
]
# fmt: on


@dataclass(frozen=True)
class DemoIndicator:
    """An indicator a demo organisation measures itself for one assignment."""

    code: str
    organisation: str
    assignment: str
    title_sv: str
    title_en: str
    definition_sv: str
    definition_en: str
    unit: str
    decimals: int
    baseline: tuple[int, str]
    targets: dict[int, str]
    global_targets: tuple[str, ...]
    # Yearly history by breakdown ("" for the total, else "women"/"men"), imported by the
    # office; the reports then add each period's values.
    history: dict[str, dict[int, str]] = field(default_factory=dict)


INDICATORS = [
    DemoIndicator(
        code="DEMO-MN1",
        organisation="Miljönämnden",
        assignment="2018:1",
        title_sv="Andel beslutsärenden som redovisar påverkan på de globala målen",
        title_en="Share of decisions that account for their effect on the global goals",
        definition_sv="Andelen av nämndens beslutsärenden under perioden vars underlag "
        "redovisar hur beslutet påverkar de globala målen.",
        definition_en="The share of the committee's decisions in the period whose papers "
        "account for how the decision affects the global goals.",
        unit="%",
        decimals=0,
        baseline=(2014, "5"),
        targets={2020: "100"},
        global_targets=("16.7", "17.14"),
        history={"": {2014: "5", 2015: "11", 2016: "19", 2017: "31"}},
    ),
    DemoIndicator(
        code="DEMO-KN1",
        organisation="Kulturnämnden",
        assignment="2018:1",
        title_sv="Andel av kulturskolans elever som deltagit i projekt om hållbar utveckling",
        title_en="Share of the arts school's pupils who took part in projects on sustainable "
        "development",
        definition_sv="Andelen av kulturskolans elever som under perioden deltagit i minst ett "
        "projekt om hållbar utveckling, totalt och per kön.",
        definition_en="The share of the arts school's pupils who took part in at least one "
        "project on sustainable development in the period, in total and by gender.",
        unit="%",
        decimals=1,
        baseline=(2015, "18.2"),
        targets={2020: "50"},
        global_targets=("4.7", "11.4"),
        history={
            "": {2015: "18.2", 2016: "22.9", 2017: "28.6"},
            "women": {2015: "21.0", 2016: "26.1", 2017: "32.4"},
            "men": {2015: "15.1", 2016: "19.4", 2017: "24.5"},
        },
    ),
]

# The values each demo report gives: (organisation, assignment, period) -> indicator code ->
# (total, women, men, note); None where the reporter leaves a field empty.
# fmt: off
DemoValues = tuple[str | None, str | None, str | None, str]
REPORT_VALUES: dict[tuple[str, str, str], dict[str, DemoValues]] = {
    ("Miljönämnden", "2018:1", "Tertial 1"): {
        "DEMO-MN1": ("38", None, None, "Räknat på nämndens 21 beslutsärenden januari–april."),
    },
    ("Miljönämnden", "2018:1", "Tertial 2"): {
        "DEMO-MN1": ("52", None, None, "Räknat på nämndens 25 beslutsärenden maj–augusti."),
    },
    ("Miljönämnden", "2018:1", "Årsanalys"): {
        "DEMO-MN1": ("57", None, None, ""),
    },
    ("Kulturnämnden", "2018:1", "Tertial 1"): {
        "DEMO-KN1": ("30.4", "34.8", "25.7", "Vårterminens kurser; sommarlovets projekt räknas "
                     "i nästa rapport."),
    },
    ("Kulturnämnden", "2018:1", "Tertial 2"): {
        "DEMO-KN1": ("33.1", "36.9", None, "Andelen pojkar är inte sammanställd än."),
    },
}
# fmt: on

SUMMARIES: dict[str, str] = {
    Progress.ON_TRACK: "{org} arbetar enligt plan med uppdraget och har under perioden tagit "
    "fram exempel på hur de globala målen integreras i verksamheten.",
    Progress.AT_RISK: "{org} har påbörjat uppdraget men riskerar förseningar, främst på grund "
    "av resursbrist och beroenden till andra förvaltningar.",
    Progress.OFF_TRACK: "{org} ligger efter i uppdraget; arbetet har prioriterats om och en ny "
    "tidplan tas fram tillsammans med hållbarhetskansliet.",
}

NARRATIVE = (
    "Under {period} har {org} fortsatt arbetet med uppdraget „{assignment}“. Förvaltningen har "
    "kartlagt vilka av de globala målen som verksamheten påverkar mest och hur arbetet bidrar "
    "till kommunfullmäktiges mål. Resultatet har diskuterats i ledningsgruppen och med "
    "medarbetare på arbetsplatsträffar."
)
INTEGRATION = (
    "Exempel: {org} samverkar med andra nämnder och med externa aktörer som föreningar, "
    "näringsliv och Malmö universitet. Målen används som stöd vid prioriteringar i "
    "verksamhetsplanen, och nämndens nyckeltal har kopplats till relevanta delmål."
)
NEXT_STEPS = "Fördjupa analysen, ta fram indikatorer och redovisa resultat i nästa rapport."
OBSTACLES = "Begränsade resurser för analys och uppföljning; behov av gemensamma indikatorer."
RETURN_NOTE = (
    "Tack för rapporten! Beskriv gärna med ett par konkreta exempel hur ni samverkar med "
    "externa aktörer, och komplettera med vilka delmål arbetet bidrar till."
)
REOPEN_NOTE = "Rättelse behövs: procentsatsen i sammanfattningen stämmer inte med tabellen."


class Command(BaseCommand):
    help = "Create demo users and demo reports in every state (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DJANGO_DEBUG on: the demo accounts share a "
                "published password and must never exist in production."
            )
        if not Budget.objects.filter(year=2018).exists():
            call_command("load_malmo_2018", stdout=self.stdout)
        with transaction.atomic():
            users = {spec.username: self.ensure_user(spec) for spec in USERS}
            indicators = {spec.code: self.ensure_indicator(spec) for spec in INDICATORS}
            created = sum(self.ensure_report(users, indicators, *row) for row in REPORTS)
            # The first tertial is over: no more submissions for it.
            ReportingPeriod.objects.filter(budget__year=2018, name="Tertial 1").update(closed=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo: {len(users)} users (password “{DEMO_PASSWORD}”), {created} reports added, "
                f"{len(indicators)} indicators."
            )
        )

    def ensure_user(self, spec: DemoUser) -> User:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@malmo.example",
                "is_staff": spec.reviewer or spec.superuser,
                "is_superuser": spec.superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if spec.reviewer:
            user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
        for name in spec.organisations:
            Membership.objects.get_or_create(
                user=user,
                organisation=Organisation.objects.get(name=name),
                defaults={"role": spec.role},
            )
        return user

    def ensure_indicator(self, spec: DemoIndicator) -> Indicator:
        """The indicator, its targets and links, and its history through the office's import
        (which leaves values that are there already as they are)."""
        assignment = Assignment.objects.get(budget__year=2018, code=spec.assignment)
        indicator, _created = Indicator.objects.get_or_create(
            code=spec.code,
            defaults={
                "title_sv": spec.title_sv,
                "title_en": spec.title_en,
                "definition_sv": spec.definition_sv,
                "definition_en": spec.definition_en,
                "unit": spec.unit,
                "decimals": spec.decimals,
                "baseline_year": spec.baseline[0],
                "baseline_value": Decimal(spec.baseline[1]),
                "source": IndicatorSource.ORGANISATION,
                "measured_by": Organisation.objects.get(name=spec.organisation),
                "has_gender_split": "women" in spec.history,
            },
        )
        indicator.assignments.add(assignment)
        if assignment.council_goal_id is not None:
            indicator.council_goals.add(assignment.council_goal_id)
        indicator.global_targets.add(
            *GlobalTarget.objects.filter(goal__framework="sdg", code__in=spec.global_targets)
        )
        for year, value in spec.targets.items():
            IndicatorTarget.objects.get_or_create(
                indicator=indicator, year=year, defaults={"value": Decimal(value)}
            )
        services.import_values(
            indicator=indicator,
            origin=ValueOrigin.IMPORT,
            values=[
                services.ValueInput(
                    indicator=indicator,
                    year=year,
                    value=Decimal(value),
                    dimension="gender" if category else "",
                    category=category,
                )
                for category, series in spec.history.items()
                for year, value in series.items()
            ],
        )
        return indicator

    @staticmethod
    def report_values(
        indicators: dict[str, Indicator], key: tuple[str, str, str]
    ) -> list[services.ValueInput] | None:
        """The values a demo report gives, as the report form hands them to the services."""
        given = REPORT_VALUES.get(key)
        if given is None:
            return None
        values = []
        for code, (total, women, men, note) in given.items():
            series = [("", "", total), ("gender", "women", women), ("gender", "men", men)]
            for dimension, category, value in series:
                if value is not None:
                    values.append(
                        services.ValueInput(
                            indicator=indicators[code],
                            value=Decimal(value),
                            dimension=dimension,
                            category=category,
                            note=note,  # with the first value given, as the form does
                        )
                    )
                    note = ""
        return values

    def ensure_report(
        self,
        users: dict[str, User],
        indicators: dict[str, Indicator],
        org_name: str,
        code: str,
        period_name: str,
        final: str,
        username: str,
        progress: str,
        percent: int,
        target_codes: list[str],
    ) -> bool:
        organisation = Organisation.objects.get(name=org_name)
        assignment = Assignment.objects.get(budget__year=2018, code=code)
        period = ReportingPeriod.objects.get(budget__year=2018, name=period_name)
        if Report.objects.filter(
            assignment=assignment, organisation=organisation, period=period
        ).exists():
            return False
        reporter, reviewer = users[username], users["granskare"]
        names = {"org": organisation.name, "period": period.name, "assignment": assignment.title}
        report = services.create_report(
            assignment=assignment, organisation=organisation, period=period, by=reporter
        )
        targets = GlobalTarget.objects.filter(goal__framework="sdg", code__in=target_codes)
        report = services.save_report(
            report=report,
            by=reporter,
            content={
                "progress": progress,
                "percent_complete": percent,
                "summary": SUMMARIES[progress].format(**names),
                "narrative": NARRATIVE.format(**names),
                "global_goals_integration": INTEGRATION.format(**names),
                "next_steps": NEXT_STEPS,
                "obstacles": OBSTACLES if progress != Progress.ON_TRACK else "",
            },
            targets=targets,
            values=self.report_values(indicators, (org_name, code, period_name)),
        )
        if final == ReportStatus.DRAFT:
            return True
        services.submit_report(report=report, by=reporter)
        if final == ReportStatus.SUBMITTED:
            return True
        if final == ReportStatus.RETURNED:
            services.return_report(report=report, by=reviewer, note=RETURN_NOTE)
            return True
        services.approve_report(report=report, by=reviewer)
        if final == ReportStatus.APPROVED:
            return True
        services.publish_report(report=report, by=reviewer)
        if final == "reopened":
            services.reopen_report(report=report, by=reviewer, note=REOPEN_NOTE)
        return True
