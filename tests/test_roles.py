"""The reviewer group made by migrations holds exactly the permissions roles.py lists."""

import pytest
from django.contrib.auth.models import Group

from assignments.roles import REVIEWERS_GROUP, reviewer_codenames

pytestmark = pytest.mark.django_db


def test_the_reviewer_group_has_exactly_the_permissions_of_roles_py():
    group = Group.objects.get(name=REVIEWERS_GROUP)
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert held == set(reviewer_codenames())


def test_reviewers_cannot_change_a_reporters_text():
    held = set(
        Group.objects.get(name=REVIEWERS_GROUP).permissions.values_list("codename", flat=True)
    )
    assert "change_report" not in held
    assert "change_reportversion" not in held
    assert {"review_report", "publish_report", "view_report"} <= held
