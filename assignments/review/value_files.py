"""
An indicator's yearly values as a file: the tidy CSV of Open SDG, one row per value, which the
office exports, corrects or extends in a spreadsheet and imports again
(``docs/import-formats.md``).

The columns: ``Year``; a column per breakdown the indicator has, headed with the breakdown's
key (``Gender``), its category's key in the cells (``women``, ``men``) and nothing for the
total; ``Value``; ``Note``. The export writes exactly what the import reads, so an exported
file imports back unchanged. The import also takes the Swedish headings and categories, a
semicolon as separator and a decimal comma, as a Swedish spreadsheet saves them.

``read_value_file`` checks a whole file against the indicator and its values and says, row by
row, what importing it would do: add a value, change one, leave one as it is, or remove one
(a row whose value is empty). It writes nothing; the admin saves a file that has no error,
all rows at once, with ``services.import_values``.

Only yearly values are in the file: the values of reporting periods come from published
reports and change only with them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assignments.models import (
    BREAKDOWNS,
    INDICATOR_YEAR_MAX,
    INDICATOR_YEAR_MIN,
    VALUE_DECIMAL_PLACES,
    Indicator,
    IndicatorValue,
    ValueOrigin,
    breakdown_label,
)
from assignments.services.indicators import ValueInput, breakdowns_of, check_value
from assignments.spreadsheets import formula_safe, original_text

# A file of one indicator has at most a value per year (1950-2100) and breakdown: some 450
# rows with the gender split. These limits leave room for that and keep a file small enough
# to carry from the preview to the confirmation in a form field.
MAX_BYTES = 512 * 1024
MAX_ROWS = 1000
NOTE_MAX_LENGTH = IndicatorValue._meta.get_field("note").max_length or 500

# The headings the export writes. The import takes them in any case, and in Swedish.
YEAR, VALUE, NOTE = "Year", "Value", "Note"
HEADINGS = {
    YEAR: ("year", "år"),
    VALUE: ("value", "värde"),
    NOTE: ("note", "anmärkning", "kommentar"),
}
# Other names of breakdowns and categories the import accepts besides their keys and their
# labels in either language: the Swedish words (also where a label is not translated yet)
# and Open SDG's.
DIMENSION_ALIASES = {"gender": ("kön", "sex")}
CATEGORY_ALIASES = {"women": ("kvinnor", "female"), "men": ("män", "male")}
TOTAL_WORDS = ("", "total", "totalt")

NEW, CHANGED, UNCHANGED, REMOVED = "new", "changed", "unchanged", "removed"

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_YEAR = re.compile(r"[0-9]{1,4}")
# Spaces a spreadsheet may group digits with, and the minus sign it may write.
_DIGIT_GROUPING = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, "\u2212": "-"})


def dimension_heading(dimension: str) -> str:
    """The heading of a breakdown's column: its key, capitalised (``Gender``)."""
    return dimension.capitalize()


def _words(*texts: object) -> set[str]:
    return {str(text).strip().casefold() for text in texts}


def _in_both_languages(text: object) -> set[str]:
    words = set()
    for language in ("sv", "en"):
        with translation.override(language):
            words |= _words(text)
    return words


def _dimension_names() -> dict[str, str]:
    """Each name a breakdown's column may have → the breakdown's key."""
    names = {}
    for dimension, (label, _categories) in BREAKDOWNS.items():
        for name in {
            *_words(dimension, *DIMENSION_ALIASES.get(dimension, ())),
            *_in_both_languages(label),
        }:
            names[name] = dimension
    return names


def _category_names(dimension: str) -> dict[str, str]:
    """Each word a breakdown's cell may hold → the category's key ("" for the total)."""
    names = dict.fromkeys(_words(*TOTAL_WORDS) | _in_both_languages(gettext_lazy("Total")), "")
    for category, label in BREAKDOWNS[dimension][1].items():
        for name in {
            *_words(category, *CATEGORY_ALIASES.get(category, ())),
            *_in_both_languages(label),
        }:
            names[name] = category
    return names


def plain_number(value: Decimal) -> str:
    """A value as the file holds it: a point for decimals, no trailing zeros, no exponent."""
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass
class Row:
    """One row of a file: what it says, what importing it would do, and what is wrong in it."""

    number: int
    cells: list[str]
    year: int | None = None
    dimension: str = ""
    category: str = ""
    value: Decimal | None = None
    note: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    status: str = ""
    current: IndicatorValue | None = None

    def error(self, column: str, message: str) -> None:
        messages = self.errors.setdefault(column, [])
        if message not in messages:
            messages.append(message)

    @property
    def breakdown_label(self) -> str:
        return breakdown_label(self.dimension, self.category)

    @property
    def value_text(self) -> str:
        return "" if self.value is None else plain_number(self.value)

    @property
    def current_text(self) -> str:
        return "" if self.current is None else plain_number(self.current.value)

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """(column, message) pairs, in the order of the file's columns."""
        return [
            (column, message) for column, messages in self.errors.items() for message in messages
        ]


@dataclass
class ValueFile:
    """A file read against an indicator (``read_value_file``)."""

    indicator: Indicator
    # The file's text, as the confirmation reads it again.
    text: str = ""
    headings: list[str] = field(default_factory=list)
    # What each heading holds (YEAR, VALUE, NOTE or a breakdown's key) → the heading as written.
    heading_of: dict[str, str] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Each breakdown's words in the cells → its category (``_category_names``).
    categories: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, CHANGED, UNCHANGED, REMOVED), 0)
        for row in self.rows:
            if row.status:
                counts[row.status] += 1
        return counts

    @property
    def changes_anything(self) -> bool:
        counts = self.counts
        return bool(counts[NEW] or counts[CHANGED] or counts[REMOVED])

    def inputs(self) -> tuple[list[ValueInput], list[ValueInput]]:
        """The values to save and those to remove, for ``services.import_values``."""
        assert not self.has_errors
        saved, removed = [], []
        for row in self.rows:
            item = ValueInput(
                indicator=self.indicator,
                year=row.year,
                dimension=row.dimension,
                category=row.category,
                value=row.value,
                note=row.note,
            )
            if row.value is not None:
                saved.append(item)
            elif row.status == REMOVED:
                removed.append(item)
        return saved, removed


def yearly_values(indicator: Indicator):
    """The values the file holds: the indicator's yearly ones, in the file's order."""
    order = {key: index for index, key in enumerate(breakdowns_of(indicator))}
    values = list(IndicatorValue.objects.filter(indicator=indicator, period__isnull=True))
    values.sort(
        key=lambda v: (v.year, order.get((v.dimension, v.category), len(order)), v.category)
    )
    return values


# Reading


def decode(content: bytes) -> str:
    """The file's text; ValidationError where it is not text in UTF-8."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "The file is not a CSV file in UTF-8. Save it as “CSV UTF-8” (in Excel: "
                "File › Save as › CSV UTF-8) and upload it again."
            ),
            code="encoding",
        ) from None
    if "\x00" in text:
        raise ValidationError(
            _("The file is not a CSV file: it holds binary data. Save it as “CSV UTF-8”."),
            code="binary",
        )
    return text


def _delimiter(first_line: str) -> str:
    """Commas, or semicolons or tabs as spreadsheets save them: told by the headings' line."""
    for candidate in (",", ";", "\t"):
        if candidate in first_line:
            return candidate
    return ","


def read_value_file(*, indicator: Indicator, content: bytes) -> ValueFile:
    """
    ``content`` read as a file of ``indicator``'s values and checked, each row against the
    indicator's breakdowns and current values. Writes nothing.
    """
    result = ValueFile(indicator=indicator)
    if len(content) > MAX_BYTES:
        result.errors.append(
            _("The file is too large: at most %(size)d KB.") % {"size": MAX_BYTES // 1024}
        )
        return result
    try:
        text = decode(content)
    except ValidationError as error:
        result.errors.extend(error.messages)
        return result
    if not text.strip():
        result.errors.append(_("The file is empty."))
        return result
    result.text = text
    lines = text.lstrip("\r\n").splitlines()
    # Strict: a quote left open is an error of its row, not the rest of the file read as
    # one cell.
    reader = csv.reader(
        io.StringIO(text.lstrip("\r\n"), newline=""), delimiter=_delimiter(lines[0]), strict=True
    )
    headings: list[str] | None = None
    records: list[tuple[int, list[str]]] = []  # the rows under the headings that hold text
    number = 0
    try:
        for record in reader:
            if headings is None:
                headings = record
                continue
            number += 1
            if not any(cell.strip() for cell in record):
                continue
            if len(records) == MAX_ROWS:
                result.errors.append(
                    _("The file has more than %(count)d rows: import it in parts.")
                    % {"count": MAX_ROWS}
                )
                return result
            records.append((number, record))
    except csv.Error:
        result.errors.append(
            _("The file could not be read as CSV from row %(row)d on: check its quotes.")
            % {"row": number + 1}
        )
        return result
    assert headings is not None  # the text has a line that is not blank
    columns = _read_headings(headings, result)
    result.categories = {dimension: _category_names(dimension) for dimension in BREAKDOWNS}
    if result.errors:
        return result
    if not records:
        result.errors.append(_("The file has headings but no values."))
        return result
    result.rows = [_read_row(number, record, columns, result) for number, record in records]
    _check_rows(result)
    return result


def _read_headings(headings: list[str], result: ValueFile) -> list[str]:
    """What each column holds: YEAR, VALUE, NOTE, a breakdown's key, or "" (ignored)."""
    result.headings = [heading.strip() for heading in headings]
    known = {word: column for column, words in HEADINGS.items() for word in words}
    dimensions = _dimension_names()
    columns = []
    for heading in result.headings:
        word = heading.casefold()
        column = known.get(word) or dimensions.get(word, "")
        if heading and not column:
            result.errors.append(
                _(
                    "The file has a column “%(heading)s” that the import does not know: "
                    "the columns are %(columns)s."
                )
                % {"heading": heading, "columns": _column_list(result.indicator)}
            )
        elif column and column in columns:
            result.errors.append(
                _("The file has the column “%(heading)s” twice.") % {"heading": heading}
            )
        elif column:
            result.heading_of[column] = heading
        columns.append(column)
    for required in (YEAR, VALUE):
        if required not in columns:
            result.errors.append(
                _("The file has no column “%(heading)s”: the columns are %(columns)s.")
                % {"heading": required, "columns": _column_list(result.indicator)}
            )
    return columns


def _column_list(indicator: Indicator) -> str:
    dimensions = sorted(
        {dimension for dimension, _category in breakdowns_of(indicator) if dimension}
    )
    names = [YEAR, *(dimension_heading(d) for d in dimensions), VALUE, NOTE]
    return ", ".join(f"“{name}”" for name in names)


def _read_row(number: int, record: list[str], columns: list[str], result: ValueFile) -> Row:
    row = Row(number=number, cells=[cell.strip() for cell in record])
    if len(record) > len(columns) and any(cell.strip() for cell in record[len(columns) :]):
        row.error("", _("The row has more cells than the file has headings: check its separators."))
    heading_of = result.heading_of
    cells = dict.fromkeys(heading_of, "")
    for column, raw in zip(columns, record, strict=False):
        cell = raw.strip()
        if column:
            cells[column] = cell
        elif cell:
            row.error("", _("The row has text in a column without a heading."))
    _read_year(row, cells[YEAR], heading_of[YEAR])
    _read_value(row, cells[VALUE], heading_of[VALUE])
    if NOTE in cells:
        note = original_text(cells[NOTE])
        if len(note) > NOTE_MAX_LENGTH:
            row.error(
                heading_of[NOTE],
                _("The note is too long: at most %(count)d characters.")
                % {"count": NOTE_MAX_LENGTH},
            )
        row.note = note
    given = [
        (column, cell) for column, cell in cells.items() if column in BREAKDOWNS and cell.strip()
    ]
    for column, cell in given:
        category = result.categories[column].get(cell.casefold())
        if category is None:
            choices = ", ".join(f"“{key}”" for key in BREAKDOWNS[column][1])
            row.error(
                heading_of[column],
                _("Unknown breakdown “%(value)s”: write %(choices)s, or nothing for the total.")
                % {"value": cell, "choices": choices},
            )
        elif category:
            if row.dimension:
                row.error(heading_of[column], _("A value has one breakdown at most."))
            else:
                row.dimension, row.category = column, category
    if not row.errors:
        _check_value(row, result)
    return row


def _read_year(row: Row, cell: str, heading: str) -> None:
    if not cell:
        row.error(heading, _("Give the year."))
    elif not _YEAR.fullmatch(cell):
        row.error(
            heading,
            _("“%(value)s” is not a year: write it with four digits, e.g. 2018.") % {"value": cell},
        )
    elif not INDICATOR_YEAR_MIN <= int(cell) <= INDICATOR_YEAR_MAX:
        row.error(
            heading,
            _("The year must be between %(min)d and %(max)d.")
            % {"min": INDICATOR_YEAR_MIN, "max": INDICATOR_YEAR_MAX},
        )
    else:
        row.year = int(cell)


def _read_value(row: Row, cell: str, heading: str) -> None:
    if not cell:
        return  # no value: the row removes the year's value
    text = cell.translate(_DIGIT_GROUPING)
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        row.error(
            heading,
            _("“%(value)s” is not a number: write digits, with a point or a comma for decimals.")
            % {"value": cell[:50]},
        )
        return
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        row.error(heading, _("“%(value)s” is not a number.") % {"value": cell[:50]})
        return
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > VALUE_DECIMAL_PLACES:
        row.error(
            heading,
            _("The value has too many decimals: at most %(count)d.")
            % {"count": VALUE_DECIMAL_PLACES},
        )
        return
    row.value = value


# Which column an error of ``services.check_value`` belongs to.
_CHECK_COLUMNS = {
    "unknown_breakdown": "breakdown",
    "value_out_of_range": VALUE,
    "value_too_precise": VALUE,
}


def _check_value(row: Row, result: ValueFile) -> None:
    """The service's own checks: the breakdown is one the indicator has, the value fits."""
    assert row.year is not None
    item = ValueInput(
        indicator=result.indicator,
        year=row.year,
        dimension=row.dimension,
        category=row.category,
        value=row.value,
    )
    try:
        check_value(item)
    except ValidationError as error:
        column = _CHECK_COLUMNS.get(error.code or "", YEAR)
        if column == "breakdown":
            column = row.dimension or YEAR
        row.error(result.heading_of.get(column, ""), " ".join(error.messages))


def _check_rows(result: ValueFile) -> None:
    """Rows that repeat another's year and breakdown, and what each row would do."""
    current = {
        (value.year, value.dimension, value.category): value
        for value in IndicatorValue.objects.filter(indicator=result.indicator, period__isnull=True)
    }
    seen: dict[tuple, int] = {}
    for row in result.rows:
        if row.errors:
            continue
        key = (row.year, row.dimension, row.category)
        if key in seen:
            row.error(
                result.heading_of[YEAR],
                _("Row %(row)d gives a value for the same year and breakdown already.")
                % {"row": seen[key]},
            )
            continue
        seen[key] = row.number
        row.current = current.get(key)
        if row.value is None and row.current and row.current.origin != ValueOrigin.IMPORT:
            # The import withdraws only values that came from files: the preview must not
            # promise to remove what Kolada or a published report gave.
            row.error(
                result.heading_of.get(VALUE, ""),
                _(
                    "The value for %(year)s came from %(origin)s, not from a file: a file "
                    "can only remove values imported from files. Give the value, or "
                    "leave the row out."
                )
                % {"year": row.year, "origin": row.current.get_origin_display()},
            )
        elif row.value is None:
            row.status = REMOVED if row.current else UNCHANGED
        elif row.current is None:
            row.status = NEW
        elif row.current.value == row.value and row.current.note == row.note:
            row.status = UNCHANGED
        else:
            row.status = CHANGED


# Writing


def write_value_file(*, indicator: Indicator, values: Iterable[IndicatorValue], out) -> None:
    """``values`` (``yearly_values``) as a file the import reads back unchanged, into ``out``."""
    values = list(values)
    dimensions = sorted(
        {d for d, _c in breakdowns_of(indicator) if d}
        | {v.dimension for v in values if v.dimension}
    )
    writer = csv.writer(out)
    writer.writerow([YEAR, *(dimension_heading(d) for d in dimensions), VALUE, NOTE])
    for value in values:
        writer.writerow(
            [
                value.year,
                *(value.category if value.dimension == d else "" for d in dimensions),
                plain_number(value.value),
                formula_safe(value.note),
            ]
        )
