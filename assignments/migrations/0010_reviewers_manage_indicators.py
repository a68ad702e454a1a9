"""Let reviewers define indicators and their targets, read their values and import them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWERS_GROUP = "Reviewers"
CODENAMES = [
    "view_indicator",
    "add_indicator",
    "change_indicator",
    "view_indicatortarget",
    "add_indicatortarget",
    "change_indicatortarget",
    "delete_indicatortarget",
    "view_indicatorvalue",
    "import_indicator_values",
    "view_reportedvalue",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("assignments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = [
        Permission.objects.get(content_type__app_label="assignments", codename=codename)
        for codename in CODENAMES
    ]
    for group in Group.objects.filter(name=REVIEWERS_GROUP):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=REVIEWERS_GROUP):
        group.permissions.remove(
            *group.permissions.filter(
                content_type__app_label="assignments", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [("assignments", "0009_indicators")]

    operations = [
        migrations.AlterModelOptions(
            name="indicatorvalue",
            options={
                "ordering": ["indicator", "year", "dimension", "category"],
                "permissions": [
                    ("import_indicator_values", "Can import indicator values from a file")
                ],
                "verbose_name": "indicator value",
                "verbose_name_plural": "indicator values",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
