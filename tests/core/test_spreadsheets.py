"""The rule that keeps text cells from running as spreadsheet formulas, and its inverse."""

from __future__ import annotations

import csv
import io

from hypothesis import example, given
from hypothesis import strategies as st

from assignments.spreadsheets import ESCAPE, FORMULA_STARTS, formula_safe, original_text

# Texts, with the characters that matter made likely at the start.
texts = st.one_of(
    st.text(),
    st.builds(
        str.__add__,
        st.text(alphabet=st.sampled_from([*FORMULA_STARTS, ESCAPE]), min_size=1, max_size=4),
        st.text(),
    ),
)


@given(texts)
@example("'=1+1")
@example("''")
@example("'")
@example("")
def test_the_inverse_gives_back_every_text_exactly(text):
    assert original_text(formula_safe(text)) == text


@given(texts)
def test_no_escaped_cell_begins_like_a_formula(text):
    cell = formula_safe(text)
    assert not cell.startswith(FORMULA_STARTS)
    # At most one apostrophe is added, and only where one is needed.
    assert cell in (text, ESCAPE + text)
    assert (cell != text) == text.startswith((*FORMULA_STARTS, ESCAPE))


@given(st.lists(texts, min_size=1, max_size=5))
def test_a_csv_row_read_back_and_unescaped_is_the_row_written(row):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow([formula_safe(text) for text in row])
    [read] = csv.reader(io.StringIO(buffer.getvalue(), newline=""))
    assert not any(cell.startswith(FORMULA_STARTS) for cell in read)
    assert [original_text(cell) for cell in read] == row
