from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_in(apps, schema_editor):
    """Copy each stored contribution's period deadline onto it."""
    PublishedContribution = apps.get_model("assignments", "PublishedContribution")
    ReportingPeriod = apps.get_model("assignments", "ReportingPeriod")
    PublishedContribution.objects.update(
        deadline=Subquery(
            ReportingPeriod.objects.filter(pk=OuterRef("period_id")).values("deadline")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0011_published_report_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedcontribution",
            name="deadline",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="publishedcontribution",
            name="deadline",
            field=models.DateField(),
        ),
        migrations.AddIndex(
            model_name="publishedcontribution",
            index=models.Index(
                fields=["target", "-deadline", "-report"], name="publishedcontribution_newest"
            ),
        ),
    ]
