"""An instructor's own items (``tipcourse assign --bank DIR``), graded like the course's.

``DIR`` holds ``questions/<section>.yaml`` and/or ``exercises/<section>.yaml`` in the published
schemas of the course's ``data/questions`` and ``data/exercises`` (copy a course item, give it an
id of your own, edit it). The items go into a student notebook of their own, written out as
static text — prompt, options, an answer cell with :func:`tipcourse.check_form` — so it works
with a package that has never heard of them. Nothing of the key reaches the student folder: the
right option, feedback, explanation, hints, solution and the argument lists of a function
exercise (hidden tests) stay in ``key/bank/``, which ``tipcourse grade --assignment`` reads.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine._exercises import EXERCISES, ExerciseBankError, exercises
from ..engine._questions import QUESTIONS, QuestionBankError, questions
from ..report.messages import message
from ..views._wording import points_text
from ..views.authoring import BEGIN, END, nbgrader_metadata
from ._cells import find_item, form_call, learner_cell, question_answer_cell, static_question

__all__ = [
    "NOTEBOOK",
    "PrivateBank",
    "PrivateBankError",
    "copy_bank",
    "load_private",
    "private_notebook",
]

#: The student notebook of an assignment's private items.
NOTEBOOK = "90-own-items.ipynb"
#: Where ``assign`` keeps the private bank, inside the assignment's folder.
KEPT = Path("key") / "bank"
KINDS = ("questions", "exercises")


class PrivateBankError(ValueError):
    """The instructor's bank cannot be used; the message names the file, the item and the field."""


@dataclass(frozen=True)
class PrivateBank:
    """An instructor's items, by id: questions first, then exercises, each in section order."""

    folder: Path
    items: dict[str, Any]

    def find(self, item_id: str) -> Any:
        """One of these items, or else the course's item with this id."""
        return self.items[item_id] if item_id in self.items else find_item(item_id)


def load_private(folder: Path) -> PrivateBank:
    """Load and check ``folder``; raises PrivateBankError with what to change."""
    if not folder.is_dir():
        raise PrivateBankError(message("private.no_folder", folder=folder))
    found = [
        kind for kind in KINDS if (folder / kind).is_dir() and any((folder / kind).glob("*.yaml"))
    ]
    if not found:
        raise PrivateBankError(message("private.empty", folder=folder))
    items: dict[str, Any] = {}
    course = {item.id for item in questions()} | {item.id for item in exercises()}
    for kind in found:
        try:
            loaded: dict[str, Any] = (QUESTIONS if kind == "questions" else EXERCISES).load(
                folder / kind
            )
        except (QuestionBankError, ExerciseBankError) as error:
            raise PrivateBankError(str(error)) from None
        for item_id, item in loaded.items():
            if item_id in course:
                raise PrivateBankError(
                    message(
                        "private.course_id", id=item_id, file=folder / kind / f"{item.section}.yaml"
                    )
                )
            if kind == "exercises":
                try:
                    item.expected()  # a solution that fails is the instructor's error, now
                except ExerciseBankError as error:
                    raise PrivateBankError(str(error)) from None
            items[item_id] = item
    return PrivateBank(folder, items)


def bank_files(folder: Path) -> tuple[tuple[str, str], ...]:
    """The YAML and schema files of a kept bank (``OUT/key/bank``), as (path, text) pairs."""
    if not folder.is_dir():
        raise PrivateBankError(message("private.no_folder", folder=folder))
    return tuple(
        (path.relative_to(folder).as_posix(), path.read_text("utf-8"))
        for path in sorted(folder.glob("*/*"))
        if path.suffix in (".yaml", ".json")
    )


@functools.lru_cache(maxsize=8)
def kept_bank(files: tuple[tuple[str, str], ...]) -> PrivateBank:
    """The private bank of :func:`bank_files`, loaded once per process (on a Dask worker too)."""
    folder = Path(tempfile.mkdtemp(prefix="tipcourse-bank-"))
    try:
        for name, text in files:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, "utf-8")
        return load_private(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def copy_bank(bank: PrivateBank, out: Path) -> list[Path]:
    """Copy the bank's YAML files (and schemas) into ``out/key/bank``; returns what was written."""
    written = []
    for kind in KINDS:
        source = bank.folder / kind
        for path in sorted(source.glob("*.yaml")) + sorted(source.glob("schema.json")):
            target = out / KEPT / kind / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            written.append(target)
    return written


def private_notebook(bank: PrivateBank, solutions: bool) -> Any:
    """The student (``solutions=False``) or key notebook of the private items, which look like
    the course's sealed items."""
    import nbformat

    cells = [
        nbformat.v4.new_markdown_cell(message("private.title")),
        nbformat.v4.new_markdown_cell(message("assign.sealed_note")),
        nbformat.v4.new_code_cell("import tipcourse"),
        learner_cell(),
    ]
    cells[2].metadata["tipcourse"] = {"role": "setup"}
    for item in bank.items.values():
        if item.kind == "question":
            cells += [
                nbformat.v4.new_markdown_cell(static_question(item)),
                question_answer_cell(item, solutions, True),
            ]
            continue
        points = points_text(item.points)
        prompt = f"### {message('private.exercise', id=item.id)} — {points}\n\n{item.prompt}"
        code = f"{BEGIN}\n{item.solution_code.strip()}\n{END}" if solutions else item.starter
        answer = nbformat.v4.new_code_cell(
            f"{code.rstrip()}\n\n{form_call(item.answer_name, item)}"
        )
        answer.metadata["tipcourse"] = {"exercise": item.id, "role": "answer"}
        answer.metadata["nbgrader"] = nbgrader_metadata(item.id, solution=True)
        cells += [nbformat.v4.new_markdown_cell(prompt), answer]
    for number, cell in enumerate(cells):
        cell.id = f"own-{number:03d}"
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["tipcourse"] = {
        "assignment": {"notebook": NOTEBOOK, "items": list(bank.items)}
    }
    notebook.cells = cells
    return notebook
