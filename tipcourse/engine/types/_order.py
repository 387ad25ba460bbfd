"""``order``: a list of every option letter in order (the bank must not list them in the
answer's order). Partial credit: the share of neighbouring pairs in the right order."""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

from ...report._text import one_line
from ...report.messages import message
from .. import outcome as outcomes
from ..compare import InputError
from ..outcome import Outcome
from ._base import Form, key_list, relabel_list, right
from ._lettered import LetteredType

__all__ = ["Order"]


class Order(LetteredType):
    """Every option, in the right order."""

    name: ClassVar[str] = "order"
    widget: ClassVar[str] = "order"
    lms: ClassVar[str] = "matching"
    every_option: ClassVar[bool] = True

    def parse(self, answer: Any, form: Form) -> list[str]:
        keys = key_list(answer, form.letters, sets=False)
        missing = [key for key in form.letters if key not in keys]
        if missing:
            raise InputError("question.order_incomplete", missing=", ".join(missing))
        return keys

    def score(self, question: Any, parsed: list[str]) -> Outcome:
        if parsed == list(question.answer):
            return right(question)
        rank = {key: position for position, key in enumerate(question.answer)}
        in_order = sum(rank[first] < rank[second] for first, second in itertools.pairwise(parsed))
        misplaced = next(
            key for key, expected in zip(parsed, question.answer, strict=True) if key != expected
        )
        feedback = next(option.feedback for option in question.options if option.key == misplaced)
        text = message(
            "question.order_partial",
            in_order=in_order,
            pairs=len(parsed) - 1,
            feedback=one_line(feedback),
        )
        return outcomes.partial(in_order / (len(parsed) - 1), text)

    def relabel(self, value: Any, letter: Any) -> Any:
        return relabel_list(value, letter)

    def check_answer_keys(self, bank_file: Any, item: dict, wanted: list, keys: list) -> None:
        if sorted(wanted) != sorted(keys):
            raise bank_file.error(
                item,
                "answer",
                message("question.bank.order_answer"),
                message("question.bank.order_answer_fix", keys=", ".join(keys)),
            )

    def check_listing(self, bank_file: Any, item: dict, wanted: list, keys: list) -> None:
        if wanted == keys:
            raise bank_file.error(
                item,
                "options",
                message("question.bank.order_listed_in_order"),
                message("question.bank.order_listed_in_order_fix"),
            )
