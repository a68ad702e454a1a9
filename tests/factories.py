"""Plain factory functions for tests: each makes a valid object with sensible defaults."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group

from assignments.models import (
    Assignment,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    ReportingPeriod,
    Responsibility,
    ResponsibilityRole,
    User,
)
from assignments.roles import REVIEWERS_GROUP
from goals.models import Budget, CouncilGoal, GoalArea

_seq = itertools.count(1)

PASSWORD = "correct-horse-battery-staple"


def make_user(*, username: str | None = None, **fields) -> User:
    username = username or f"user{next(_seq)}"
    fields.setdefault("email", f"{username}@malmo.example")
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def make_reviewer(**fields) -> User:
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    return user


def make_organisation(**fields) -> Organisation:
    n = next(_seq)
    fields.setdefault("name", f"Testnämnden {n}")
    fields.setdefault("slug", f"testnamnden-{n}")
    fields.setdefault("kind", OrganisationKind.NAMND)
    return Organisation.objects.create(**fields)


def make_member(organisation: Organisation, *, role=MembershipRole.REPORTER, **fields) -> User:
    user = make_user(**fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_budget(*, year: int | None = None, **fields) -> Budget:
    year = year or 2030 + next(_seq) % 60
    fields.setdefault("title", f"Budget {year}")
    return Budget.objects.create(year=year, **fields)


def make_council_goal(*, budget: Budget | None = None, **fields) -> CouncilGoal:
    budget = budget or make_budget()
    area, _ = GoalArea.objects.get_or_create(
        budget=budget, number=1, defaults={"name": "En hållbar stad"}
    )
    fields.setdefault("number", next(_seq))
    fields.setdefault("text", "Malmö ska vara en hållbar stad.")
    return CouncilGoal.objects.create(area=area, **fields)


def make_assignment(
    *, budget: Budget | None = None, organisations: list[Organisation] = (), **fields
) -> Assignment:
    budget = budget or make_budget()
    n = next(_seq)
    fields.setdefault("code", f"T{n}")
    fields.setdefault("title", f"Testuppdrag {n}")
    fields.setdefault("text", "Nämnden ges i uppdrag att pröva något nytt.")
    assignment = Assignment.objects.create(budget=budget, **fields)
    for organisation in organisations:
        Responsibility.objects.create(
            assignment=assignment, organisation=organisation, role=ResponsibilityRole.LEAD
        )
    return assignment


def make_period(*, budget: Budget | None = None, **fields) -> ReportingPeriod:
    budget = budget or make_budget()
    fields.setdefault("name", f"Tertial {next(_seq)}")
    fields.setdefault("opens_on", datetime.date(2000, 1, 1))
    fields.setdefault("deadline", datetime.date(2099, 12, 31))
    return ReportingPeriod.objects.create(budget=budget, **fields)
