"""
Every write of indicator values: the values reporters give in their reports (kept on the
working report, frozen with each submitted version, made public when that version is
published), and the values imported from Kolada or from a file by the sustainability office.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments import caching
from assignments.models import (
    BREAKDOWNS,
    INDICATOR_YEAR_MAX,
    INDICATOR_YEAR_MIN,
    VALUE_LIMIT,
    Indicator,
    IndicatorValue,
    Report,
    ReportedValue,
    ReportVersion,
    ValueOrigin,
)

# The most significant digits a value keeps in every database: SQLite stores decimals as
# floating point numbers and Django reads them back with 15 digits, so a value with more would
# be saved as another one. PostgreSQL keeps them all, but a value means the same everywhere.
VALUE_SIGNIFICANT_DIGITS = 15


@dataclass(frozen=True)
class ValueInput:
    """One value as given: by a reporter, in an imported file, or by Kolada. ``value`` None
    removes a reporter's value."""

    indicator: Indicator
    value: Decimal | None
    dimension: str = ""
    category: str = ""
    note: str = ""
    year: int | None = None


def breakdowns_of(indicator: Indicator) -> list[tuple[str, str]]:
    """The series an indicator's values come in: the total first, then its breakdowns."""
    series = [("", "")]
    if indicator.has_gender_split:
        series += [("gender", category) for category in BREAKDOWNS["gender"][1]]
    return series


def check_number(value: Decimal) -> None:
    """Refuse a number the portal cannot hold the same in every database (forms call it too,
    so that the message stands beside the field)."""
    if not value.is_finite() or abs(value) >= VALUE_LIMIT:
        raise ValidationError(
            _("The value is too large: at most %(digits)d digits before the decimal point.")
            % {"digits": len(str(VALUE_LIMIT)) - 1},
            code="value_out_of_range",
        )
    if len(value.normalize().as_tuple().digits) > VALUE_SIGNIFICANT_DIGITS:
        raise ValidationError(
            _("The value has too many digits: at most %(digits)d in all.")
            % {"digits": VALUE_SIGNIFICANT_DIGITS},
            code="value_too_precise",
        )


def check_value(item: ValueInput) -> None:
    """Refuse a value the portal cannot hold or that names a breakdown the indicator lacks."""
    if (item.dimension, item.category) not in breakdowns_of(item.indicator):
        raise ValidationError(
            _("%(indicator)s has no values for “%(category)s”.")
            % {"indicator": item.indicator.code, "category": item.category or item.dimension},
            code="unknown_breakdown",
        )
    if item.value is not None:
        check_number(item.value)
    if item.year is not None and not INDICATOR_YEAR_MIN <= item.year <= INDICATOR_YEAR_MAX:
        raise ValidationError(
            _("The year must be between %(min)d and %(max)d.")
            % {"min": INDICATOR_YEAR_MIN, "max": INDICATOR_YEAR_MAX},
            code="year_out_of_range",
        )


def set_reported_values(*, report: Report, values: Iterable[ValueInput]) -> None:
    """
    Replace the working report's values with ``values`` (called by ``save_report`` inside its
    transaction, after its checks of who writes and in which state).
    """
    allowed = set(
        Indicator.objects.reported_by(report.organisation, report.assignment).values_list(
            "pk", flat=True
        )
    )
    values = list(values)
    given = {
        (item.indicator.pk, item.dimension, item.category, item.value, item.note.strip())
        for item in values
        if item.value is not None
    }
    saved = set(
        report.reported_values.values_list("indicator_id", "dimension", "category", "value", "note")
    )
    if given == saved:
        return
    if report.period.closed:
        raise ValidationError(
            _("The reporting period “%(period)s” is closed and takes no more values.")
            % {"period": report.period},
            code="period_closed",
        )
    rows = []
    for item in values:
        if item.indicator.pk not in allowed:
            raise ValidationError(
                _("%(organisation)s does not report values for %(indicator)s here.")
                % {"organisation": report.organisation, "indicator": item.indicator.code},
                code="not_reported_here",
            )
        check_value(item)
        if item.value is not None:
            rows.append(
                ReportedValue(
                    report=report,
                    indicator=item.indicator,
                    dimension=item.dimension,
                    category=item.category,
                    value=item.value,
                    note=item.note.strip(),
                )
            )
    report.reported_values.all().delete()
    ReportedValue.objects.bulk_create(rows)


def freeze_reported_values(*, report: Report, version: ReportVersion) -> None:
    """Copy the working report's values onto the version being submitted."""
    ReportedValue.objects.bulk_create(
        ReportedValue(
            version=version,
            indicator_id=value.indicator_id,
            dimension=value.dimension,
            category=value.category,
            value=value.value,
            note=value.note,
        )
        for value in report.reported_values.all()
    )


def publish_reported_values(*, report: Report) -> None:
    """
    Make the published version's values public, for the report's period: a value published
    before and left out of the new version is withdrawn. Called by ``publish_report``.
    """
    version = report.published_version
    assert version is not None
    now = timezone.now()
    kept = []
    for reported in version.reported_values.all():
        value, _created = IndicatorValue.objects.update_or_create(
            indicator_id=reported.indicator_id,
            period=report.period,
            dimension=reported.dimension,
            category=reported.category,
            defaults={
                "year": report.period.budget.year,
                "value": reported.value,
                "note": reported.note,
                "origin": ValueOrigin.REPORT,
                "report": report,
                "published_at": now,
            },
        )
        kept.append(value.pk)
    IndicatorValue.objects.filter(report=report, period=report.period).exclude(pk__in=kept).delete()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@transaction.atomic
def import_values(
    *,
    indicator: Indicator,
    values: Sequence[ValueInput],
    origin: str,
    deleted: Sequence[ValueInput] = (),
) -> ImportResult:
    """
    Save yearly values of one indicator all at once, or none of them: each is checked first.
    A value that is already there with the same figure is left as it is (so an import run
    twice changes nothing); ``deleted`` names values the source has withdrawn, which are
    deleted if they came from that source (``origin``).
    """
    for item in [*values, *deleted]:
        if item.year is None:
            raise ValueError("An imported value needs its year.")
        check_value(item)
    result = ImportResult()
    existing = {
        (value.year, value.dimension, value.category): value
        for value in IndicatorValue.objects.filter(indicator=indicator, period__isnull=True)
    }
    now = timezone.now()
    for item in values:
        assert item.year is not None and item.value is not None
        key = (item.year, item.dimension, item.category)
        current = existing.get(key)
        if current is None:
            existing[key] = IndicatorValue.objects.create(
                indicator=indicator,
                year=item.year,
                dimension=item.dimension,
                category=item.category,
                value=item.value,
                note=item.note,
                origin=origin,
                published_at=now,
            )
            result.created += 1
        elif current.value == item.value and current.note == item.note:
            result.unchanged += 1
        else:
            current.value, current.note, current.origin = item.value, item.note, origin
            current.published_at = now
            current.save(update_fields=["value", "note", "origin", "published_at"])
            result.updated += 1
    for item in deleted:
        # Only the source's own value is withdrawn: not one the office imported from a file.
        gone = existing.get((item.year, item.dimension, item.category))
        if gone is not None and gone.origin == origin:
            del existing[(item.year, item.dimension, item.category)]
            gone.delete()
            result.deleted += 1
    if result.created or result.updated or result.deleted:
        transaction.on_commit(caching.public_content_changed)
    return result
