"""
Text cells that a spreadsheet cannot run as a formula (CSV or formula injection).

A spreadsheet opening a CSV or XLSX file runs a cell that begins with ``=``, ``+``, ``-`` or
``@``, and some also after a tab or a carriage return (OWASP, "CSV Injection"), so a report
text such as ``=HYPERLINK(…)`` would become a live link or worse on a reader's machine. Every
file the portal writes for spreadsheets, the public open data and the admin's exports alike,
passes its text cells through ``formula_safe``; numbers, dates and the JSON downloads are left
as they are.

The rule is reversible, so a program reading the files gets every text back exactly: a text
that begins with one of those characters, or with an apostrophe, gets one more apostrophe in
front. To recover the original, remove one leading apostrophe from any cell that begins with
one (``original_text``). Texts that begin with an apostrophe are escaped too, or an original
``'=1`` could not be told from an escaped ``=1``.
"""

from __future__ import annotations

# What a spreadsheet may take as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def formula_safe(text: str) -> str:
    """``text`` as a cell no spreadsheet runs: see the module's rule."""
    if text.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + text
    return text


def original_text(cell: str) -> str:
    """The inverse of ``formula_safe``: the text as it was written in the portal."""
    return cell.removeprefix(ESCAPE)
