"""The roles of the portal that are Django groups, and exactly what each may do."""

REVIEWERS_GROUP = "Reviewers"

# Reviewers (the sustainability office) manage the city's budgets, goals, assignments,
# organisations, people, reporting periods and indicators, and decide on reports. They never
# change a reporter's text: they have no change permission on reports or versions.
REVIEWER_PERMISSIONS = {
    "goals": {
        "budget": ["view", "add", "change"],
        "goalarea": ["view", "add", "change", "delete"],
        "councilgoal": ["view", "add", "change", "delete"],
        "globalgoal": ["view", "change"],
        "globaltarget": ["view", "change"],
    },
    "assignments": {
        "user": ["view", "add", "change"],
        "organisation": ["view", "add", "change"],
        "membership": ["view", "add", "change", "delete"],
        "assignment": ["view", "add", "change"],
        "responsibility": ["view", "add", "change", "delete"],
        "reportingperiod": ["view", "add", "change"],
        "report": ["view", "review_report", "publish_report"],
        "reportversion": ["view"],
        "attachment": ["view"],
        "reportevent": ["view"],
        "deadlinereminder": ["view"],
        # Indicators: the office defines them and sets their targets; it changes their values
        # only by importing a file (values from Kolada and reports arrive by their own
        # paths). Deleting an indicator would take public values and open data with it:
        # only an administrator does.
        "indicator": ["view", "add", "change"],
        "indicatortarget": ["view", "add", "change", "delete"],
        "indicatorvalue": ["view", "import_indicator_values"],
        "reportedvalue": ["view"],
    },
}


def reviewer_codenames() -> list[tuple[str, str]]:
    """(app_label, codename) pairs of the reviewer group's permissions."""
    pairs = []
    for app_label, models in REVIEWER_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                codename = action if "_" in action else f"{action}_{model}"
                pairs.append((app_label, codename))
    return pairs


# Who may grant what. No one grants a right to themselves: every right is given by someone
# above the person who receives it.
#
# | right                                               | given by                      |
# | --------------------------------------------------- | ----------------------------- |
# | superuser flag, staff flag, groups, permissions     | superusers                    |
# | membership of the Reviewers group                   | superusers                    |
# | an account for a reporter or reader (no admin right) | reviewers (without a password: |
# |                                                     | the person sets it by e-mail) |
# | a membership (reporter or reader of an organisation) | reviewers, for such accounts  |
# |                                                     | only, never for themselves     |
# | a password                                          | its owner (reset by e-mail);  |
# |                                                     | superusers                    |
#
# Reviewers and superusers never write a report's text (``services.is_reporter``), and whoever
# wrote a version cannot approve it (``services.approve_report``).

# The fields of an account that hold rights; only superusers see and change them.
RIGHTS_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


def manageable_users(actor, queryset=None):
    """
    The accounts whose details and memberships ``actor`` may change: every account for a
    superuser; for anyone else the accounts that hold no right in the admin, never their own.
    """
    from .models import User

    queryset = User.objects.all() if queryset is None else queryset
    if actor.is_superuser:
        return queryset
    return queryset.filter(
        is_superuser=False, is_staff=False, groups=None, user_permissions=None
    ).exclude(pk=actor.pk)


def may_manage_user(actor, user) -> bool:
    """Whether ``actor`` may change ``user``'s account and memberships: the same rule."""
    return actor.is_superuser or manageable_users(actor).filter(pk=user.pk).exists()
