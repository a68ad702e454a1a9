"""An indicator's values as the portal writes them: its decimals, rounded, in each language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils.translation import override

from assignments.models import Indicator


@pytest.mark.parametrize(
    ("decimals", "value", "swedish", "english"),
    [
        (1, "2.79", "2,8", "2.8"),  # rounded, not cut off
        (1, "2.75", "2,8", "2.8"),  # half away from zero
        (1, "-2.75", "-2,8", "-2.8"),
        (1, "-0.04", "0,0", "0.0"),  # no minus zero
        (0, "2.5", "3", "3"),
        (2, "1234567.891", "1\xa0234\xa0567,89", "1,234,567.89"),
        (1, "100.000000", "100,0", "100.0"),
    ],
)
def test_values_are_rounded_to_the_indicators_decimals(decimals, value, swedish, english):
    indicator = Indicator(decimals=decimals)
    with override("sv"):
        assert indicator.format_value(Decimal(value)) == swedish
    with override("en"):
        assert indicator.format_value(Decimal(value)) == english
    assert indicator.format_value(None) == ""
