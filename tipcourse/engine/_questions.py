"""Questions about the report, checked in Python: the bank is data, this module is the engine.

The bank lives in ``data/questions/<section>.yaml``, one file per section, validated against
``data/questions/schema.json``. Options are shown in the order the bank lists them, to every
learner, labeled a, b, c, ... by position: the label a learner sees is the key ``check`` accepts.
The bank's own ``key`` is kept as ``Option.id``. A sealed question (in a grading kernel) has no key
and checks nothing. Each type (``single``, ``multiple``, ``truefalse``, ``numeric``, ``text``,
``order``) is one object in a module of its own (see :mod:`tipcourse.engine.types._base`), found in
:mod:`tipcourse.engine.types._registry` by the type's name: it reads, scores and describes the
answers of its kind.

``check`` never raises on a learner's input: unusable input gives an ``invalid`` outcome that
says what was wrong, and a wrong answer's message never contains the expected answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from ..report._text import one_line
from ..report.messages import message
from . import outcome as outcomes
from .banks import Bank, BankError, BankFile, Sealed
from .compare import InputError, is_unanswered, normalise_text
from .outcome import Outcome
from .session import Evidence, Hint, next_hint
from .types._base import Form, Option, QuestionType
from .types._registry import QUESTION_TYPES, question_type

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

TYPES = tuple(QUESTION_TYPES)
SKILLS = ("remember", "understand", "apply", "analyze", "evaluate")
#: What a question shows as in a notebook; :mod:`tipcourse.views.display` sets it to its ``show``.
display_hook: Callable[[Any], Any] | None = None


class QuestionBankError(BankError):
    """A question file cannot be used: the message names the file, the question id and the field."""


class UnknownQuestionError(KeyError):
    """No question has that id; the message says how to find the ids."""

    def __str__(self) -> str:
        return str(self.args[0])


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
    #: The course's translation of each evidence quote, where the course is shown in another
    #: language than the report's (the quotes themselves stay verbatim English).
    evidence_translation: tuple[str, ...] = ()
    sealed: bool = False  # in a grading kernel: no key, and no checking (see banks.grading)
    #: What kind of graded item this is (beside exercises and written work).
    kind: ClassVar[str] = "question"

    @functools.cached_property
    def question_type(self) -> QuestionType:
        """The object that reads, scores and describes answers of this question's type."""
        return question_type(self.type)

    @functools.cached_property
    def form(self) -> Form:
        """What an answer's form depends on (the letters shown, the unit), without the key."""
        return self.question_type.form(self)

    # -- presenting -------------------------------------------------------------------------

    def answer_code(self, answer: Any = ...) -> str:
        """The line a learner runs to answer without widgets; ``...`` stands for "your answer"."""
        if answer is ...:
            return f"tipcourse.question({self.id!r}).check(...)  # " + self.question_type.words(
                "question.replace"
            )
        return f"tipcourse.question({self.id!r}).check({answer!r})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        """A question shown in a notebook is the same as ``tipcourse.show(question)``."""
        if display_hook is None:
            return {"text/plain": repr(self)}
        return display_hook(self)._repr_mimebundle_(include, exclude)

    # -- checking ---------------------------------------------------------------------------

    def check(self, answer: Any, *, how: str | None = None) -> Outcome:
        """Check ``answer`` and record the attempt in the learner's progress when it is usable.

        ``how`` replaces the advice on how to answer in code (``.check("a")``) that follows a
        missing or badly formed answer: a widget says what to choose or type instead.
        """
        return outcomes.record(
            self.evaluate(answer, how=how), item_id=self.id, section=self.section, kind=self.kind
        )

    def evaluate(self, answer: Any, *, how: str | None = None) -> Outcome:
        """Check ``answer`` without recording anything. Never raises on a learner's input.

        The type's ``parse`` decides whether the input is usable, exactly as ``check_form``
        does; only a usable answer is scored against the key.
        """
        if self.sealed:
            return outcomes.invalid(str(Sealed()))
        kind = self.question_type
        how = kind.how() if how is None else how
        if is_unanswered(answer):
            return outcomes.unanswered(message("question.unanswered", how=how))
        try:
            parsed = kind.parse(answer, self.form)
        except InputError as error:
            return outcomes.invalid(f"{error.message} {how}")
        return kind.score(self, parsed)

    # -- help -------------------------------------------------------------------------------

    def hint(self) -> Hint:
        """The next hint: the first call gives hint 1, the next call hint 2, and so on."""
        return next_hint(self, "question.no_more_hints")

    def show_evidence(self) -> Evidence:
        """The report's sentences that support the answer, quoted with their section."""
        return Evidence(self)

    @functools.cached_property
    def accepted_forms(self) -> frozenset[str]:
        """The answer and its accepted variants, normalised."""
        return frozenset(normalise_text(text) for text in (self.answer, *self.accept))

    @functools.cached_property
    def wrong_forms(self) -> dict[str, str]:
        """Feedback by normalised wrong answer; the first listed wins."""
        forms: dict[str, str] = {}
        for wrong in self.wrong_answers:
            for text in wrong.answers:
                forms.setdefault(normalise_text(text), wrong.feedback)
        return forms


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
    options, answer = question_type(kind).check_bank(bank_file, item, options)
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
        answer=tuple(answer) if isinstance(answer, list) else answer,
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
        evidence_translation=tuple(
            one_line(quote) for quote in item.get("evidence_translation", ())
        ),
    )


def _sealed(item: Question) -> Question:
    """The question as a grading kernel has it: prompt and options, nothing of the key."""
    options = tuple(Option(option.key, option.text) for option in item.options)
    return replace(
        item,
        answer=None,
        hints=(),
        explanation="",
        evidence=(),
        options=options,
        wrong_feedback="",
        ranges=(),
        accept=(),
        wrong_answers=(),
        evidence_translation=(),
        sealed=True,
    )


QUESTIONS = Bank("question", "questions", _build, QuestionBankError, UnknownQuestionError, _sealed)


def questions(section: str | None = None) -> list[Question]:
    """Every question of the course, or of one ``section``, in the order the report reads."""
    return QUESTIONS.items(section)


def question(question_id: str) -> Question:
    """The question with this id, e.g. ``tipcourse.question("prosecution.q03")``."""
    return QUESTIONS.find(question_id)
