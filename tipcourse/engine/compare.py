"""Compare a learner's answer with the expected one, sensibly and without revealing it.

Used by numeric and text questions and by code exercises: text normalisation (case, accents,
spacing), numbers read from what learners type ("1,000", "92.5%", " 14 "), float tolerance,
lists, dictionaries, pandas Series and DataFrames, and plain-language explanations of a type
mismatch. pandas is never imported here: a pandas object is recognised by its type's module.

Two outcomes besides "equal": :class:`InputError` (raised) means the value cannot be compared at
all — the wrong kind of thing — and a returned message means it is the right kind but differs.
Neither message contains the expected value.
"""

from __future__ import annotations

import decimal
import math
import numbers
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sized
from typing import Any, cast

from ..report._text import number_from_words
from ..report.messages import message
from ._matching import matched_count

__all__ = [
    "MAX_TEXT_LENGTH",
    "InputError",
    "compare",
    "describe",
    "is_unanswered",
    "kind_of",
    "normalise_text",
    "numbers_match",
    "parse_number",
]

#: Longer text than this is not an answer to anything in the course.
MAX_TEXT_LENGTH = 10_000
#: A number typed as text is never longer than this.
MAX_NUMBER_LENGTH = 100

_DASHES = dict.fromkeys(map(ord, "-‐‑‒–—―_/"), " ")
_EDGE_PUNCTUATION = " .,;:!?¿¡\"'“”‘’()[]{}«»"
# Digits (with commas by thousands), a decimal part, or both; then an exponent. "e5" alone is no
# number: float() refuses it.
_PLAIN_NUMBER = re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d+)?|\.\d+)([eE][+-]?\d+)?")


class InputError(ValueError):
    """The value cannot be compared: its ``message`` says why and what to do."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(message(key, **values))

    @property
    def message(self) -> str:
        """The explanation in the current language."""
        return message(self.key, **self.values)


def is_unanswered(value: object) -> bool:
    """None, ``...`` and blank text all mean "not answered yet"."""
    return value is None or value is Ellipsis or (isinstance(value, str) and not value.strip())


def normalise_text(text: str) -> str:
    """Fold case, accents, dashes and spacing, and trim punctuation at the ends.

    ``normalise_text(" Yucatán ") == normalise_text("yucatan") == "yucatan"``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = bare.casefold().translate(_DASHES).split()
    return " ".join(words).strip(_EDGE_PUNCTUATION)


def check_length(text: str) -> None:
    """Raise InputError for text far longer than any answer."""
    if len(text) > MAX_TEXT_LENGTH:
        raise InputError("compare.too_long", length=len(text))


def short(value: object, width: int = 40) -> str:
    """A short printable form of what the learner gave, for messages."""
    try:
        shown = repr(value)
    except Exception:  # a learner's object whose repr fails must not break the message
        shown = f"<{type(value).__name__}>"
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def _is_bool(value: object) -> bool:
    # NumPy's booleans are not bool subclasses; they are recognised by name and dtype.
    return isinstance(value, bool) or (
        type(value).__name__ in ("bool_", "bool") and hasattr(value, "dtype")
    )


def _is_number(value: object) -> bool:
    return isinstance(value, (numbers.Real, decimal.Decimal)) and not _is_bool(value)


def finite(value: Any) -> float:
    """``value`` as a finite float, or InputError (NaN, infinity, an int too large for a float)."""
    try:
        number = float(value)
    except (OverflowError, ValueError, decimal.InvalidOperation):
        number = math.inf
    if not math.isfinite(number):
        raise InputError("compare.not_finite", value=short(value))
    return number


def _pandas_kind(value: object) -> str | None:
    module = type(value).__module__ or ""
    if module.startswith("pandas"):
        name = type(value).__name__
        if name in ("DataFrame", "Series"):
            return name.lower()
    return None


def kind_of(value: object) -> str:
    """The kind of a value as the course names it: number, text, bool, list, dataframe, ..."""
    if value is None:
        return "none"
    if _is_bool(value):
        return "bool"
    if _is_number(value):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (bytes, bytearray)):
        return "bytes"
    pandas_kind = _pandas_kind(value)
    if pandas_kind:
        return pandas_kind
    if type(value).__name__ == "ndarray":
        return "array"
    if isinstance(value, list):
        return "list"
    if isinstance(value, tuple):
        return "tuple"
    if isinstance(value, (set, frozenset)):
        return "set"
    if isinstance(value, Mapping):
        return "dict"
    if callable(value):
        return "function"
    return "other"


def describe(value: object) -> str:
    """What a value is, in words: "a number", "a pandas DataFrame", "a list (length 3)"."""
    kind = kind_of(value)
    if kind == "other":
        return message("compare.kind.other", name=type(value).__name__)
    if kind in ("list", "tuple", "set", "dict"):
        return message(f"compare.kind.{kind}", count=len(cast(Sized, value)))
    return message(f"compare.kind.{kind}")


def parse_number(value: object) -> float:
    """A finite number from what a learner gave: 14, 14.0, " 14 ", "1,000", "92.5%", "$313,000".

    A trailing "%" is dropped (92.5% reads as 92.5); number words such as "fourteen" or
    "$4.2 million" are read as the report writes them. Raises :class:`InputError` otherwise.
    """
    if _is_bool(value):
        raise InputError("compare.bool_not_number")
    if _is_number(value):
        return finite(value)
    if isinstance(value, str):
        return finite(_number_from_text(value))
    if isinstance(value, (bytes, bytearray)):
        raise InputError("compare.bytes")
    raise mismatch(0.0, value)


def is_percent(text: object) -> bool:
    """Whether a typed answer ends with a percent sign."""
    return isinstance(text, str) and text.strip().endswith("%")


def _number_from_text(text: str) -> float:
    if len(text) > MAX_NUMBER_LENGTH:
        raise InputError("compare.too_long", length=len(text))
    cleaned = text.strip().removesuffix("%").strip()
    cleaned = re.sub(r"^(US\$|USD|\$)\s*", "", cleaned, flags=re.IGNORECASE).replace("\u00a0", " ")
    if _PLAIN_NUMBER.fullmatch(cleaned):
        return float(cleaned.replace(",", ""))
    try:
        return float(number_from_words(cleaned))
    except ValueError:
        raise InputError("compare.not_a_number", given=short(text)) from None


def numbers_match(
    got: float, expected: float, tolerance: float = 0.0, relative_tolerance: float = 0.0
) -> bool:
    """Whether ``got`` is within the absolute or the relative tolerance of ``expected``.

    A margin for floating-point rounding is always added, so 0.1 + 0.2 matches 0.3 and 37.8 is
    within 0.1 of 37.9.
    """
    rounding = 1e-9 * max(1.0, abs(expected))
    return abs(got - expected) <= max(tolerance, relative_tolerance * abs(expected)) + rounding


_TIPS = {
    ("number", "dataframe"): "compare.tip.select_one",
    ("number", "series"): "compare.tip.select_one",
    ("number", "list"): "compare.tip.select_one",
    ("number", "tuple"): "compare.tip.select_one",
    ("number", "array"): "compare.tip.select_one",
    ("number", "text"): "compare.tip.unquote",
    ("number", "function"): "compare.tip.call",
    ("series", "dataframe"): "compare.tip.one_column",
    ("dataframe", "series"): "compare.tip.to_frame",
    ("list", "dataframe"): "compare.tip.one_column",
    ("list", "text"): "compare.tip.make_list",
    ("function", "text"): "compare.tip.function",
    ("function", "number"): "compare.tip.function",
    ("function", "none"): "compare.tip.function",
}


def mismatch_tip(expected_kind: str, got: object) -> str:
    """The end of a type-mismatch message: a suggestion where one helps, else a full stop."""
    key = _TIPS.get((expected_kind, kind_of(got)))
    return message(key) if key else "."


def mismatch(expected: object, got: object) -> InputError:
    """An InputError explaining that ``got`` is not the kind of value ``expected`` is."""
    expected_kind = kind_of(expected)
    return InputError(
        "compare.type_mismatch",
        expected=message(f"compare.expected.{expected_kind}", name=type(expected).__name__),
        got=describe(got),
        tip=mismatch_tip(expected_kind, got),
    )


# Which kinds of learner value can stand for which kind of expected value.
COMPATIBLE = {
    "number": {"number"},
    "text": {"text"},
    "bool": {"bool"},
    "list": {"list", "tuple", "array", "series", "set"},
    "tuple": {"list", "tuple", "array", "series", "set"},
    "set": {"list", "tuple", "array", "series", "set"},
    "array": {"list", "tuple", "array", "series"},
    "dict": {"dict", "series"},
    "series": {"series"},
    "dataframe": {"dataframe"},
    "none": {"none"},
}


def compare(
    got: Any,
    expected: Any,
    *,
    tolerance: float = 0.0,
    relative_tolerance: float = 0.0,
    ordered: bool = True,
    ignore_index: bool = False,
) -> str | None:
    """None when ``got`` equals ``expected``; otherwise a message saying how it differs.

    Raises :class:`InputError` when ``got`` is not the kind of value expected (a DataFrame for a
    number, text for a list, NaN, very long text). Numbers use the tolerances; text ignores
    case, accents and spacing; lists, sets, Series and DataFrame rows ignore order when
    ``ordered`` is false; ``ignore_index`` compares Series and DataFrames by values, not labels.
    """
    expected_kind, got_kind = kind_of(expected), kind_of(got)
    if got_kind == "text":
        check_length(got)
    if got_kind == "bytes":
        raise InputError("compare.bytes")
    if expected_kind == "number" and got_kind == "bool":
        raise InputError("compare.bool_not_number")
    if got_kind not in COMPATIBLE.get(expected_kind, {expected_kind}):
        raise mismatch(expected, got)
    settings = dict(
        tolerance=tolerance,
        relative_tolerance=relative_tolerance,
        ordered=ordered,
        ignore_index=ignore_index,
    )
    if expected_kind == "number":
        return _compare_numbers(got, expected, tolerance, relative_tolerance)
    if expected_kind == "text":
        if not any(char.isalnum() for char in got):
            raise InputError("compare.no_letters")
        same = normalise_text(got) == normalise_text(expected)
        return None if same else message("compare.text_differs")
    if expected_kind in ("list", "tuple", "set", "array"):
        return _compare_sequences(
            as_list(got), as_list(expected), settings, ordered and expected_kind != "set"
        )
    if expected_kind == "dict":
        return _compare_dicts(
            dict(got) if got_kind == "dict" else got.to_dict(), expected, settings
        )
    if expected_kind in ("series", "dataframe"):
        return _compare_tables(got, expected, settings)
    return None if got == expected else message("compare.value_differs")


def _compare_numbers(
    got: float, expected: float, tolerance: float, relative_tolerance: float
) -> str | None:
    got, expected = finite(got), float(expected)
    if numbers_match(got, expected, tolerance, relative_tolerance):
        return None
    # A share given as a percentage, or the other way round, is the commonest slip.
    if expected and (
        numbers_match(got, 100 * expected, 100 * tolerance, relative_tolerance)
        or numbers_match(100 * got, expected, tolerance, relative_tolerance)
    ):
        return message("compare.percent_or_fraction")
    return message("compare.number_differs")


def as_list(value: Any) -> list:
    if isinstance(value, (set, frozenset)):
        return list(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    return list(value)


def _compare_sequences(got: list, expected: list, settings: dict, ordered: bool) -> str | None:
    # First every item must be usable: text among numbers is a mismatch, not a miss. Items past
    # the answer's length are not inspected, so a huge list costs no more than a short one.
    kinds = {kind_of(item): item for item in expected}
    for position, mine in enumerate(got[: len(expected) + 1], start=1):
        partner = next(
            (item for kind, item in kinds.items() if kind_of(mine) in COMPATIBLE.get(kind, {kind})),
            None,
        )
        if expected:
            _compare_item(position, mine, expected[0] if partner is None else partner, settings)
    if len(got) != len(expected):
        return message("compare.length_differs", got=len(got), expected=len(expected))
    if ordered:
        for position, (mine, theirs) in enumerate(zip(got, expected, strict=True), start=1):
            if _compare_item(position, mine, theirs, settings):
                return message("compare.item_differs", position=position)
        return None
    strays = len(got) - matched_count(got, expected, lambda a, b: _equal(a, b, settings))
    return message("compare.items_not_in_answer", count=strays, total=len(got)) if strays else None


def _equal(mine: Any, theirs: Any, settings: dict) -> bool:
    try:
        return compare(mine, theirs, **settings) is None
    except InputError:  # items of another kind simply do not match
        return False


def _compare_item(position: int, mine: Any, theirs: Any, settings: dict) -> str | None:
    """Compare one item of a list; a problem with the item names its position."""
    try:
        return compare(mine, theirs, **settings)
    except InputError as error:
        raise InputError("compare.item_problem", position=position, problem=error.message) from None


def _compare_dicts(got: dict, expected: dict, settings: dict) -> str | None:
    missing = [key for key in expected if key not in got]
    extra = [key for key in got if key not in expected]
    if missing or extra:
        return message("compare.keys_differ", missing=_names(missing), extra=_names(extra))
    for key, theirs in expected.items():
        try:
            difference = compare(got[key], theirs, **settings)
        except InputError as error:
            raise InputError(
                "compare.entry_problem", entry=short(key), problem=error.message
            ) from None
        if difference:
            return message("compare.entry_differs", entry=short(key))
    return None


def _names(keys: list) -> str:
    return ", ".join(short(key) for key in keys) or "–"


def _compare_tables(got: Any, expected: Any, settings: dict) -> str | None:
    """Series or DataFrames: columns by name (any order), row labels, then values cell by cell.

    Cells are compared like everything else here (numbers with the tolerances, text ignoring
    case and accents), which is also much faster than pandas' assertion helpers on small tables.
    """
    if kind_of(expected) == "dataframe":
        missing = [column for column in expected.columns if column not in got.columns]
        extra = [column for column in got.columns if column not in expected.columns]
        repeated = got.columns[got.columns.duplicated()].unique()  # got[...] takes every copy
        extra += [column for column in repeated if column not in extra]
        if missing:
            return message("compare.columns_missing", names=_names(missing))
        if extra:
            return message("compare.columns_extra", names=_names(extra))
        got = got[list(expected.columns)]
    if len(got) != len(expected):
        return message("compare.rows_differ", got=len(got), expected=len(expected))
    with_labels = not settings["ignore_index"]
    got_rows, expected_rows = _rows(got, with_labels), _rows(expected, with_labels)
    if with_labels:
        got_labels = [row[0] for row in got_rows]
        expected_labels = [row[0] for row in expected_rows]
        same = (
            got_labels == expected_labels
            if settings["ordered"]
            else Counter(got_labels) == Counter(expected_labels)
        )
        if not same:
            return message("compare.index_differs")
    if settings["ordered"]:
        same = all(_same_row(a, b, settings) for a, b in zip(got_rows, expected_rows, strict=True))
    else:  # sorted rows usually pair up at once; a tolerance may need a proper matching
        by_key = zip(
            sorted(got_rows, key=_row_key), sorted(expected_rows, key=_row_key), strict=True
        )
        same = all(_same_row(a, b, settings) for a, b in by_key) or matched_count(
            got_rows, expected_rows, lambda a, b: _same_row(a, b, settings)
        ) == len(expected_rows)
    return None if same else message("compare.values_differ")


def _same_row(mine: tuple, theirs: tuple, settings: dict) -> bool:
    return all(_same_cell(a, b, settings) for a, b in zip(mine, theirs, strict=True))


def _rows(table: Any, with_labels: bool) -> list[tuple]:
    """A Series or DataFrame as plain row tuples, the row label first when it counts."""
    if kind_of(table) == "series":
        values = table.tolist()
        return (
            list(zip(table.index.tolist(), values, strict=True))
            if with_labels
            else [(value,) for value in values]
        )
    return list(table.itertuples(index=with_labels, name=None))


def _is_missing(value: Any) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return _is_number(value) and math.isnan(value)
    except (OverflowError, TypeError, ValueError):  # an int too large for a float is not missing
        return False


def _cell_key(value: Any) -> tuple:
    if _is_missing(value):
        return (2, "")
    if _is_number(value) or _is_bool(value):
        try:
            return (0, float(value))
        except OverflowError:
            return (0, math.inf)
    if isinstance(value, str):
        return (1, normalise_text(value))
    return (3, repr(value))


def _row_key(row: tuple) -> tuple:
    return tuple(_cell_key(value) for value in row)


def _same_cell(mine: Any, theirs: Any, settings: dict) -> bool:
    if _is_missing(mine) or _is_missing(theirs):
        return _is_missing(mine) and _is_missing(theirs)
    if _is_number(mine) and _is_number(theirs):
        try:
            mine, theirs = finite(mine), float(theirs)
        except InputError:
            return False
        return numbers_match(mine, theirs, settings["tolerance"], settings["relative_tolerance"])
    if isinstance(mine, str) and isinstance(theirs, str):
        return normalise_text(mine) == normalise_text(theirs)
    try:
        return bool(mine == theirs)
    except Exception:  # values whose comparison is ambiguous simply differ
        return False
