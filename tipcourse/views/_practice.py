"""A practice question as the data ``checker.js`` checks it with in a static page, exactly as
:meth:`~tipcourse.engine._questions.Question.evaluate` does in a widget: the key included (a
practice item's key is no secret; a sealed one is never exported), in the language in use.

Each question type has one entry in :data:`FIELDS` (what its checker reads) and one in
``checker.js``'s ``TYPES``; :func:`checker_words` is the catalogue the checker fills in, and
:func:`unicode_tables` the facts of Python's ``unicodedata`` that ``checker.js`` carries.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from ..engine.banks import Sealed
from ..engine.outcome import STATUSES
from ..engine.types._numeric import unit_words
from ..engine.types._registry import shape_handler
from ..report._text import one_line
from ..report.messages import template
from ._wording import instruction

__all__ = ["CHECKER_WORDS", "FIELDS", "checker_words", "practice_item", "unicode_tables"]

#: The messages ``checker.js`` fills in: every one the engine can give for what a view sends.
CHECKER_WORDS = (
    "question.unanswered",
    "question.incorrect",
    "question.partial",
    "question.order_partial",
    "question.unknown_option",
    "question.too_many_keys",
    "question.repeated_option",
    "question.order_incomplete",
    "question.percent_not_asked",
    "compare.too_long",
    "compare.no_letters",
    "compare.not_finite",
    "compare.not_a_number",
    "outcome.score",
    *(f"outcome.label.{status}" for status in STATUSES),
)


def _lettered(question: Any) -> dict[str, Any]:
    """Options answered by letter: the letters shown, the key and each option's feedback."""
    return {
        "letters": question.form.letters,
        "answer": question.answer if isinstance(question.answer, str) else list(question.answer),
        "feedback": {option.key: one_line(option.feedback) for option in question.options},
    }


def _truefalse(question: Any) -> dict[str, Any]:
    return {"answer": bool(question.answer), "wrong_feedback": one_line(question.wrong_feedback)}


def _numeric(question: Any) -> dict[str, Any]:
    return {
        "answer": float(question.answer),
        "tolerance": question.tolerance,
        "relative_tolerance": question.relative_tolerance,
        "unit": question.form.unit,
        "unit_words": unit_words(question.form.unit),
        "ranges": [[found.low, found.high, one_line(found.feedback)] for found in question.ranges],
        "wrong_feedback": one_line(question.wrong_feedback),
    }


def _text(question: Any) -> dict[str, Any]:
    """The accepted and the known wrong forms, already normalised as the checker compares."""
    return {
        "accepted": sorted(question.accepted_forms),
        "wrong_forms": {form: one_line(text) for form, text in question.wrong_forms.items()},
        "wrong_feedback": one_line(question.wrong_feedback),
    }


#: What ``checker.js`` reads of a question of each type, beside what every question gives.
FIELDS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "single": _lettered,
    "multiple": _lettered,
    "order": _lettered,
    "truefalse": _truefalse,
    "numeric": _numeric,
    "text": _text,
}


def practice_item(question: Any) -> dict[str, Any]:
    """What ``checker.js`` needs to check answers to ``question``, as JSON-able data, in the
    language in use; a sealed question (in a grading kernel) is :class:`Sealed`."""
    if question.sealed:
        raise Sealed()
    fields = shape_handler(FIELDS, question.type, "practice_item")
    return {
        "id": question.id,
        "type": question.type,
        "input": question.question_type.widget,
        "how": instruction(question),
        "explanation": question.explanation.strip(),
        **fields(question),
    }


def checker_words() -> dict[str, str]:
    """The templates of :data:`CHECKER_WORDS` in the language in use (English where it has
    none, as :func:`~tipcourse.report.messages.message` does)."""
    return {key: template(key) for key in CHECKER_WORDS}


def _runs(code_points: Iterable[int]) -> str:
    """Ascending code points as runs, "gap length" pairs in base 36 (``checker.js``'s ``runs``)."""
    pairs: list[list[int]] = []
    end = 0
    for code in code_points:
        if pairs and code == end:
            pairs[-1][1] += 1
        else:
            pairs.append([code - end, 1])
        end = code + 1
    return " ".join(_base36(number) for pair in pairs for number in pair)


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not number:
            return digits


def unicode_tables() -> dict[str, str]:
    """The constants ``checker.js`` takes from Python's ``unicodedata``, which JavaScript does
    not have: its version, the code points with a combining class (which ``normalise_text``
    drops) and the decimal digits (which ``float`` and ``\\d`` read)."""
    every = [chr(code) for code in range(sys.maxunicode + 1)]
    return {
        "UNIDATA_VERSION": unicodedata.unidata_version,
        "COMBINING_RUNS": _runs(ord(char) for char in every if unicodedata.combining(char)),
        "DECIMAL_RUNS": _runs(ord(char) for char in every if char.isdecimal()),
    }
