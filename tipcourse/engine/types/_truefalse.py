"""``truefalse``: ``True`` or ``False``, or the text "true"/"false" (also "yes", "no",
"verdadero", "falso", ..., case and punctuation at the ends ignored)."""

from __future__ import annotations

from typing import Any, ClassVar

from ..compare import InputError, check_length, kind_of, normalise_text, short
from ..outcome import Outcome
from ._base import Form, Option, QuestionType, not_text, right, wrong

__all__ = ["TrueFalse"]

_TRUE = {"true", "t", "yes", "verdadero", "v", "si", "sí"}
_FALSE = {"false", "f", "no", "falso"}


class TrueFalse(QuestionType):
    """A statement that is true or false."""

    name: ClassVar[str] = "truefalse"
    widget: ClassVar[str] = "truefalse"
    lms: ClassVar[str] = "truefalse"

    def parse(self, answer: Any, form: Form) -> bool:
        if kind_of(answer) == "bool":
            return bool(answer)
        if isinstance(answer, str):
            check_length(answer)
            word = normalise_text(answer)
            if word not in _TRUE | _FALSE:
                raise InputError("question.not_true_false", given=short(answer))
            return word in _TRUE
        raise not_text(answer, "question.not_true_false_kind")

    def check_bank(self, bank_file: Any, item: dict[str, Any], options: tuple) -> tuple:
        """Two options, "true" and "false"; the wrong one carries the bank's feedback."""
        answer, feedback = item["answer"], item["wrong_feedback"]
        return (
            Option("true", "True", "" if answer else feedback),
            Option("false", "False", feedback if answer else ""),
        ), answer

    def score(self, question: Any, parsed: bool) -> Outcome:
        return right(question) if parsed is question.answer else wrong(question.wrong_feedback)
