"""``tipcourse analyze``: which graded items worked, from the gradebook of ``tipcourse grade``.

Classical test theory, per item of the assignment:

* ``facility`` — mean points ÷ max points (the share of the points learners earned);
* ``discrimination`` — the corrected item–total correlation: Pearson's r between the item's
  points and each learner's total over the *other* items, so an item does not correlate with
  itself; empty when it is undefined (fewer than two responses, or no variance);
* ``flag`` — "too easy" (facility > 0.9), "too hard" (< 0.2), "does not discriminate"
  (discrimination < 0.2), "discriminates the wrong way" (< 0).

A learner is one row per learner (the ``learner`` cell; a submission without one stands alone):
their rows are summed across notebooks, an item graded twice counts its later row, and
``invalid`` rows are left out. When ``gradebook-responses.csv`` sits beside the gradebook, the
options learners chose are counted for each single- and multiple-choice question (the
distractor analysis), with the right options taken from the grader's bank.

:func:`receipts_analysis` computes the same statistics from a folder of progress files that
learners downloaded from the course website (``tipcourse analyze --receipts``): self-reported
practice, never grades. Each file is one learner (its ``learner`` field, else its name; two files
of one learner are merged), every question is worth 1 point, a learner's score on a question is
their *first* attempt's (first-try facility), and a question a learner never tried is missing for
them, not 0. Both modes end in :func:`_statistics`, the one computation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine._questions import Question, questions
from ..engine._receipts import PracticeAttempt, ProgressFile, ProgressFileError, read_progress_file
from ..report._text import one_line, typed_letter
from ..report.messages import message
from ._cells import ManifestEntry, find_item
from ._csvfile import CsvProblem, learner_key, read_rows
from .grading._grade import Key
from .grading._gradebook import COLUMNS as GRADEBOOK_COLUMNS
from .grading._gradebook import RESPONSE_COLUMNS, answer_text, responses_path

__all__ = [
    "EASY",
    "HARD",
    "ITEM_COLUMNS",
    "LOW_DISCRIMINATION",
    "OPTION_COLUMNS",
    "SOURCE_COLUMN",
    "Analysis",
    "AnalyzeError",
    "ItemStats",
    "OptionCount",
    "Practice",
    "analysis",
    "receipts_analysis",
]

ITEM_COLUMNS = [
    "item",
    "kind",
    "responses",
    "mean_points",
    "max_points",
    "facility",
    "discrimination",
    "flag",
]
OPTION_COLUMNS = ["item", "option", "text", "count", "share", "right"]
#: The last column of both CSV files of practice data: says on every row that it is self-reported.
SOURCE_COLUMN = "source"
EASY, HARD, LOW_DISCRIMINATION = 0.9, 0.2, 0.2


class AnalyzeError(ValueError):
    """The gradebook or the assignment cannot be analysed; the message says what to do."""


@dataclass
class ItemStats:
    """One row of ``items.csv``."""

    item: str
    kind: str
    responses: int
    mean_points: float | None
    max_points: float
    facility: float | None
    discrimination: float | None
    flags: list[str] = field(default_factory=list)


@dataclass
class OptionCount:
    """One row of ``options.csv``: how many learners chose one option of a choice question."""

    item: str
    option: str
    text: str
    count: int
    share: float
    right: bool | None  # None: the grader's bank no longer has this option


@dataclass
class Practice:
    """What an analysis of practice data adds: the files read and those left out, and why."""

    files: int  # progress files read
    skipped: list[tuple[Path, str]]  # (file, why it was left out)
    unknown: int  # attempts of items this tipcourse does not have, left out


@dataclass
class Analysis:
    """Everything ``write_analysis`` writes."""

    source: Path  # the gradebook, or the folder of progress files
    items: list[ItemStats]
    totals: list[float]  # each learner's total
    max_total: float
    options: list[OptionCount] | None  # None: no responses file beside the gradebook
    practice: Practice | None = None  # self-reported practice data, not graded work


# -- reading ------------------------------------------------------------------------------------


def _read_csv(path: Path, required: list[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (row number, cells) of a CSV that has the ``required`` columns."""
    columns = ", ".join(required)
    try:
        rows = read_rows(path)[0]
    except CsvProblem as problem:
        if problem.reason == "missing":
            raise AnalyzeError(message("analyze.missing", path=path)) from None
        if problem.reason == "unreadable":
            raise AnalyzeError(
                message("analyze.unreadable", path=path, error=problem.error)
            ) from None
        raise AnalyzeError(message("analyze.not_csv", path=path, columns=columns)) from None
    header = [name.strip() for name in rows[0]] if rows else []
    missing = [name for name in required if name not in header]
    if len(missing) == len(required):  # not even one column of ours
        raise AnalyzeError(message("analyze.not_csv", path=path, columns=columns))
    if missing:
        raise AnalyzeError(
            message("analyze.no_column", path=path, column=missing[0], columns=columns)
        )
    body = []
    for number, cells in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise AnalyzeError(
                message(
                    "analyze.bad_row", path=path, row=number, count=len(cells), columns=len(header)
                )
            )
        body.append((number, cells))
    return header, body


def _learner_key(learner: str, submission: str) -> str:
    """Who a row belongs to: the learner (see :func:`learner_key`), or the submission when the
    row names none."""
    name = learner_key(learner)
    return "learner:" + name if name else "submission:" + submission


def _read_points(
    path: Path, items: dict[str, ManifestEntry], assignment: Path
) -> dict[str, dict[str, float]]:
    """Each learner's points per item, from the gradebook; ``invalid`` rows left out."""
    header, body = _read_csv(path, ["submission", "learner", "status"])
    item_columns = [name for name in header if name not in GRADEBOOK_COLUMNS]
    unknown = [name for name in item_columns if name not in items]
    if unknown:
        raise AnalyzeError(
            message(
                "analyze.unknown_items",
                path=path,
                columns=", ".join(unknown),
                assignment=assignment,
            )
        )
    if not body:
        raise AnalyzeError(message("analyze.no_rows", path=path))
    learners: dict[str, dict[str, float]] = {}
    for number, cells in body:
        row = dict(zip(header, cells, strict=True))
        if row["status"].strip() == "invalid":
            continue
        points = learners.setdefault(_learner_key(row["learner"], row["submission"]), {})
        for item in item_columns:
            if not row[item].strip():
                continue  # not an item of this learner's notebook
            try:
                points[item] = float(row[item])
            except ValueError:
                raise AnalyzeError(
                    message(
                        "analyze.not_a_number",
                        path=path,
                        row=number,
                        column=item,
                        value=one_line(row[item], 40),
                    )
                ) from None
    if not any(learners.values()):
        raise AnalyzeError(message("analyze.only_invalid", path=path))
    return learners


def _read_answers(
    path: Path, items: dict[str, ManifestEntry], assignment: Path
) -> dict[str, dict[str, str]]:
    """Each learner's latest answer per item, from the responses file."""
    _, body = _read_csv(path, RESPONSE_COLUMNS)
    answers: dict[str, dict[str, str]] = {}
    for number, cells in body:
        row = dict(zip(RESPONSE_COLUMNS, cells, strict=True))
        if row["item"] not in items:
            raise AnalyzeError(
                message(
                    "analyze.unknown_response_item",
                    path=path,
                    row=number,
                    item=row["item"],
                    assignment=assignment,
                )
            )
        learner = _learner_key(row["learner"], row["submission"])
        answers.setdefault(learner, {})[row["item"]] = row["answer"]
    return answers


# -- the numbers --------------------------------------------------------------------------------


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when it is undefined (fewer than two pairs, or a constant list)."""
    if len(xs) < 2:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / math.sqrt(
        sxx * syy
    )


def _flags(facility: float | None, discrimination: float | None, responses: int) -> list[str]:
    flags = []
    if facility is not None and facility > EASY:
        flags.append(message("analyze.flag.too_easy"))
    if facility is not None and facility < HARD:
        flags.append(message("analyze.flag.too_hard"))
    if discrimination is None:
        flags.append(message("analyze.flag.few" if responses < 2 else "analyze.flag.no_variance"))
    elif discrimination < 0:
        flags.append(message("analyze.flag.wrong_way"))
    elif discrimination < LOW_DISCRIMINATION:
        flags.append(message("analyze.flag.low"))
    return flags


def _item_stats(info: ManifestEntry, learners: dict[str, dict[str, float]]) -> ItemStats:
    item, max_points = info.id, float(info.points)
    scored = [points for points in learners.values() if item in points]
    own = [points[item] for points in scored]
    rest = [sum(value for other, value in points.items() if other != item) for points in scored]
    mean = sum(own) / len(own) if own else None
    facility = mean / max_points if mean is not None and max_points else None
    discrimination = _pearson(own, rest)
    return ItemStats(
        item,
        str(info.kind),
        len(own),
        mean,
        max_points,
        facility,
        discrimination,
        _flags(facility, discrimination, len(own)),
    )


def _right_texts(item_id: str, find: Callable[[str], Any]) -> set[str] | None:
    """The texts of the right options in the grader's bank, or None if it has no such question."""
    try:
        question = find(item_id)
    except KeyError:
        return None
    if question.kind != "question" or not question.question_type.counts_options:
        return None
    right = question.question_type.right_keys(question)
    return {option.text for option in question.options if option.key in right}


def _option_counts(
    info: ManifestEntry, answers: dict[str, dict[str, str]], find: Callable[[str], Any]
) -> list[OptionCount]:
    item, shown = info.id, info.options
    right = _right_texts(item, find)
    chosen = [
        {typed_letter(part) for part in given[item].split(",") if part.strip()}
        for given in answers.values()
        if given.get(item, "").strip()
    ]
    rows = []
    for position, text in enumerate(shown):
        letter = chr(ord("a") + position)
        count = sum(letter in letters for letters in chosen)
        rows.append(
            OptionCount(
                item,
                letter,
                text,
                count,
                count / len(chosen) if chosen else 0.0,
                None if right is None else text in right,
            )
        )
    return rows


def _counted(info: ManifestEntry, find: Callable[[str], Any]) -> bool:
    """Whether the options of an item are counted: single and multiple choice, not ordering."""
    if not info.options:
        return False
    try:
        found = find(info.id)
    except KeyError:
        return True  # not in the course bank: its manifest options are all there is
    return found.kind == "question" and found.question_type.counts_options


def _statistics(
    source: Path,
    items: dict[str, ManifestEntry],
    learners: dict[str, dict[str, float]],
    answers: dict[str, dict[str, str]] | None,
    find: Callable[[str], Any],
    practice: Practice | None = None,
) -> Analysis:
    """The one computation of both modes: each learner's points per item (an item a learner has
    no points for is missing, not 0) and, when known, the answers whose options are counted."""
    learners = {name: points for name, points in learners.items() if points}
    graded = {item for points in learners.values() for item in points}
    stats = [_item_stats(info, learners) for info in items.values() if info.id in graded]
    totals = [sum(points.values()) for points in learners.values()]
    max_total = max(
        sum(float(items[item].points) for item in points) for points in learners.values()
    )
    options = None
    if answers is not None:
        answers = {name: given for name, given in answers.items() if name in learners}
        options = [
            row
            for info in items.values()
            if info.id in graded and _counted(info, find)
            for row in _option_counts(info, answers, find)
        ]
    return Analysis(source, stats, totals, max_total, options, practice)


def analysis(gradebook: Path, assignment: Path) -> Analysis:
    """The item statistics of ``gradebook`` for the assignment in ``assignment``.

    Raises AnalyzeError, naming the file, row or column and what to do, for a gradebook or
    responses file that cannot be analysed.
    """
    try:
        key = Key.from_manifest(assignment)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AnalyzeError(
            message("analyze.bad_assignment", path=assignment, error=one_line(error, 120))
        ) from None
    items = {info.id: info for entries in key.notebooks.values() for info in entries}
    learners = _read_points(gradebook, items, assignment)
    responses = responses_path(gradebook)
    answers = _read_answers(responses, items, assignment) if responses.exists() else None
    return _statistics(gradebook, items, learners, answers, key.find)


# -- practice data from the course website ------------------------------------------------------


def _progress_files(folder: Path) -> tuple[list[ProgressFile], list[tuple[Path, str]]]:
    """The usable progress files of ``folder`` (``*.json``), and each other one with why."""
    if not folder.is_dir():
        raise AnalyzeError(message("analyze.receipts.no_folder", folder=folder))
    try:
        paths = sorted(path for path in folder.iterdir() if path.suffix.lower() == ".json")
    except OSError as error:
        raise AnalyzeError(message("analyze.unreadable", path=folder, error=error)) from None
    if not paths:
        raise AnalyzeError(message("analyze.receipts.no_files", folder=folder))
    read, skipped = [], []
    for path in paths:
        try:
            read.append(read_progress_file(path))
        except ProgressFileError as error:
            skipped.append((path, str(error)))
    if not read:
        raise AnalyzeError(
            message(
                "analyze.receipts.none_usable",
                folder=folder,
                count=len(paths),
                first=skipped[0][1],
            )
        )
    return read, skipped


def _first_attempts(read: list[ProgressFile]) -> dict[str, dict[str, PracticeAttempt]]:
    """Each learner's first attempt at each item they tried (earliest time; files of one
    learner merged, the learner being the ``learner`` field, else the file's name)."""
    first: dict[str, dict[str, PracticeAttempt]] = {}
    for progress in read:
        who = learner_key(progress.learner) or learner_key(progress.path.stem)
        tried = first.setdefault(who, {})
        for attempt in progress.attempts:
            earlier = tried.get(attempt.item)
            if earlier is None or attempt.time < earlier.time:
                tried[attempt.item] = attempt
    return first


def _practice_entry(question: Question) -> ManifestEntry:
    """A course question as a 1-point item, with its options when they are counted."""
    counted = question.question_type.counts_options
    options = tuple(option.text for option in question.options) if counted else ()
    return ManifestEntry(question.id, "question", 1.0, "", options)


def receipts_analysis(folder: Path) -> Analysis:
    """The item statistics of the self-reported practice in a folder of progress files.

    Every ``*.json`` file of ``folder`` is one learner's progress file from the course website;
    a file that cannot be used is left out and named in ``practice.skipped``. Each question
    counts 1 point and a learner's first attempt at it. Raises AnalyzeError when there is no
    usable file, or no attempt of a course question in any.
    """
    read, skipped = _progress_files(folder)
    first = _first_attempts(read)
    if not any(first.values()):
        raise AnalyzeError(message("analyze.receipts.no_attempts", folder=folder))
    tried = {item for attempts in first.values() for item in attempts}
    items = {
        question.id: _practice_entry(question) for question in questions() if question.id in tried
    }
    learners = {
        who: {item: attempt.score for item, attempt in attempts.items()}
        for who, attempts in first.items()
    }
    answers = {
        who: {item: answer_text(attempt.answer, choice=True) for item, attempt in attempts.items()}
        for who, attempts in first.items()
    }
    unknown = sum(progress.unknown for progress in read)
    practice = Practice(len(read), skipped, unknown)
    return _statistics(folder, items, learners, answers, find_item, practice)
