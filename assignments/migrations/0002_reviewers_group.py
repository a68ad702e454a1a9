"""Create the reviewer group with the permissions reviewers needed when it was made.

The list is frozen here: later migrations add what later models need, and
``assignments.roles`` says what the group holds today.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWERS_GROUP = "Reviewers"
PERMISSIONS = [
    ("goals", "view_budget"), ("goals", "add_budget"), ("goals", "change_budget"),
    ("goals", "view_goalarea"), ("goals", "add_goalarea"), ("goals", "change_goalarea"),
    ("goals", "delete_goalarea"),
    ("goals", "view_councilgoal"), ("goals", "add_councilgoal"), ("goals", "change_councilgoal"),
    ("goals", "delete_councilgoal"),
    ("goals", "view_globalgoal"), ("goals", "change_globalgoal"),
    ("goals", "view_globaltarget"), ("goals", "change_globaltarget"),
    ("assignments", "view_user"), ("assignments", "add_user"), ("assignments", "change_user"),
    ("assignments", "view_organisation"), ("assignments", "add_organisation"),
    ("assignments", "change_organisation"),
    ("assignments", "view_membership"), ("assignments", "add_membership"),
    ("assignments", "change_membership"), ("assignments", "delete_membership"),
    ("assignments", "view_assignment"), ("assignments", "add_assignment"),
    ("assignments", "change_assignment"),
    ("assignments", "view_responsibility"), ("assignments", "add_responsibility"),
    ("assignments", "change_responsibility"), ("assignments", "delete_responsibility"),
    ("assignments", "view_reportingperiod"), ("assignments", "add_reportingperiod"),
    ("assignments", "change_reportingperiod"),
    ("assignments", "view_report"), ("assignments", "review_report"),
    ("assignments", "publish_report"),
    ("assignments", "view_reportversion"),
    ("assignments", "view_attachment"),
    ("assignments", "view_reportevent"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in PERMISSIONS
    ]
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=REVIEWERS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0001_initial"),
        ("goals", "0002_global_frameworks"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
