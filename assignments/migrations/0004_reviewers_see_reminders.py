"""Let reviewers read the deadline reminder log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWERS_GROUP = "Reviewers"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("assignments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="assignments", codename="view_deadlinereminder"
    )
    for group in Group.objects.filter(name=REVIEWERS_GROUP):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=REVIEWERS_GROUP):
        group.permissions.remove(
            *group.permissions.filter(codename="view_deadlinereminder")
        )


class Migration(migrations.Migration):
    dependencies = [("assignments", "0003_deadline_reminder")]

    operations = [migrations.RunPython(grant, revoke)]
