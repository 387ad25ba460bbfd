"""``multiple``: a list or set of letters, e.g. ``["a", "c"]`` or ``"a, c"``.

Partial credit: max(0, (right picks − wrong picks) / right options); correct only for exactly
the key.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ...report._text import one_line
from ...report.messages import message
from .. import outcome as outcomes
from ..outcome import Outcome
from ._base import Form, key_list, relabel_list, right
from ._lettered import LetteredType

__all__ = ["Multiple"]


class Multiple(LetteredType):
    """Every right option among those shown, and none of the wrong ones."""

    name: ClassVar[str] = "multiple"
    widget: ClassVar[str] = "checkboxes"
    lms: ClassVar[str] = "multiple_choice"
    counts_options: ClassVar[bool] = True

    def parse(self, answer: Any, form: Form) -> list[str]:
        return key_list(answer, form.letters)

    def score(self, question: Any, parsed: list[str]) -> Outcome:
        picks, rightful = set(parsed), set(question.answer)
        if picks == rightful:
            return right(question)
        found, wrong = len(picks & rightful), len(picks - rightful)
        feedback = " ".join(
            one_line(option.feedback)
            for option in question.options
            if option.key in picks - rightful
        )
        text = message(
            "question.partial",
            feedback=feedback + " " if feedback else "",
            found=found,
            total=len(rightful),
            wrong=wrong,
        )
        return outcomes.partial(max(0.0, (found - wrong) / len(rightful)), text)

    def relabel(self, value: Any, letter: Any) -> Any:
        return relabel_list(value, letter)

    def check_answer_keys(self, bank_file: Any, item: dict, wanted: list, keys: list) -> None:
        if set(wanted) == set(keys):
            raise bank_file.error(
                item,
                "options",
                message("question.bank.no_wrong_option"),
                message("question.bank.no_wrong_option_fix"),
            )
