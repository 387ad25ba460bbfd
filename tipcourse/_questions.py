"""Questions about the report, checked in Python: the bank is data, this module is the engine.

The bank lives in ``data/questions/<section>.yaml``, one file per section, validated against
``data/questions/schema.json``. Options are shown in the order the bank lists them, to every
learner, labeled a, b, c, ... by position: the label a learner sees is the key ``check`` accepts.
The bank's own ``key`` is kept as ``Option.id``. A sealed question (in a grading kernel) has no
key and checks nothing. Types and their answers:

- ``single``: one option letter, e.g. ``"b"`` (case and spaces ignored).
- ``multiple``: a list or set of letters, e.g. ``["a", "c"]`` or ``"a, c"``. Partial credit:
  max(0, (right picks − wrong picks) / right options); correct only for exactly the key.
- ``truefalse``: ``True`` or ``False`` (or the text "true"/"false").
- ``numeric``: a number or text such as ``"1,000"``, ``"92.5%"``, within the question's
  ``tolerance`` (absolute) or ``relative_tolerance`` (a share of the answer).
- ``text``: a few words, compared ignoring case, accents, dashes and spacing ("Yucatán" =
  "yucatan"), against the answer and its accepted variants.
- ``order``: a list of every option letter in order (the bank must not list them in the
  answer's order). Partial credit: the share of neighbouring pairs in the right order.

``check`` never raises on a learner's input: unusable input gives an ``invalid`` outcome that
says what was wrong, and a wrong answer's message never contains the expected answer.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import outcome as outcomes
from ._text import one_line, typed_letter, typed_letters
from .banks import Bank, BankError, BankFile, Sealed
from .compare import (
    InputError,
    check_length,
    describe,
    is_percent,
    is_unanswered,
    kind_of,
    normalise_text,
    numbers_match,
    parse_number,
    short,
)
from .messages import message
from .outcome import Outcome

__all__ = [
    "SKILLS",
    "TYPES",
    "Option",
    "Question",
    "QuestionBankError",
    "UnknownQuestionError",
    "display_hook",
    "load_bank",
    "question",
    "questions",
]

TYPES = ("single", "multiple", "truefalse", "numeric", "text", "order")
SKILLS = ("remember", "understand", "apply", "analyze", "evaluate")
CHOICE_TYPES = ("single", "multiple", "order")
#: Short answers only: option keys, numbers and a few words.
MAX_ANSWER_LENGTH = 1_000
_TRUE = {"true", "t", "yes", "verdadero", "v", "si", "sí"}
_FALSE = {"false", "f", "no", "falso"}
#: What a question shows as in a notebook; :mod:`tipcourse.display` sets it to its ``show``.
display_hook: Callable[[Any], Any] | None = None


class QuestionBankError(BankError):
    """A question file cannot be used: the message names the file, the question id and the field."""


class UnknownQuestionError(KeyError):
    """No question has that id; the message says how to find the ids."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Option:
    """One choice: its ``key`` (the letter a learner sees and answers), ``text``, ``feedback``
    if chosen wrongly, and ``id``, the key the bank gave it."""

    key: str
    text: str
    feedback: str = ""
    id: str = ""


@dataclass(frozen=True)
class Range:
    """Feedback for a numeric answer between ``low`` and ``high`` (inclusive)."""

    low: float
    high: float
    feedback: str


@dataclass(frozen=True)
class WrongAnswer:
    """Feedback for typed answers that match one of ``answers`` (normalised)."""

    answers: tuple[str, ...]
    feedback: str


@dataclass(frozen=True)
class Question:
    """One question: its prompt, answer key, feedback and the evidence that supports it.

    Build questions with :func:`questions`, :func:`question` or :func:`load_bank`.
    """

    id: str
    section: str
    type: str
    prompt: str
    answer: Any
    points: float
    skill: str
    hints: tuple[str, ...]
    explanation: str
    evidence: tuple[str, ...]
    options: tuple[Option, ...] = ()
    wrong_feedback: str = ""
    tolerance: float = 0.0
    relative_tolerance: float = 0.0
    unit: str = ""
    ranges: tuple[Range, ...] = ()
    accept: tuple[str, ...] = ()
    wrong_answers: tuple[WrongAnswer, ...] = ()
    sealed: bool = False  # in a grading kernel: no key, and no checking (see banks.grading)

    # -- presenting -------------------------------------------------------------------------

    def answer_code(self, answer: Any = ...) -> str:
        """The line a learner runs to answer without widgets; ``...`` stands for "your answer"."""
        if answer is ...:
            return f"tipcourse.question({self.id!r}).check(...)  # " + message(
                f"question.replace.{self.type}"
            )
        return f"tipcourse.question({self.id!r}).check({answer!r})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        """A question shown in a notebook is the same as ``tipcourse.show(question)``."""
        if display_hook is None:
            return {"text/plain": repr(self)}
        return display_hook(self)._repr_mimebundle_(include, exclude)

    # -- checking ---------------------------------------------------------------------------

    def check(self, answer: Any) -> Outcome:
        """Check ``answer`` and record the attempt in the learner's progress when it is usable."""
        return outcomes.record(
            self.evaluate(answer), item_id=self.id, section=self.section, kind="question"
        )

    def evaluate(self, answer: Any) -> Outcome:
        """Check ``answer`` without recording anything. Never raises on a learner's input."""
        if self.sealed:
            return outcomes.invalid(str(Sealed()))
        if is_unanswered(answer):
            return outcomes.unanswered(message("question.unanswered", how=self._how()))
        try:
            return getattr(self, f"_evaluate_{self.type}")(answer)
        except InputError as error:
            return outcomes.invalid(f"{error.message} {self._how()}")

    def _how(self) -> str:
        return message(f"question.how.{self.type}")

    def _wrong(self, feedback: str) -> Outcome:
        return outcomes.incorrect(message("question.incorrect", feedback=one_line(feedback)))

    def _right(self) -> Outcome:
        return outcomes.correct(self.explanation.strip())

    def _key(self, value: Any) -> str:
        """One option key from what the learner gave, or InputError."""
        if isinstance(value, str):
            check_length(value)
            key = typed_letter(value)
            if key in self._keys():
                return key
            raise InputError(
                "question.unknown_option", given=short(value), keys=", ".join(self._keys())
            )
        if kind_of(value) in ("list", "tuple", "set", "array", "series", "dataframe", "dict"):
            raise InputError("question.not_one_option", got=describe(value))
        if isinstance(value, (bytes, bytearray)):
            raise InputError("compare.bytes")
        raise InputError("question.not_a_key", got=describe(value))

    def _keys(self) -> list[str]:
        return [option.key for option in self.options]

    def _key_list(self, answer: Any) -> list[str]:
        """Keys from a list, tuple or set of keys, or from text such as "a, c"."""
        if isinstance(answer, str):
            check_length(answer)
            items: list[Any] = typed_letters(answer)
        elif kind_of(answer) in ("list", "tuple", "set", "array"):
            if self.type == "order" and kind_of(answer) == "set":
                raise InputError("question.order_needs_list")
            if len(answer) > len(self.options) * 4:
                raise InputError(
                    "question.too_many_keys", count=len(answer), options=len(self.options)
                )
            items = list(answer)
        else:
            if isinstance(answer, (bytes, bytearray)):
                raise InputError("compare.bytes")
            raise InputError("question.not_a_key_list", got=describe(answer))
        if not items:
            raise InputError("question.empty_list")
        keys = []
        for item in items:
            if not isinstance(item, str):
                raise InputError("question.list_item_not_key", got=describe(item))
            key = self._key(item)
            if key in keys:
                raise InputError("question.repeated_option", given=short(key))
            keys.append(key)
        return keys

    def _evaluate_single(self, answer: Any) -> Outcome:
        key = self._key(answer)
        if key == self.answer:
            return self._right()
        return self._wrong(self._option(key).feedback)

    def _option(self, key: str) -> Option:
        return next(option for option in self.options if option.key == key)

    def _evaluate_multiple(self, answer: Any) -> Outcome:
        picks = set(self._key_list(answer))
        right = set(self.answer)
        if picks == right:
            return self._right()
        found, wrong = len(picks & right), len(picks - right)
        score = max(0.0, (found - wrong) / len(right))
        feedback = " ".join(
            one_line(self._option(key).feedback) for key in self._keys() if key in picks - right
        )
        text = message(
            "question.partial",
            feedback=feedback + " " if feedback else "",
            found=found,
            total=len(right),
            wrong=wrong,
        )
        return outcomes.partial(score, text)

    def _evaluate_truefalse(self, answer: Any) -> Outcome:
        if kind_of(answer) == "bool":
            value = bool(answer)
        elif isinstance(answer, str):
            check_length(answer)
            word = normalise_text(answer)
            if word not in _TRUE | _FALSE:
                raise InputError("question.not_true_false", given=short(answer))
            value = word in _TRUE
        else:
            if isinstance(answer, (bytes, bytearray)):
                raise InputError("compare.bytes")
            raise InputError("question.not_true_false_kind", got=describe(answer))
        return self._right() if value is self.answer else self._wrong(self.wrong_feedback)

    def _evaluate_numeric(self, answer: Any) -> Outcome:
        if isinstance(answer, str):
            check_length(answer)
        number = parse_number(answer)
        if is_percent(answer) and self.unit != "percent":
            raise InputError(
                "question.percent_not_asked", unit=self.unit or message("question.unit.number")
            )
        if numbers_match(number, float(self.answer), self.tolerance, self.relative_tolerance):
            return self._right()
        for found in self.ranges:
            if found.low <= number <= found.high:
                return self._wrong(found.feedback)
        return self._wrong(self.wrong_feedback)

    def _evaluate_text(self, answer: Any) -> Outcome:
        if not isinstance(answer, str):
            if isinstance(answer, (bytes, bytearray)):
                raise InputError("compare.bytes")
            raise InputError("question.not_text", got=describe(answer))
        if len(answer) > MAX_ANSWER_LENGTH:
            raise InputError("compare.too_long", length=len(answer))
        if not any(char.isalnum() for char in answer):
            raise InputError("compare.no_letters")
        given = normalise_text(answer)
        if given in self._accepted_forms:
            return self._right()
        return self._wrong(self._wrong_forms.get(given, self.wrong_feedback))

    @functools.cached_property
    def _accepted_forms(self) -> frozenset[str]:
        return frozenset(normalise_text(text) for text in (self.answer, *self.accept))

    @functools.cached_property
    def _wrong_forms(self) -> dict[str, str]:
        """Feedback by normalised wrong answer; the first listed wins."""
        forms: dict[str, str] = {}
        for wrong in self.wrong_answers:
            for text in wrong.answers:
                forms.setdefault(normalise_text(text), wrong.feedback)
        return forms

    def _evaluate_order(self, answer: Any) -> Outcome:
        keys = self._key_list(answer)
        missing = [key for key in self._keys() if key not in keys]
        if missing:
            raise InputError("question.order_incomplete", missing=", ".join(missing))
        if keys == list(self.answer):
            return self._right()
        rank = {key: position for position, key in enumerate(self.answer)}
        in_order = sum(rank[first] < rank[second] for first, second in itertools.pairwise(keys))
        pairs = len(keys) - 1
        misplaced = next(
            key for key, expected in zip(keys, self.answer, strict=True) if key != expected
        )
        text = message(
            "question.order_partial",
            in_order=in_order,
            pairs=pairs,
            feedback=one_line(self._option(misplaced).feedback),
        )
        return outcomes.partial(in_order / pairs, text)


# -- loading --------------------------------------------------------------------------------


def load_bank(folder: str | Path | None = None) -> dict[str, Question]:
    """All questions of a folder of YAML files (default: the course's), by id, in section order.

    The schema is the folder's ``schema.json``, else the course's. Raises QuestionBankError.
    """
    return QUESTIONS.load(folder)


def _build(bank_file: BankFile, item: dict[str, Any]) -> Question:
    """A Question from one schema-valid item, after the checks a schema cannot make."""
    kind = item["type"]
    options = tuple(
        Option(str(o["key"]), o["text"], o.get("feedback", "")) for o in item.get("options", [])
    )
    keys = [option.key for option in options]
    for option in options:
        if keys.count(option.key) > 1:
            raise bank_file.error(
                item,
                "options",
                message("question.bank.duplicate_key", value=option.key),
                message("question.bank.duplicate_key_fix"),
            )
    answer = item["answer"]
    if kind in CHOICE_TYPES:
        wanted = [answer] if kind == "single" else list(answer)
        unknown = [key for key in wanted if key not in keys]
        if unknown:
            raise bank_file.error(
                item,
                "answer",
                message(
                    "question.bank.answer_not_option",
                    value=", ".join(unknown),
                    keys=", ".join(keys),
                ),
                message("question.bank.answer_not_option_fix"),
            )
        if kind == "order" and sorted(wanted) != sorted(keys):
            raise bank_file.error(
                item,
                "answer",
                message("question.bank.order_answer"),
                message("question.bank.order_answer_fix", keys=", ".join(keys)),
            )
        if kind == "multiple" and set(wanted) == set(keys):
            raise bank_file.error(
                item,
                "options",
                message("question.bank.no_wrong_option"),
                message("question.bank.no_wrong_option_fix"),
            )
        needs_feedback = keys if kind == "order" else [key for key in keys if key not in wanted]
        for option in options:
            if option.key in needs_feedback and not option.feedback.strip():
                raise bank_file.error(
                    item,
                    f"options → {option.key} → feedback",
                    message("question.bank.feedback_missing", value=option.key),
                    message("question.bank.feedback_missing_fix"),
                )
        if kind == "order" and wanted == keys:
            raise bank_file.error(
                item,
                "options",
                message("question.bank.order_listed_in_order"),
                message("question.bank.order_listed_in_order_fix"),
            )
        options, answer = _by_position(options, answer)
    if kind == "truefalse":
        options = (
            Option("true", "True", "" if answer else item["wrong_feedback"]),
            Option("false", "False", item["wrong_feedback"] if answer else ""),
        )
    ranges = tuple(
        Range(float(r["min"]), float(r["max"]), r["feedback"]) for r in item.get("ranges", [])
    )
    for found in ranges:
        if found.low > found.high:
            raise bank_file.error(
                item,
                "ranges",
                message("question.bank.range_order", low=found.low, high=found.high),
                message("question.bank.range_order_fix"),
            )
        if kind == "numeric" and found.low <= answer <= found.high:
            raise bank_file.error(
                item,
                "ranges",
                message("question.bank.range_holds_answer", low=found.low, high=found.high),
                message("question.bank.range_holds_answer_fix"),
            )
    wrong_answers = tuple(
        WrongAnswer(tuple(w["answers"]), w["feedback"]) for w in item.get("wrong_answers", [])
    )
    accepted = {normalise_text(text) for text in (str(answer), *item.get("accept", []))}
    for wrong in wrong_answers:
        for text in wrong.answers:
            if normalise_text(text) in accepted:
                raise bank_file.error(
                    item,
                    "wrong_answers",
                    message("question.bank.wrong_is_accepted", value=text),
                    message("question.bank.wrong_is_accepted_fix"),
                )
    return Question(
        id=item["id"],
        section=item["section"],
        type=kind,
        prompt=item["prompt"].strip(),
        answer=tuple(answer) if kind in ("multiple", "order") else answer,
        points=item["points"],
        skill=item["skill"],
        hints=tuple(hint.strip() for hint in item["hints"]),
        explanation=item["explanation"].strip(),
        evidence=tuple(one_line(quote) for quote in item["evidence"]),
        options=options,
        wrong_feedback=item.get("wrong_feedback", ""),
        tolerance=float(item.get("tolerance", 0.0)),
        relative_tolerance=float(item.get("relative_tolerance", 0.0)),
        unit=item.get("unit", ""),
        ranges=ranges,
        accept=tuple(item.get("accept", [])),
        wrong_answers=wrong_answers,
    )


def _by_position(options: tuple[Option, ...], answer: Any) -> tuple[tuple[Option, ...], Any]:
    """Options labeled a, b, c, ... in the order listed, and the answer in those labels."""
    letters = {option.key: chr(ord("a") + position) for position, option in enumerate(options)}
    relabeled = tuple(
        Option(letters[option.key], option.text, option.feedback, option.key) for option in options
    )
    if isinstance(answer, str):
        return relabeled, letters[answer]
    return relabeled, [letters[key] for key in answer]


def _sealed(item: Question) -> Question:
    """The question as a grading kernel has it: prompt and options, nothing of the key."""
    options = tuple(Option(option.key, option.text) for option in item.options)
    return replace(item, answer=None, hints=(), explanation="", evidence=(), options=options,
                   wrong_feedback="", ranges=(), accept=(), wrong_answers=(), sealed=True)


QUESTIONS = Bank("question", "questions", _build, QuestionBankError, UnknownQuestionError,
                 _sealed)


def questions(section: str | None = None) -> list[Question]:
    """Every question of the course, or of one ``section``, in the order the report reads."""
    return QUESTIONS.items(section)


def question(question_id: str) -> Question:
    """The question with this id, e.g. ``tipcourse.question("prosecution.q03")``."""
    return QUESTIONS.find(question_id)
