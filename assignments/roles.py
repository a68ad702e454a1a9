"""The roles of the portal that are Django groups, and exactly what each may do."""

REVIEWERS_GROUP = "Reviewers"

# Reviewers (the sustainability office) manage the city's budgets, goals, assignments,
# organisations, people and reporting periods, and decide on reports. They never change a
# reporter's text: they have no change permission on reports or versions.
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
