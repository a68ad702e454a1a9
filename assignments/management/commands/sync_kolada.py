"""
Import the values of every indicator whose source is Kolada, for Malmö (municipality 1280),
from Kolada's API (``KOLADA_BASE_URL``, client in ``assignments/kolada.py``). Meant to run
once a night (cron, a systemd timer).

- Indicators are asked for 25 key figures at a time (Kolada's limit), page after page.
- Incremental: an indicator imported before is asked only for what changed since the day
  before its last import (``from_date``, a day of margin for clocks and time zones);
  ``--full`` asks for everything again. Values Kolada withdraws (``isdeleted``) are deleted.
- Each indicator is saved through ``services.import_values`` all at once or not at all, with
  the time of the import; a value already there is left alone, so a second run changes
  nothing. One line per indicator says what changed.
- If Kolada cannot be reached after the client's retries, the command stops with an error:
  the indicators already imported stay imported, nothing is saved for the others.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assignments import services
from assignments.kolada import KoladaClient, KoladaError, KoladaValue, chunks, values_for
from assignments.models import KOLADA_MALMO, Indicator, IndicatorSource, ValueOrigin
from assignments.services import ImportResult


class Command(BaseCommand):
    help = (
        "Import the values of every indicator whose source is Kolada, for Malmö, from Kolada's "
        "API (KOLADA_BASE_URL): only what changed since the last import, unless --full."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--full",
            action="store_true",
            help="Ask Kolada for every value, not only what changed since the last import.",
        )
        parser.add_argument(
            "--indicator",
            action="append",
            dest="codes",
            metavar="CODE",
            default=[],
            help="Import only this indicator (its code); may be given more than once.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Ask Kolada and show what would change; save nothing.",
        )

    def handle(self, *args, full: bool, codes: list[str], dry_run: bool, **options) -> None:
        indicators = self._indicators(codes)
        if not indicators:
            self.stdout.write(_("No indicator has Kolada as its source; nothing to import."))
            return
        started = timezone.now()
        totals = ImportResult()
        imported: list[Indicator] = []
        failed: list[Indicator] = []
        with KoladaClient() as kolada:
            for from_date, batch in _batches(indicators, full=full):
                kpis = sorted({i.kolada_kpi for i in batch})
                if options["verbosity"] >= 2:
                    self.stdout.write(
                        _("Asking Kolada for %(kpis)s (changes since %(date)s)")
                        % {"kpis": ", ".join(kpis), "date": from_date}
                        if from_date
                        else _("Asking Kolada for %(kpis)s") % {"kpis": ", ".join(kpis)}
                    )
                try:
                    values = kolada.values(
                        kpis=kpis,
                        municipality=KOLADA_MALMO,
                        from_date=from_date,
                    )
                except KoladaError as error:
                    raise CommandError(
                        _("%(error)s Nothing was saved for %(codes)s.%(done)s")
                        % {
                            "error": error,
                            "codes": ", ".join(i.code for i in _not_done(indicators, imported)),
                            "done": " "
                            + ngettext(
                                "%(count)d indicator was imported before that.",
                                "%(count)d indicators were imported before that.",
                                len(imported),
                            )
                            % {"count": len(imported)}
                            if imported
                            else "",
                        }
                    ) from error
                for indicator in batch:
                    try:
                        result = self._save(indicator, values, started=started, dry_run=dry_run)
                    except ValidationError as error:
                        failed.append(indicator)
                        self.stderr.write(
                            _("%(code)s  %(title)s: not saved: %(error)s")
                            % {
                                "code": indicator.code,
                                "title": indicator.title,
                                "error": " ".join(error.messages),
                            }
                        )
                        continue
                    imported.append(indicator)
                    _add(totals, result)
                    self.stdout.write(
                        _("%(code)s  %(title)s: %(counts)s")
                        % {
                            "code": indicator.code,
                            "title": indicator.title,
                            "counts": _counts(result),
                        }
                    )
        self.stdout.write(self._summary(len(imported), totals, dry_run=dry_run))
        if failed:
            raise CommandError(
                ngettext(
                    "%(count)d indicator was not saved: %(codes)s.",
                    "%(count)d indicators were not saved: %(codes)s.",
                    len(failed),
                )
                % {"count": len(failed), "codes": ", ".join(i.code for i in failed)}
            )

    def _indicators(self, codes: Sequence[str]) -> list[Indicator]:
        indicators = Indicator.objects.filter(source=IndicatorSource.KOLADA).order_by("code")
        if not codes:
            return list(indicators)
        chosen = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
        unknown = sorted(set(codes) - set(chosen))
        if unknown:
            raise CommandError(
                _("No indicator has the code %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        other = sorted(c for c, i in chosen.items() if i.source != IndicatorSource.KOLADA)
        if other:
            raise CommandError(
                _("The values of %(codes)s do not come from Kolada.") % {"codes": ", ".join(other)}
            )
        return list(indicators.filter(code__in=codes))

    def _save(
        self,
        indicator: Indicator,
        values: list[KoladaValue],
        *,
        started: datetime.datetime,
        dry_run: bool,
    ) -> ImportResult:
        """One indicator's values and the time of its import, together or not at all."""
        live, deleted = values_for(indicator, values, municipality=KOLADA_MALMO)
        with transaction.atomic():
            result = services.import_values(
                indicator=indicator, values=live, deleted=deleted, origin=ValueOrigin.KOLADA
            )
            if dry_run:
                transaction.set_rollback(True)
            else:
                # The time the run began: what Kolada changes while it runs is asked again.
                Indicator.objects.filter(pk=indicator.pk).update(kolada_synced_at=started)
        return result

    def _summary(self, count: int, totals: ImportResult, *, dry_run: bool) -> str:
        if dry_run:
            text = ngettext(
                "Dry run, nothing saved: %(count)d indicator asked of Kolada (%(counts)s).",
                "Dry run, nothing saved: %(count)d indicators asked of Kolada (%(counts)s).",
                count,
            )
        else:
            text = ngettext(
                "%(count)d indicator imported from Kolada (%(counts)s).",
                "%(count)d indicators imported from Kolada (%(counts)s).",
                count,
            )
        return text % {"count": count, "counts": _counts(totals)}


def _add(totals: ImportResult, result: ImportResult) -> None:
    totals.created += result.created
    totals.updated += result.updated
    totals.unchanged += result.unchanged
    totals.deleted += result.deleted


def _counts(result: ImportResult) -> str:
    return _(
        "%(created)d new, %(updated)d changed, %(unchanged)d unchanged, %(deleted)d deleted"
    ) % {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "deleted": result.deleted,
    }


def _batches(
    indicators: Sequence[Indicator], *, full: bool
) -> list[tuple[datetime.date | None, list[Indicator]]]:
    """
    The indicators in the requests Kolada is sent: those asked for changes since the same day
    together, at most 25 key figures a request, each indicator in one request only.
    """
    by_date: dict[datetime.date | None, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_date[None if full else _from_date(indicator)].append(indicator)
    batches = []
    for from_date in sorted(by_date, key=lambda d: (d is not None, d or datetime.date.min)):
        group = by_date[from_date]
        for kpis in chunks(sorted({i.kolada_kpi for i in group})):
            batches.append((from_date, [i for i in group if i.kolada_kpi in kpis]))
    return batches


def _from_date(indicator: Indicator) -> datetime.date | None:
    """The day before the last import (Swedish time), or None if it was never imported."""
    if indicator.kolada_synced_at is None:
        return None
    return timezone.localdate(indicator.kolada_synced_at) - datetime.timedelta(days=1)


def _not_done(indicators: Sequence[Indicator], imported: Sequence[Indicator]) -> list[Indicator]:
    done = {i.pk for i in imported}
    return [i for i in indicators if i.pk not in done]
