from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def refresh_published_counts(reports, periods):
    """
    Count again the public reports of each period of ``reports`` (``periods``, the model
    ``ReportingPeriod``): ``public_report_count``.

    A frozen copy of ``assignments.models.refresh_published_counts`` as it was when this
    migration was written, against the historical models: a migration must not import the
    project's code, which moves and changes while the migration history must not.
    """
    public = (
        reports.model.objects.filter(period=OuterRef("pk"), published_version__isnull=False)
        .order_by()
        .values("period")
        .annotate(n=Count("pk"))
        .values("n")
    )
    periods.objects.filter(pk__in=reports.order_by().values("period")).update(
        public_report_count=Coalesce(Subquery(public), 0)
    )


def fill_in(apps, schema_editor):
    """The counts of the reports published before the field existed."""
    Report = apps.get_model("assignments", "Report")
    ReportingPeriod = apps.get_model("assignments", "ReportingPeriod")
    refresh_published_counts(Report.objects.all(), ReportingPeriod)


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0011_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportingperiod",
            name="public_report_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="published reports"
            ),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop, elidable=True),
    ]
