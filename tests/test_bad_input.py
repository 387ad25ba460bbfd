"""Whatever a learner passes to check(), it answers with an outcome, never a traceback."""

import decimal
import importlib
import math

import numpy as np
import pandas as pd
import pytest

import tipcourse
from tipcourse import Outcome

#: Each bad input a learner might pass, by name. None of them is a usable answer.
BAD_INPUTS = {
    "None": None,
    "empty text": "",
    "blank text": "   ",
    "Ellipsis": ...,
    "a dictionary": {"a": 1},
    "a DataFrame": pd.DataFrame({"convictions": [14]}),
    "a list for a single choice": ["a", "b"],
    "NaN": float("nan"),
    "numpy NaN": np.nan,
    "infinity": math.inf,
    "minus infinity": -math.inf,
    "a million characters": "x" * 1_000_000,
    "emoji": "🙂",
    "bytes": b"a",
    "an unknown option key": "zz",
    "a bool": True,
    "nested lists": [["a"], ["b"]],
    "a complex number": 1 + 2j,
    "a plain object": object(),
    "Decimal NaN": decimal.Decimal("NaN"),
    "an int too large for a float": 10**400,
}
UNANSWERED = {"None", "empty text", "blank text", "Ellipsis"}
# What the message must mention, so that it says what was wrong with the input.
MENTIONS = {"a million characters": "1,000,000", "bytes": "bytes", "a DataFrame": "DataFrame"}


def replacement(item, name):
    """The bad input to use for ``name`` against ``item``, or None where it would be a real answer.

    A list of keys is a real answer to multiple and order questions, so they get a list of unknown
    keys instead; True is a real answer to a true/false question; any word is a real (wrong) answer
    to a text question; a DataFrame is a real answer where a DataFrame is expected.
    """
    value = BAD_INPUTS[name]
    kind = getattr(item, "type", None)
    if name == "a list for a single choice" and kind in ("multiple", "order"):
        return ["zz", "yy"]
    if name == "a bool" and kind == "truefalse":
        return None
    if name == "an unknown option key" and kind == "text":
        return None
    if name == "a DataFrame" and isinstance(
        getattr(item, "expected", None) and item.expected(), pd.DataFrame
    ):
        return None
    return value


ITEMS = [*tipcourse.questions(), *tipcourse.exercises()]
CASES = [
    pytest.param(item, name, id=f"{item.id}-{name}")
    for item in ITEMS
    for name in BAD_INPUTS
    if name in UNANSWERED or replacement(item, name) is not None
]


@pytest.mark.parametrize("item, name", CASES)
def test_check_survives_bad_input(item, name, recorded_attempts):
    """check() returns an unanswered or invalid outcome with a message, records nothing, raises nothing."""
    value = BAD_INPUTS[name] if name in UNANSWERED else replacement(item, name)
    result = item.check(value)
    assert isinstance(result, Outcome)
    assert result.correct is None and result.score == 0.0
    assert result.status == ("unanswered" if name in UNANSWERED else "invalid"), result
    assert result.message.strip()
    assert MENTIONS.get(name, "") in result.message
    assert recorded_attempts == []


def test_every_bad_input_is_tried_on_every_item():
    """The exclusions are only the documented real answers, so the list is not quietly shortened."""
    skipped = {
        (item.id, name)
        for item in ITEMS
        for name in BAD_INPUTS
        if name not in UNANSWERED and replacement(item, name) is None
    }
    kinds = {getattr(item, "type", "exercise") for item in ITEMS}
    assert kinds >= {"single", "multiple", "truefalse", "numeric", "text", "order", "exercise"}
    assert all(name in ("a bool", "an unknown option key", "a DataFrame") for _, name in skipped)
    assert len(CASES) + len(skipped) == len(ITEMS) * len(BAD_INPUTS)


def test_a_million_characters_are_refused_before_they_are_read(monkeypatch):
    """A 1,000,000-character answer is refused by its length, before any normalising runs
    (benchmarks/bench_check.py measures how fast)."""
    engine = importlib.import_module(type(tipcourse.question("prosecution.q03")).__module__)

    def must_not_run(text):
        raise AssertionError("normalised a text that was already too long")

    monkeypatch.setattr(engine, "normalise_text", must_not_run)
    outcome = tipcourse.question("prosecution.q03").evaluate("Yucatan " * 125_000)
    assert outcome.status == "invalid" and "1000000" in outcome.message.replace(",", "")
