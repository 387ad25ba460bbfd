"""What a question type is: one object that parses, scores and describes answers of its kind.

Each type (``single``, ``multiple``, ...) is a subclass in a module of its own, registered in
:mod:`tipcourse.engine.types._registry` under the name the bank's schema uses. A type holds:

- ``parse(answer, form)``: whether an answer is usable and how it reads, knowing only the
  question's :class:`Form` (the letters shown, the unit), never its key. ``check_form`` and the
  grader (``Question.evaluate``) both call it, so they always agree on what is well formed.
- ``score(question, parsed)``: the :class:`~tipcourse.engine.outcome.Outcome` of a parsed answer.
- ``check_bank(...)``: the checks of a bank entry that its JSON Schema cannot make.
- what the views and exports need, as names of shared shapes: ``widget`` (the input a widget
  gives: ``radio``, ``truefalse``, ``checkboxes``, ``order``, ``textbox``), ``lms`` (the LMS
  question it becomes: ``single_choice``, ``multiple_choice``, ``truefalse``, ``numerical``,
  ``shortanswer``, ``matching``), ``lettered`` (answered with the option letters a, b, c, ...) and
  ``counts_options`` (item analysis counts each option chosen).

Its words are messages keyed by its name: ``question.how.<name>``, ``question.replace.<name>``,
``widget.instruction.<name>`` and ``form.what.<name>``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ...report._text import one_line, typed_letter, typed_letters
from ...report.messages import message
from .. import outcome as outcomes
from ..compare import InputError, check_length, describe, kind_of, short
from ..outcome import Outcome

__all__ = [
    "MESSAGES",
    "Form",
    "Option",
    "QuestionType",
    "UnknownQuestionTypeError",
    "key_list",
    "one_key",
    "relabel_list",
    "right",
    "wrong",
]

#: The messages every question type has, keyed by its name.
MESSAGES = ("question.how", "question.replace", "widget.instruction", "form.what")


class UnknownQuestionTypeError(LookupError):
    """A question type, or a shape of a view or an export, that no one has registered."""

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
class Form:
    """What an answer's form depends on, with nothing of the key: the option letters shown
    (``"abcd"``) and the unit asked for (``"percent"``)."""

    letters: str = ""
    unit: str = ""


class QuestionType(ABC):
    """One kind of question; a subclass sets the class variables and defines parse and score."""

    name: ClassVar[str]
    widget: ClassVar[str]
    lms: ClassVar[str]
    lettered: ClassVar[bool] = False
    counts_options: ClassVar[bool] = False

    def form(self, question: Any) -> Form:
        """The key-free facts ``parse`` needs to read an answer to ``question``."""
        letters = "".join(option.key for option in question.options) if self.lettered else ""
        return Form(letters, question.unit)

    def handout_form(self, question: Any) -> Form:
        """The part of :meth:`form` a handout's ``check_form`` line carries: what changes
        whether an answer is well formed, and nothing else."""
        return Form(self.form(question).letters)

    @abstractmethod
    def parse(self, answer: Any, form: Form) -> Any:
        """The answer as this type reads it (e.g. a list of letters), or InputError."""

    @abstractmethod
    def score(self, question: Any, parsed: Any) -> Outcome:
        """The outcome of a parsed answer."""

    def check_bank(self, bank_file: Any, item: dict[str, Any], options: tuple) -> tuple:
        """The checks of a bank entry a schema cannot make; the options and answer to keep."""
        return options, item["answer"]

    def right_keys(self, question: Any) -> list[str]:
        """The letters of the right options (lettered types)."""
        raise UnknownQuestionTypeError(message("question.type.not_lettered", type=self.name))

    def relabel(self, value: Any, letter: Callable[[Any], Any]) -> Any:
        """``value`` with each option letter passed through ``letter`` (lettered types)."""
        return value

    def how(self) -> str:
        """How to answer, said after a problem with the input."""
        return self.words("question.how")

    def words(self, prefix: str) -> str:
        """The type's own message under ``prefix``, e.g. ``widget.instruction.single``."""
        return message(f"{prefix}.{self.name}")


def right(question: Any) -> Outcome:
    """The outcome of a fully right answer: the question's explanation."""
    return outcomes.correct(question.explanation.strip())


def wrong(feedback: str) -> Outcome:
    """The outcome of a wrong answer, with the feedback that goes with it."""
    return outcomes.incorrect(message("question.incorrect", feedback=one_line(feedback)))


def not_text(answer: Any, key: str) -> InputError:
    """The InputError for an answer of the wrong kind: bytes have their own message."""
    if isinstance(answer, (bytes, bytearray)):
        return InputError("compare.bytes")
    return InputError(key, got=describe(answer))


def one_key(value: Any, letters: str) -> str:
    """One option letter from what the learner gave, or InputError."""
    if isinstance(value, str):
        check_length(value)
        key = typed_letter(value)
        if len(key) == 1 and key in letters:
            return key
        raise InputError("question.unknown_option", given=short(value), keys=", ".join(letters))
    if kind_of(value) in ("list", "tuple", "set", "array", "series", "dataframe", "dict"):
        raise InputError("question.not_one_option", got=describe(value))
    raise not_text(value, "question.not_a_key")


def key_list(answer: Any, letters: str, sets: bool = True) -> list[str]:
    """Letters from a list, tuple or set of letters (no set when ``sets`` is false) or from text
    such as "a, c"; each letter once."""
    if isinstance(answer, str):
        check_length(answer)
        items: list[Any] = typed_letters(answer)
    elif kind_of(answer) in ("list", "tuple", "set", "array"):
        if not sets and kind_of(answer) == "set":
            raise InputError("question.order_needs_list")
        if len(answer) > len(letters) * 4:
            raise InputError("question.too_many_keys", count=len(answer), options=len(letters))
        items = list(answer)
    else:
        raise not_text(answer, "question.not_a_key_list")
    if not items:
        raise InputError("question.empty_list")
    keys: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise InputError("question.list_item_not_key", got=describe(item))
        key = one_key(item, letters)
        if key in keys:
            raise InputError("question.repeated_option", given=short(key))
        keys.append(key)
    return keys


def relabel_list(value: Any, letter: Callable[[Any], Any]) -> Any:
    """A list answer (or text such as "a, c") with each letter relabeled."""
    if isinstance(value, str):
        value = typed_letters(value)
    if isinstance(value, (list, tuple, set)):
        return type(value)(letter(given) for given in value)
    return letter(value)
