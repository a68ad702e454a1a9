"""
The report workflow's one table (``TRANSITIONS``): the services, the admin's decisions and
the templates' questions all give its answer, for every state and every transition.
"""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assignments import services
from assignments.models import TRANSITIONS, ReportStatus, Transition
from assignments.review.reports import DECISIONS
from tests import factories
from tests.helpers import ROOT

STATES = [
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.APPROVED,
    ReportStatus.PUBLISHED,
]


def test_the_table_covers_every_transition_and_leads_to_real_states():
    assert set(TRANSITIONS) == set(Transition.values)
    for sources, target in TRANSITIONS.values():
        assert sources and sources <= set(ReportStatus.values)
        assert target is None or target in ReportStatus.values
    # A report is changed only where it can be submitted: the reporters' two states.
    assert TRANSITIONS[Transition.EDIT][0] == TRANSITIONS[Transition.SUBMIT][0]
    assert TRANSITIONS[Transition.EDIT][0] == {ReportStatus.DRAFT, ReportStatus.RETURNED}


def _attempt(transition: str, report, reporter, reviewer) -> None:
    """Ask the services for ``transition`` on ``report``, as the person who may make it."""
    if transition == Transition.EDIT:
        services.save_report(report=report, by=reporter, content={"summary": "Ny text."})
    elif transition == Transition.SUBMIT:
        services.submit_report(report=report, by=reporter)
    elif transition == Transition.SEND_BACK:
        services.return_report(report=report, by=reviewer, note="Mer.")
    elif transition == Transition.APPROVE:
        services.approve_report(report=report, by=reviewer)
    elif transition == Transition.PUBLISH:
        services.publish_report(report=report, by=reviewer)
    elif transition == Transition.REOPEN:
        services.reopen_report(report=report, by=reviewer, note="Rätta.")
    else:  # pragma: no cover - the table test above holds the list
        raise AssertionError(transition)


@pytest.mark.django_db
@pytest.mark.parametrize("transition", Transition.values)
@pytest.mark.parametrize("status", STATES)
def test_the_services_allow_exactly_what_the_table_allows(status, transition):
    reporter_org = factories.make_organisation()
    reporter = factories.make_member(reporter_org)
    reviewer = factories.make_reviewer()
    report = factories.make_report(
        status=status, organisation=reporter_org, reporter=reporter, reviewer=reviewer
    )
    sources, target = TRANSITIONS[transition]

    assert report.can(transition) == (status in sources)
    assert (transition in report.allows) == (status in sources)
    if status in sources:
        _attempt(transition, report, reporter, reviewer)
        report.refresh_from_db()
        assert report.status == (target or status)
    else:
        with pytest.raises(ValidationError) as refused:
            _attempt(transition, report, reporter, reviewer)
        assert refused.value.code == "invalid_transition"
        report.refresh_from_db()
        assert report.status == status


@pytest.mark.django_db
@pytest.mark.parametrize("status", STATES)
def test_the_review_page_offers_the_decisions_the_table_allows(client, status):
    reviewer = factories.make_reviewer()
    # Another reviewer took the report this far: no one approves a version they wrote.
    report = factories.make_report(status=status, reviewer=factories.make_reviewer())
    client.force_login(reviewer)

    html = client.get(reverse("admin:assignments_report_change", args=[report.pk])).content
    offered = {
        name
        for name, decision in DECISIONS.items()
        if reverse(f"admin:{decision.url_name}", args=[report.pk]).encode() in html
    }

    allowed = {name for name, decision in DECISIONS.items() if report.can(decision.transition)}
    assert all(reviewer.has_perm(decision.permission) for decision in DECISIONS.values())
    assert offered == allowed


def test_templates_ask_the_report_instead_of_comparing_states():
    """No template compares a report's status with a raw string: the table's answers are
    ``report.can``/``allows``, ``is_editable``, ``is_sent_back`` and ``is_published``."""
    states = "|".join(ReportStatus.values)
    compared = re.compile(r"status\s*(==|!=)\s*[\"'](" + states + r")[\"']")
    templates = sorted(Path(ROOT, "templates").rglob("*.html"))
    assert len(templates) > 50

    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if compared.search(line)
    ]

    assert offenders == []
