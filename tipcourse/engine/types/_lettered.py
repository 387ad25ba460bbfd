"""What the question types answered with option letters share: the bank's checks of options and
answer, and the options relabeled a, b, c, ... by position."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from ...report.messages import message
from ._base import Option, QuestionType

__all__ = ["LetteredType"]


class LetteredType(QuestionType):
    """A type whose options are shown lettered a, b, c, ... and answered by letter."""

    lettered: ClassVar[bool] = True
    #: Whether the answer lists every option (an order), rather than the right ones.
    every_option: ClassVar[bool] = False

    def right_keys(self, question: Any) -> list[str]:
        """The letters of the right options."""
        return [question.answer] if isinstance(question.answer, str) else list(question.answer)

    def relabel(self, value: Any, letter: Callable[[Any], Any]) -> Any:
        """``value`` with each letter (or each letter of a list) passed through ``letter``."""
        if isinstance(value, (list, tuple, set)):
            return type(value)(letter(given) for given in value)
        return letter(value)

    def check_bank(self, bank_file: Any, item: dict[str, Any], options: tuple) -> tuple:
        """The answer names options; every option a learner can get wrong has feedback; the
        options are relabeled by position."""
        answer = item["answer"]
        keys = [option.key for option in options]
        wanted = [answer] if isinstance(answer, str) else list(answer)
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
        self.check_answer_keys(bank_file, item, wanted, keys)
        needs_feedback = keys if self.every_option else [key for key in keys if key not in wanted]
        for option in options:
            if option.key in needs_feedback and not option.feedback.strip():
                raise bank_file.error(
                    item,
                    f"options → {option.key} → feedback",
                    message("question.bank.feedback_missing", value=option.key),
                    message("question.bank.feedback_missing_fix"),
                )
        self.check_listing(bank_file, item, wanted, keys)
        return by_position(options, answer)

    def check_answer_keys(self, bank_file: Any, item: dict, wanted: list, keys: list) -> None:
        """Checks of the answer's letters against the options, for a type to add."""

    def check_listing(self, bank_file: Any, item: dict, wanted: list, keys: list) -> None:
        """Checks of the order the options are listed in, for a type to add."""


def by_position(options: tuple, answer: Any) -> tuple[tuple, Any]:
    """Options labeled a, b, c, ... in the order listed, and the answer in those labels."""
    letters = {option.key: chr(ord("a") + position) for position, option in enumerate(options)}
    relabeled = tuple(
        Option(letters[option.key], option.text, option.feedback, option.key) for option in options
    )
    if isinstance(answer, str):
        return relabeled, letters[answer]
    return relabeled, [letters[key] for key in answer]
