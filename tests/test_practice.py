"""A practice question as the website's checker reads it (views/_practice.py): everything its
type needs and nothing of a sealed item; the words and Unicode facts checker.js carries.
tests/browser/test_checker_parity.py runs checker.js itself against the engine."""

from __future__ import annotations

import json
import re
import string
from dataclasses import replace
from pathlib import Path

import pytest

import tipcourse
from tipcourse.engine.banks import Sealed
from tipcourse.engine.types._base import UnknownQuestionTypeError
from tipcourse.engine.types._registry import QUESTION_TYPES
from tipcourse.report._text import one_line
from tipcourse.report.messages import catalogue, in_language
from tipcourse.views import _practice
from tipcourse.views._practice import CHECKER_WORDS, checker_words, practice_item, unicode_tables
from tipcourse.views._wording import instruction

CHECKER = Path(_practice.__file__).with_name("checker.js")
SOURCE = CHECKER.read_text("utf-8")
COMMON = {"id", "type", "input", "how", "explanation"}
#: What checker.js reads of an item of each type, beside COMMON.
NEEDS = {
    "single": {"letters", "answer", "feedback"},
    "multiple": {"letters", "answer", "feedback"},
    "order": {"letters", "answer", "feedback"},
    "truefalse": {"answer", "wrong_feedback"},
    "numeric": {
        "answer",
        "tolerance",
        "relative_tolerance",
        "unit",
        "unit_words",
        "ranges",
        "wrong_feedback",
    },
    "text": {"accepted", "wrong_forms", "wrong_feedback"},
}


def test_every_registered_type_has_an_export_and_a_checker():
    """One entry per type in FIELDS and in checker.js's TYPES; an unknown type is an error."""
    assert set(_practice.FIELDS) == set(QUESTION_TYPES) == set(NEEDS)
    types = SOURCE[
        SOURCE.index("const TYPES = {") : SOURCE.index("\n};\n", SOURCE.index("const TYPES"))
    ]
    assert set(re.findall(r"^  (\w+): \{$", types, re.MULTILINE)) == set(QUESTION_TYPES)
    question = tipcourse.questions()[0]
    with pytest.raises(UnknownQuestionTypeError, match="practice_item"):
        practice_item(replace(question, type="essay"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_practice_item_has_what_its_type_needs(language):
    """Every question's item has exactly its type's fields, with the values the engine scores
    with (feedback on one line, text forms normalised), as JSON."""
    with in_language(language):
        for question in tipcourse.questions():
            item = practice_item(question)
            assert set(item) == COMMON | NEEDS[question.type], question.id
            assert json.loads(json.dumps(item, allow_nan=False)) == item
            assert item["how"] == instruction(question)
            assert item["explanation"] == question.explanation.strip()
            assert item["input"] == question.question_type.widget
            if "letters" in item:
                assert item["letters"] == "".join(option.key for option in question.options)
                for option in question.options:
                    assert item["feedback"][option.key] == one_line(option.feedback)
                keys = question.question_type.right_keys(question)
                assert item["answer"] == (keys[0] if question.type == "single" else keys)
            if question.type == "text":
                assert set(item["accepted"]) == question.accepted_forms
                assert item["wrong_forms"] == {
                    form: one_line(text) for form, text in question.wrong_forms.items()
                }
            if question.type == "numeric":
                assert item["answer"] == float(question.answer)
                assert [found[:2] for found in item["ranges"]] == [
                    [found.low, found.high] for found in question.ranges
                ]


def test_a_sealed_question_is_never_exported():
    """A question sealed for grading raises rather than give its key to a page."""
    question = tipcourse.questions()[0]
    with pytest.raises(Sealed):
        practice_item(replace(question, sealed=True))


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_checker_words_are_the_ones_checker_js_uses(language):
    """The keys checker.js names (and the outcome labels it builds), each in the language with
    English where it has none, in the str.format fields checker.js can fill in."""
    named = set(re.findall(r'"((?:question|compare|outcome)\.[\w.]+)"', SOURCE))
    labels = {key for key in CHECKER_WORDS if key.startswith("outcome.label.")}
    assert named | labels == set(CHECKER_WORDS)
    with in_language(language):
        words = checker_words()
    assert list(words) == list(CHECKER_WORDS)
    for key, template in words.items():
        assert template == (catalogue(language).get(key) or catalogue("en")[key])
        for _, name, spec, conversion in string.Formatter().parse(template):
            assert name is None or (spec in ("", ",", ".0%") and conversion is None), (key, spec)


def test_checker_js_carries_the_unicode_tables_of_this_python():
    """The constants checker.js takes from unicodedata are the ones this Python has."""
    for name, value in unicode_tables().items():
        line = f'const {name} = "{value}";'
        assert line in SOURCE, f"checker.js is out of date: set this line in {CHECKER}:\n{line}"
