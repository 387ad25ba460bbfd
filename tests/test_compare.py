"""The comparison helpers shared by numeric and text questions and by code exercises."""

import decimal
import math

import numpy as np
import pandas as pd
import pytest

from tipcourse.engine.compare import (
    InputError,
    compare,
    describe,
    is_unanswered,
    normalise_text,
    numbers_match,
    parse_number,
)
from tipcourse.report import messages


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("Yucatán", "yucatan"),
        ("  YUCATAN ", "yucatan"),
        ("Mexico   City", "mexico city"),
        ("child-sex tourists", "child sex tourists"),
        ("NGOs.", "ngos"),
        ('"Guatemala"', "guatemala"),
        ("Straße", "strasse"),
        ("Ciudad\u00a0Juárez", "ciudad juarez"),
    ],
)
def test_normalise_text_ignores_case_accents_dashes_and_spacing(typed, canonical):
    """A learner's "Yucatán", " YUCATAN " and "yucatan" all read the same."""
    assert normalise_text(typed) == canonical


@pytest.mark.parametrize(
    "typed, number",
    [
        ("1,000", 1000),
        ("92.5%", 92.5),
        (" 14 ", 14),
        (14, 14),
        (14.5, 14.5),
        (np.int64(14), 14),
        (np.float64(0.25), 0.25),
        (decimal.Decimal("2.5"), 2.5),
        ("$313,000", 313000),
        ("US$ 313,000", 313000),
        ("4,200,000", 4_200_000),
        ("fourteen", 14),
        ("$4.2 million", 4_200_000),
        ("-3.5", -3.5),
        ("1e3", 1000),
        (".5", 0.5),
    ],
)
def test_parse_number_reads_what_learners_type(typed, number):
    """Numbers typed with thousands separators, a % sign, spaces, $ or in words are read."""
    assert parse_number(typed) == pytest.approx(number)


@pytest.mark.parametrize(
    "typed, key",
    [
        (True, "compare.bool_not_number"),
        (np.bool_(False), "compare.bool_not_number"),
        ("nan", "compare.not_a_number"),
        ("inf", "compare.not_a_number"),
        (float("nan"), "compare.not_finite"),
        (math.inf, "compare.not_finite"),
        (-math.inf, "compare.not_finite"),
        (10**400, "compare.not_finite"),
        ("1e999", "compare.not_finite"),
        ("1,00", "compare.not_a_number"),
        ("12,5", "compare.not_a_number"),
        ("fourteen offenders", "compare.not_a_number"),
        ("🙂", "compare.not_a_number"),
        ("e5", "compare.not_a_number"),  # an exponent alone once raised float()'s ValueError
        ("-E+5", "compare.not_a_number"),
        (".", "compare.not_a_number"),
        (b"14", "compare.bytes"),
        ([14], "compare.type_mismatch"),
        ("9" * 101, "compare.too_long"),
    ],
)
def test_parse_number_rejects_what_is_not_one_number(typed, key):
    """Anything that is not one finite number raises InputError with a message saying why."""
    with pytest.raises(InputError) as raised:
        parse_number(typed)
    assert raised.value.key == key
    assert raised.value.message


def test_numbers_match_uses_absolute_or_relative_tolerance():
    """Tolerance is absolute, relative, or (when neither is set) floating-point rounding only."""
    assert numbers_match(0.1 + 0.2, 0.3)
    assert not numbers_match(14.001, 14)
    assert numbers_match(92.5, 92.547, tolerance=0.1)
    assert not numbers_match(92.4, 92.547, tolerance=0.1)
    assert numbers_match(101, 100, relative_tolerance=0.01)
    assert not numbers_match(102, 100, relative_tolerance=0.01)


def test_unanswered_means_none_ellipsis_or_blank_text():
    """None, ... and blank text mean "not answered yet"; 0 and False are answers."""
    assert all(is_unanswered(value) for value in (None, ..., "", "   \n"))
    assert not any(is_unanswered(value) for value in (0, False, "a", []))


def test_describe_names_the_kind_of_value():
    """Messages name what the learner gave in plain words."""
    assert describe(pd.DataFrame({"a": [1]})) == "a pandas DataFrame"
    assert describe(pd.Series([1])) == "a pandas Series"
    assert describe([1, 2, 3]) == "a list (length 3)"
    assert describe(True) == "True or False (a bool)"
    assert describe(np.float64(1.5)) == "a number"
    assert describe(len) == "a function"
    assert describe(object()) == "a object object"


def test_numbers_compare_with_tolerance_and_without_revealing_the_answer():
    """Equal numbers give None; a different one gives a message without the expected value."""
    assert compare(14, 14.0) is None
    assert compare(np.int64(14), 14) is None
    assert compare(92.5, 92.547, tolerance=0.1) is None
    difference = compare(13, 14)
    assert difference and "14" not in difference


def test_a_percentage_for_a_fraction_is_pointed_out():
    """Giving 71.4 where 0.714 is asked (or the reverse) gets a note about the scale."""
    assert "percentage" in compare(71.4, 0.714, tolerance=0.005)
    assert "percentage" in compare(0.925, 92.5, tolerance=0.1)


def test_a_dataframe_for_a_number_explains_the_mismatch():
    """Expected a number but got a DataFrame: the message suggests selecting one value."""
    with pytest.raises(InputError) as raised:
        compare(pd.DataFrame({"convictions": [14]}), 14)
    assert raised.value.message.startswith("Expected a number but got a pandas DataFrame")
    assert "select one value" in raised.value.message


@pytest.mark.parametrize(
    "got, expected, words",
    [
        ("14", 14, "without quotes"),
        (pd.Series([1, 2]), 3, "select one value"),
        (pd.DataFrame({"a": [1]}), pd.Series([1]), "select one column"),
        (pd.Series([1]), pd.DataFrame({"a": [1]}), ".to_frame()"),
        ("FEVIMTRA", len, "def name"),
        (True, 1, "True and False are not numbers"),
        (float("nan"), 1.0, "not finite"),
        (b"abc", "abc", "bytes"),
        ("x" * 20_000, "abc", "20,000 characters"),
        ("🙂", "abc", "no letters"),
        (["a", "b"], [2004, 2005], "Item 1"),
    ],
)
def test_type_mismatches_explain_themselves(got, expected, words):
    """Each kind of mismatch raises InputError whose message says what to do."""
    with pytest.raises(InputError) as raised:
        compare(got, expected)
    assert words in raised.value.message


def test_text_compares_ignoring_case_and_accents():
    """Text answers are compared after normalisation."""
    assert compare("yucatán", "Yucatan") is None
    assert compare("Puebla", "Yucatan") == messages.message("compare.text_differs")


def test_lists_compare_in_order_or_not():
    """Ordered lists must match position by position; unordered ones as collections."""
    assert compare([1, 2, 3], [1, 2, 3]) is None
    assert "Item 1" in compare([2, 1, 3], [1, 2, 3])
    assert compare([3, 1, 2], [1, 2, 3], ordered=False) is None
    assert compare({3, 1, 2}, [1, 2, 3], ordered=False) is None
    assert compare(pd.Series([3, 2, 1]), [1, 2, 3], ordered=False) is None
    assert "3 items" in compare([1, 2], [1, 2, 3]) or "has 3" in compare([1, 2], [1, 2, 3])
    assert "1 of your 3" in compare([1, 2, 4], [1, 2, 3], ordered=False)
    assert compare([1.0, 2.04], [1, 2], tolerance=0.05) is None


def test_dictionaries_compare_by_key():
    """Dictionaries must have the same keys and equal values; the message names the key."""
    assert compare({"a": 1, "b": 2.0}, {"b": 2, "a": 1}) is None
    assert "Missing: 'b'" in compare({"a": 1}, {"a": 1, "b": 2})
    assert "'b'" in compare({"a": 1, "b": 3}, {"a": 1, "b": 2})


def test_series_compare_by_labels_or_values():
    """A Series matches by label (in any order when unordered) or, ignoring the index, by values."""
    expected = pd.Series([4, 10], index=["federal", "state"])
    assert compare(pd.Series([10, 4], index=["state", "federal"]), expected, ordered=False) is None
    assert compare(pd.Series([10, 4], index=["state", "federal"]), expected) == messages.message(
        "compare.index_differs"
    )
    assert compare(pd.Series([4, 10], index=["x", "y"]), expected, ignore_index=True) is None
    assert compare(pd.Series([4, 11], index=["federal", "state"]), expected) == messages.message(
        "compare.values_differ"
    )
    assert (
        compare(pd.Series([4.04, 10], index=["federal", "state"]), expected, tolerance=0.05) is None
    )


def test_dataframes_compare_columns_rows_and_values():
    """DataFrames: columns by name, rows in any order when told, values with tolerance."""
    expected = pd.DataFrame({"agency": ["FEVIMTRA", "INM"], "victims": [89, 29]})
    shuffled = pd.DataFrame({"victims": [29, 89], "agency": ["INM", "FEVIMTRA"]}, index=[7, 3])
    assert compare(shuffled, expected, ordered=False, ignore_index=True) is None
    assert compare(shuffled, expected) is not None
    assert "'victims'" in compare(expected[["agency"]], expected)
    assert "'year'" in compare(expected.assign(year=2011), expected)
    assert "rows" in compare(expected.head(1), expected)
    assert compare(expected.assign(victims=[88.99, 29]), expected, tolerance=0.05) is None
    assert compare(expected.assign(victims=[88, 29]), expected) == messages.message(
        "compare.values_differ"
    )


def test_a_repeated_column_is_an_extra_column():
    """A column named twice is reported, not half compared: its second copy may be wrong."""
    expected = pd.DataFrame({"agency": ["FEVIMTRA", "INM"], "victims": [89, 29]})
    repeated = pd.concat([expected, pd.DataFrame({"victims": [0, 0]})], axis=1)
    assert compare(repeated, expected) == messages.message(
        "compare.columns_extra", names="'victims'"
    )


def test_messages_follow_the_chosen_language():
    """In Spanish, the mismatch explanation is in Spanish."""
    messages.set_language("es")
    with pytest.raises(InputError) as raised:
        compare(pd.DataFrame({"a": [1]}), 1)
    assert raised.value.message.startswith("Se esperaba un número")


def test_unordered_items_pair_up_within_the_tolerance():
    """Each item finds its own partner: 1.05 goes with 1.1 so that 0.9 can go with 1.0."""
    assert compare([1.05, 0.9], [1.0, 1.1], tolerance=0.1, ordered=False) is None
    assert compare({1.05, 0.9}, [1.0, 1.1], tolerance=0.1, ordered=False) is None
    assert "1 of your 2" in compare([1.05, 1.3], [1.0, 1.1], tolerance=0.1, ordered=False)


def test_unordered_rows_pair_up_within_the_tolerance():
    """DataFrame rows in any order match when a one-to-one pairing within the tolerance exists."""
    expected = pd.DataFrame({"share": [1.0, 1.0], "agency": ["INM", "PGR"]})
    got = pd.DataFrame({"share": [0.95, 1.04], "agency": ["PGR", "INM"]})
    assert compare(got, expected, tolerance=0.1, ordered=False, ignore_index=True) is None
    wrong = got.assign(agency=["PGR", "PGR"])
    assert compare(wrong, expected, tolerance=0.1, ordered=False, ignore_index=True) == (
        messages.message("compare.values_differ")
    )
