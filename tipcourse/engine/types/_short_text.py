"""``text``: a few words, compared ignoring case, accents, dashes and spacing ("Yucatán" =
"yucatan"), against the answer and its accepted variants."""

from __future__ import annotations

from typing import Any, ClassVar

from ..compare import InputError, normalise_text
from ..outcome import Outcome
from ._base import Form, QuestionType, not_text, right, wrong

__all__ = ["MAX_ANSWER_LENGTH", "ShortText"]

#: Short answers only: a few words.
MAX_ANSWER_LENGTH = 1_000


class ShortText(QuestionType):
    """A word or a few words."""

    name: ClassVar[str] = "text"
    widget: ClassVar[str] = "textbox"
    lms: ClassVar[str] = "shortanswer"

    def parse(self, answer: Any, form: Form) -> str:
        if not isinstance(answer, str):
            raise not_text(answer, "question.not_text")
        if len(answer) > MAX_ANSWER_LENGTH:
            raise InputError("compare.too_long", length=len(answer))
        if not any(char.isalnum() for char in answer):
            raise InputError("compare.no_letters")
        return normalise_text(answer)

    def score(self, question: Any, parsed: str) -> Outcome:
        if parsed in question.accepted_forms:
            return right(question)
        return wrong(question.wrong_forms.get(parsed, question.wrong_feedback))
