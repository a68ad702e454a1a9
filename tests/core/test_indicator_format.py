"""An indicator's values as the pages show them: its decimals, the language's number format."""

from decimal import Decimal

import pytest
from django.utils import translation

from assignments.models import Indicator


@pytest.mark.parametrize(
    ("decimals", "value", "swedish", "english"),
    [
        (1, "40.25", "40,3", "40.3"),  # rounded half up, not cut off
        (1, "12.99", "13,0", "13.0"),
        (0, "0.96", "1", "1"),
        (2, "1234.5", "1\xa0234,50", "1,234.50"),
        (1, "-0.04", "0,0", "0.0"),
        (1, "-2.35", "-2,4", "-2.4"),
        (6, "0.000001", "0,000001", "0.000001"),
        (0, "99999999999999.5", "100\xa0000\xa0000\xa0000\xa0000", "100,000,000,000,000"),
    ],
)
def test_a_value_is_rounded_to_the_indicators_decimals(decimals, value, swedish, english):
    indicator = Indicator(code="X1", decimals=decimals)
    with translation.override("sv"):
        assert indicator.format_value(Decimal(value)) == swedish
    with translation.override("en"):
        assert indicator.format_value(Decimal(value)) == english


def test_no_value_is_shown_as_nothing():
    assert Indicator(code="X1").format_value(None) == ""
