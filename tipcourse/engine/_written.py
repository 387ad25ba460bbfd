"""Written work: open prompts that a learner answers in prose and an instructor grades by hand.

The bank lives in ``data/written/<section>.yaml`` (schema ``data/written/schema.json``): each
item has a prompt and a ``rubric`` of criteria with points, which add up to the item's points.
In the course a written item is formative (nothing checks it); in an assignment its answer cell
carries nbgrader's manual-grading metadata, ``tipcourse grade`` copies each learner's text into a
``-manual.csv`` file for the instructor to score, and ``--manual`` merges the scores back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from ..report._text import one_line
from ..report.messages import message
from .banks import Bank, BankError, BankFile

__all__ = ["Criterion", "Written", "WrittenBankError", "written", "written_items"]


class WrittenBankError(BankError):
    """A written-work file cannot be used: the message names the file, the item and the field."""


class UnknownWrittenError(KeyError):
    """No written item has that id."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Criterion:
    """One line of a rubric: what the grader looks for, and its points."""

    criterion: str
    points: float


@dataclass(frozen=True)
class Written:
    """A written item: its prompt, points and rubric."""

    id: str
    section: str
    prompt: str
    points: float
    rubric: tuple[Criterion, ...]
    source: Path
    hints: tuple[str, ...] = ()  # none: the feedback file names the rubric instead
    #: What kind of graded item this is (beside questions and exercises).
    kind: ClassVar[str] = "written"

    def rubric_markdown(self) -> str:
        """The rubric as a Markdown list, for the key and the feedback file."""
        return "\n".join(f"- {one_line(line.criterion)} ({line.points:g})" for line in self.rubric)


def _build(bank_file: BankFile, item: dict[str, Any]) -> Written:
    """A Written item from one schema-valid entry, once its rubric adds up."""
    total = sum(line["points"] for line in item["rubric"])
    if abs(total - item["points"]) > 1e-9:
        raise bank_file.error(
            item,
            "rubric",
            message("written.bank.rubric_total", total=f"{total:g}", points=f"{item['points']:g}"),
            message("written.bank.rubric_total_fix"),
        )
    rubric = tuple(
        Criterion(one_line(line["criterion"]), line["points"]) for line in item["rubric"]
    )
    return Written(
        item["id"], item["section"], item["prompt"].strip(), item["points"], rubric, bank_file.path
    )


def _sealed(item: Written) -> Written:
    """A grading kernel sees no rubric."""
    return replace(item, rubric=())


WRITTEN = Bank("written", "written", _build, WrittenBankError, UnknownWrittenError, _sealed)


def written_items(section: str | None = None) -> list[Written]:
    """Every written item of the course, or of one ``section``, in the order the report reads."""
    return WRITTEN.items(section)


def written(item_id: str) -> Written:
    """The written item with this id, e.g. ``prosecution.w01``."""
    return WRITTEN.find(item_id)
