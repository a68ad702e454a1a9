"""
Generated input for the property-based tests (hypothesis): the values an attacker, a broken
client or a careless paste sends. Strategies only; the tests are in tests/site/test_fuzz.py.
"""

from __future__ import annotations

from hypothesis import strategies as st

# Values that found server errors before, or that commonly do.
SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "１２",
    "0",
    "-1",
    "9999",
    "10000",
    str(2**31),
    str(2**63),
    "99999999999999999999999999",
    "1e3",
    "1.5",
    "NaN",
    "inf",
    "true",
    "None",
    "%00",
    "'; DROP TABLE assignments_report; --",
    '"><script>alert(1)</script>',
    "../../etc/passwd",
    "\u202e",
    "\r\n",
    "\t",
    '=HYPERLINK("http://example.com")',
    "2018-02-30",
    "0000-00-00",
    "9999-12-31",
    "sv",
    "en",
    "xx",
]

unicode_digits = st.text(
    alphabet=st.characters(categories=("Nd", "No", "Nl")), min_size=1, max_size=12
)
control_characters = st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs")), max_size=20)
big_numbers = st.integers(min_value=-(2**80), max_value=2**80).map(str)
# Long text, made by repeating a piece: as long as drawing it character by character, and
# far cheaper to generate.
long_text = st.builds(
    lambda piece, times: piece * times,
    st.text(min_size=1, max_size=20),
    st.integers(min_value=50, max_value=2000),
)


def values(*valid: object) -> st.SearchStrategy[str]:
    """One form or query value: a valid one now and then, mostly anything else."""
    choices = [str(value) for value in valid]
    strategies = [
        st.sampled_from(SPECIAL),
        st.text(max_size=40),
        unicode_digits,
        control_characters,
        big_numbers,
        long_text,
    ]
    if choices:
        strategies.insert(0, st.sampled_from(choices))
    return st.one_of(strategies)


def fields(names: dict[str, tuple] | list[str]) -> st.SearchStrategy[dict[str, list[str]]]:
    """
    Form or query data over ``names`` (a name, or a name and its valid values): any of them
    missing, some sent twice or three times, and now and then a name no form has.
    """
    if not isinstance(names, dict):
        names = dict.fromkeys(names, ())
    per_name = {
        name: st.lists(values(*valid), min_size=1, max_size=3) for name, valid in names.items()
    }
    known = st.fixed_dictionaries({}, optional=per_name)
    stray = st.dictionaries(
        st.text(min_size=1, max_size=12), st.lists(values(), max_size=2), max_size=2
    )
    return st.builds(lambda a, b: {**b, **a}, known, stray)


def typed(data: dict[str, list[str]], name: str) -> str | None:
    """What a form field holds for ``data``: Django reads the last value of a repeated name."""
    sent = data.get(name)
    return sent[-1] if sent else None
