"""``numeric``: a number or text such as ``"1,000"``, within the question's ``tolerance``
(absolute) or ``relative_tolerance`` (a share of the answer). A percentage such as ``"92.5%"``
only where the question's unit is percent."""

from __future__ import annotations

from typing import Any, ClassVar

from ...report.messages import message, name_of
from ..compare import InputError, check_length, is_percent, numbers_match, parse_number
from ..outcome import Outcome
from ._base import Form, QuestionType, right, wrong

__all__ = ["Numeric", "unit_words"]


def unit_words(unit: str) -> str:
    """A unit as the learner's language names it: the course's units have messages
    (``question.unit.years``); an instructor's own unit stands as the bank writes it."""
    return name_of("question.unit", unit or "number")


class Numeric(QuestionType):
    """A number, with a tolerance and feedback for ranges of wrong numbers."""

    name: ClassVar[str] = "numeric"
    widget: ClassVar[str] = "textbox"
    lms: ClassVar[str] = "numerical"

    def parse(self, answer: Any, form: Form) -> float:
        if isinstance(answer, str):
            check_length(answer)
        number = parse_number(answer)
        if is_percent(answer) and form.unit != "percent":
            raise InputError("question.percent_not_asked", unit=unit_words(form.unit))
        return number

    def check_bank(self, bank_file: Any, item: dict[str, Any], options: tuple) -> tuple:
        """No range of wrong numbers may hold the answer."""
        answer = item["answer"]
        for found in item.get("ranges", []):
            if found["min"] <= answer <= found["max"]:
                raise bank_file.error(
                    item,
                    "ranges",
                    message(
                        "question.bank.range_holds_answer",
                        low=float(found["min"]),
                        high=float(found["max"]),
                    ),
                    message("question.bank.range_holds_answer_fix"),
                )
        return options, answer

    def handout_form(self, question: Any) -> Form:
        """Only whether the unit is percent changes what is well formed."""
        return Form(unit="percent" if question.unit == "percent" else "")

    def score(self, question: Any, parsed: float) -> Outcome:
        tolerances = (question.tolerance, question.relative_tolerance)
        if numbers_match(parsed, float(question.answer), *tolerances):
            return right(question)
        for found in question.ranges:
            if found.low <= parsed <= found.high:
                return wrong(found.feedback)
        return wrong(question.wrong_feedback)
