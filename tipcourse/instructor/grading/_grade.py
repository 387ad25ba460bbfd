"""``tipcourse grade``: run submitted notebooks in fresh kernels and score them from outside.

Each submission runs in its own sandboxed kernel (:mod:`tipcourse.instructor.grading._kernel`); the
gradebook and the feedback files are written by :mod:`tipcourse.instructor.grading._gradebook`.

How answers get out of the kernel. An answer cell (``tipcourse.role == "answer"`` in its metadata)
sets one variable per item: the exercise's answer variable, or ``prosecution_q01`` for a question
(see :mod:`tipcourse.instructor._assign`). Right after such a cell runs, the grader sends its own
silent request: a snippet that encodes that variable's value as plain JSON (numbers, text, lists,
tables as columns; a function is called with the bank's argument lists in the kernel and only its
results travel) and hands the JSON back as a *user expression* in the shell reply, not as printed
output. Items never captured that way (a deleted or re-labeled cell) are captured once at the end.
The grader decodes the JSON into plain data in its own process and checks it with its own copy of
the question and exercise bank, loaded before any kernel starts.

Nothing the notebook prints, displays or checks itself is read: a monkeypatched ``tipcourse``,
a fake "Correct" or score, or a fake capture printed to the output cannot change a score, because
the only thing that crosses from the kernel is data that the grader's own code compares. The
worst a notebook can do is hand over a value — which is what answering means. Pickle is never
used: unpickling would run the notebook's code in the grader.

Statuses: ``ok`` (every cell ran), ``error`` (a cell raised, or the kernel died — what was
captured before still counts), ``timeout`` (the deadline passed; what was captured before still
counts), ``invalid`` (not a readable notebook, or no items to grade: score 0).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...engine import outcome
from ...engine._exercises import exercises
from ...engine._questions import questions
from ...report._text import one_line, typed_letter
from ...report.messages import message
from ...views.authoring import cell_meta
from .._cells import ManifestEntry, find_item, item_entry
from .._private import bank_files, kept_bank
from ._bwrap import choose
from ._folder import SubmissionFolder
from ._kernel import (
    MAX_MESSAGE_BYTES,
    Deadline,
    Died,
    Kernel,
    Missing,
    Oversize,
    Unreadable,
    capture,
    decode,
)
from ._submissions import MAX_SUBMISSION_BYTES, read_submission

__all__ = [
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIMEOUT",
    "MAX_SUBMISSION_BYTES",
    "Key",
    "Result",
    "as_lettered_now",
    "grade",
    "grade_one",
    "prepare",
]

DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 4096
LEARNER = "learner"
#: The label line a written answer cell starts with, e.g. "*Your reflection:*".
LABEL = re.compile(r"\*[^*]{1,60}:\*")


# -- the key ------------------------------------------------------------------------------------


@dataclass
class Key:
    """The instructor's key, in the grader's memory only: per notebook, the items to grade."""

    notebooks: dict[str, list[ManifestEntry]] = field(default_factory=dict)
    #: The instructor's own items (``assign --bank``): the files of key/bank, as text, so the
    #: key carries them wherever it goes (a Dask worker need not see the instructor's disk).
    bank: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_manifest(cls, path: Path) -> Key:
        """The key of an assignment written by ``tipcourse assign`` (its folder or manifest).

        Raises PrivateBankError when its private bank cannot be read.
        """
        path = path / "assignment.json" if path.is_dir() else path
        manifest = json.loads(path.read_text("utf-8"))
        bank = bank_files(path.parent / manifest["bank"]) if manifest.get("bank") else ()
        notebooks = {
            entry["notebook"]: [ManifestEntry.from_json(info) for info in entry["items"]]
            for entry in manifest["notebooks"]
        }
        key = cls(notebooks, bank)
        if bank:
            kept_bank(bank)  # read now, so a broken bank stops grading before any kernel starts
        return key

    def find(self, item_id: str) -> Any:
        """The grader's copy of an item: the instructor's own, or the course's."""
        return kept_bank(self.bank).find(item_id) if self.bank else find_item(item_id)

    def items_for(self, name: str, metadata: dict[str, Any]) -> list[ManifestEntry] | None:
        """The items of a submission: by its assignment metadata, its file name, or the only one."""
        claimed = metadata.get("notebook") if isinstance(metadata, dict) else None
        if claimed in self.notebooks:
            return self.notebooks[claimed]
        for notebook, items in self.notebooks.items():
            if Path(notebook).stem in name:
                return items
        if len(self.notebooks) == 1:
            return next(iter(self.notebooks.values()))
        return None


def _items_from_metadata(ids: Any) -> list[ManifestEntry]:
    """Items named by a submission's own metadata (used without --assignment)."""
    items = []
    for item_id in ids if isinstance(ids, list) else []:
        try:
            items.append(item_entry(find_item(str(item_id))))
        except KeyError:
            continue
    return items


# -- one submission -----------------------------------------------------------------------------


@dataclass
class Result:
    """One gradebook row and what the feedback file needs."""

    submission: str
    status: str
    learner: str = ""
    detail: str = ""
    items: list[ManifestEntry] = field(default_factory=list)
    outcomes: dict[str, Any] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)  # each item's first hint, for feedback
    answers: dict[str, Any] = field(default_factory=dict)  # as given: choice letters unmapped
    texts: dict[str, str] = field(default_factory=dict)  # written items: the learner's text
    manual: dict[str, float] = field(default_factory=dict)  # written items: scores given by hand
    modified: float = 0.0  # when the submission file was last changed (for --prefer latest)

    @property
    def points(self) -> dict[str, float]:
        points = {
            info.id: round(self.outcomes[info.id].score * info.points, 4)
            if info.id in self.outcomes
            else 0.0
            for info in self.items
        }
        return {**points, **{item: score for item, score in self.manual.items() if item in points}}

    @property
    def awaiting(self) -> list[str]:
        """The written items of this submission that still wait for a score given by hand."""
        return [
            info.id for info in self.items if info.kind == "written" and info.id not in self.manual
        ]

    @property
    def score(self) -> float:
        return round(sum(self.points.values()), 4)

    @property
    def max_score(self) -> float:
        return sum(info.points for info in self.items)


def _read(content: bytes) -> tuple[Any, str]:
    """The notebook in ``content``, or None and why it cannot be graded."""
    import nbformat

    try:
        text = content.decode("utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        return None, message("grade.detail.not_json", error=one_line(error, 80))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, message("grade.detail.not_notebook")
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises many kinds for a broken notebook
        return None, message("grade.detail.not_notebook_because", error=one_line(error, 80))
    return notebook, ""


def _cell_items(
    cell: Any, by_id: dict[str, ManifestEntry], learner: ManifestEntry
) -> list[ManifestEntry]:
    meta = cell_meta(cell)
    if meta.get("role") == "learner":
        return [learner]
    if meta.get("role") != "answer":
        return []
    item_id = meta.get("exercise") or meta.get("question")
    return [by_id[item_id]] if isinstance(item_id, str) and item_id in by_id else []


def _written_texts(notebook: Any, items: list[ManifestEntry]) -> dict[str, str]:
    """What the learner wrote for each written item: its answer cell without the label line."""
    wanted = {info.id for info in items if info.kind == "written"}
    texts: dict[str, str] = {}
    for cell in notebook.cells:
        meta = cell_meta(cell)
        if meta.get("role") != "written":
            continue
        if meta.get("written") in wanted:
            lines = cell.source.strip().splitlines()
            if lines and LABEL.fullmatch(lines[0].strip()):
                lines = lines[1:]
            texts[meta["written"]] = "\n".join(lines).strip()
    return texts


def _is_test(cell: Any) -> bool:
    """A key notebook's hidden-test cell, for nbgrader: the grader scores by its own key."""
    return cell_meta(cell).get("role") == "test"


def grade_one(
    path: Path,
    key: Key | None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    name: str | None = None,
    sandbox: str = "auto",
) -> Result:
    """Grade one submission; never raises for anything in the submission.

    ``sandbox``: "bwrap", "none" or "auto" (see :mod:`tipcourse.instructor.grading._bwrap`); raises
    SandboxError when "bwrap" cannot run here.
    """
    name = name or str(path)
    submission = read_submission(path)
    if submission.content is None:
        return Result(name, "invalid", detail=submission.problem, modified=submission.modified)
    jailed = choose(sandbox)[0]
    notebook, why = _read(submission.content)
    if notebook is None:
        return Result(name, "invalid", detail=why, modified=submission.modified)
    assignment = notebook.metadata.get("tipcourse", {})
    assignment = assignment.get("assignment", {}) if isinstance(assignment, dict) else {}
    items = (
        key.items_for(path.name, assignment)
        if key
        else _items_from_metadata(assignment.get("items") if isinstance(assignment, dict) else None)
    )
    if not items:
        return Result(name, "invalid", detail=message("grade.detail.no_items"))
    result = Result(
        name, "ok", items=items, texts=_written_texts(notebook, items), modified=submission.modified
    )
    find = _finder(key)
    calls = {
        info.id: [list(args) for args in find(info.id).calls]
        for info in items
        if info.kind == "exercise" and find(info.id) is not None and find(info.id).calls
    }
    captured: dict[str, Any] = {}
    errors: list[str] = []
    start = time.monotonic()
    try:
        _run(
            notebook,
            items,
            calls,
            captured,
            errors,
            SubmissionFolder.create,
            lambda folder: Kernel(folder, start + timeout, memory_mb, jailed),
        )
        if errors:
            result.status, result.detail = "error", "; ".join(errors)
    except Deadline:
        result.status = "timeout"
        result.detail = message("grade.detail.timeout", seconds=f"{timeout:g}")
    except Died:
        result.status = "error"
        result.detail = message("grade.detail.died", memory=memory_mb)
    except Oversize:  # dropped unread: what was captured before still counts
        result.status = "error"
        result.detail = message("grade.detail.oversize", megabytes=MAX_MESSAGE_BYTES >> 20)
    except Exception as error:  # the kernel could not start or talk: this row only
        result.status = "error"
        result.detail = message("grade.detail.kernel_failed", error=one_line(error, 80))
    _score(result, captured, find)
    return result


def _finder(key: Key | None) -> Callable[[str], Any]:
    """The grader's copy of an item by id, or None when its bank no longer has it."""

    def find(item_id: str) -> Any:
        try:
            return key.find(item_id) if key else find_item(item_id)
        except KeyError:
            return None

    return find


def _run(
    notebook: Any,
    items: list[ManifestEntry],
    calls: dict[str, list],
    captured: dict[str, Any],
    errors: list[str],
    make_folder: Callable[[], SubmissionFolder],
    make_kernel: Callable[[SubmissionFolder], Kernel],
) -> None:
    """Run the notebook's code cells in a fresh kernel in a fresh folder, capturing each answer
    right after its cell; the kernel is stopped and the folder removed whatever happens."""
    by_id = {info.id: info for info in items}
    learner = ManifestEntry(LEARNER, "learner", 0.0, LEARNER)  # the id the learner wrote
    folder = make_folder()
    try:
        with make_kernel(folder) as kernel:
            kernel.ready()
            for number, cell in enumerate(notebook.cells, 1):
                if cell.cell_type != "code" or not cell.source.strip() or _is_test(cell):
                    continue
                reply = kernel.request(cell.source)
                if reply.get("status") == "error" and len(errors) < 3:
                    errors.append(
                        message(
                            "grade.detail.cell_error",
                            cell=number,
                            error=one_line(reply.get("ename", ""), 40),
                        )
                    )
                wanted = _cell_items(cell, by_id, learner)
                if wanted:
                    captured.update(capture(kernel, wanted, calls))
            rest = [
                info
                for info in [*items, learner]
                if info.id not in captured and info.kind != "written"
            ]
            if rest:
                captured.update(capture(kernel, rest, calls))
    finally:
        folder.remove()


def _score(result: Result, captured: dict[str, Any], find: Callable[[str], Any]) -> None:
    """Check each captured value with the grader's own bank."""
    learner = captured.get(LEARNER)
    if isinstance(learner, str):
        result.learner = one_line("".join(char for char in learner if char.isprintable()), 80)
    for info in result.items:
        if info.kind == "written":
            continue  # graded by hand: see tipcourse.instructor.grading._manual
        item = find(info.id)
        if item is None:  # removed from the bank since assign: this item only, said so
            result.outcomes[info.id] = outcome.invalid(
                message("grade.detail.item_gone", item=info.id)
            )
            continue
        result.hints[info.id] = item.hints[0] if item.hints else ""
        try:
            value = decode(captured[info.id]) if info.id in captured else Missing()
        except Exception:  # a payload the grader cannot rebuild is an unusable answer
            value = Unreadable("value")
        if isinstance(value, Missing):
            value = ...
        else:
            result.answers[info.id] = value
        if info.options:
            value = as_lettered_now(item, info.options, value)
        try:
            result.outcomes[info.id] = item.evaluate(value)
        except Exception as error:  # the bank's own reference failing: no points, said so
            result.outcomes[info.id] = outcome.invalid(one_line(error, 80))


def as_lettered_now(question: Any, shown: Sequence[str], value: Any) -> Any:
    """A choice answer given against the handout's options (``shown``, their texts in order),
    in the letters the bank uses now; letters whose option text is gone stay as they are."""
    now = {option.text: option.key for option in question.options}
    if list(now) == list(shown):
        return value

    def letter(given: Any) -> Any:
        if isinstance(given, str) and len(typed_letter(given)) == 1:
            position = ord(typed_letter(given)) - ord("a")
            if 0 <= position < len(shown) and shown[position] in now:
                return now[shown[position]]
        return given

    return question.question_type.relabel(value, letter)


# -- many submissions ---------------------------------------------------------------------------


def prepare(key: Key | None) -> None:
    """Load the bank and compute the reference of every exercise ``key`` grades (all without a
    key), so that each is computed once, in the grader, before any kernel starts."""
    questions()
    for item in exercises():
        if key is None or any(
            item.id == info.id for entries in key.notebooks.values() for info in entries
        ):
            item.expected()


def grade(
    submissions: list[Path],
    key: Key | None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    progress: Callable[[int, int], None] | None = None,
    sandbox: str = "auto",
) -> list[Result]:
    """Grade every submission, ``jobs`` at a time; rows come back in the order given.

    ``progress`` is called with (submissions done, submissions in all) after each one.
    """
    prepare(key)
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: list[Result | None] = [None] * len(submissions)
    names = [str(path) for path in submissions]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(grade_one, path, key, timeout, memory_mb, names[index], sandbox): index
            for index, path in enumerate(submissions)
        }
        for done, future in enumerate(as_completed(futures), 1):
            index = futures[future]
            try:
                results[index] = future.result()
            except Exception as error:  # a bug in the grader must not stop the batch either
                results[index] = Result(
                    names[index],
                    "error",
                    detail=message("grade.detail.kernel_failed", error=one_line(error, 80)),
                )
            if progress is not None:
                progress(done, len(submissions))
    return [result for result in results if result is not None]
