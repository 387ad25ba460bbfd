"""Fill a gradebook exported from Canvas or Moodle with the scores of ``tipcourse grade``.

The export is read as it is; its id column is the first of :data:`ID_COLUMNS` (any case) whose
values match the most graded learners. A learner matches a row when their ``learner`` cell and
the row's id are equal after trimming and lower-casing; nothing else is tried, so a learner
who matches no row, or two, is listed and never guessed. The result keeps every other cell and
the column order, adds the score column at the end when it is missing, gives Canvas's
"Points Possible" row the maximum score, and goes to ``<export>-filled.csv`` beside the export.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ._text import one_line
from .grade import Key, Result
from .messages import message

__all__ = ["ID_COLUMNS", "Filled", "LmsGradebook", "LmsGradebookError", "fill_lms_gradebook",
           "filled_path", "possible_points", "read_lms_gradebook", "scores_by_learner"]

#: The columns that can identify a learner, in the order preferred when several match equally.
ID_COLUMNS = (
    "SIS Login ID", "Login ID", "Email address", "Email", "Username", "SIS User ID",
    "ID number", "Student ID", "ID", "Student",
)
POINTS_POSSIBLE = "points possible"  # Canvas's second row, in its first column


class LmsGradebookError(ValueError):
    """The LMS export cannot be filled; the message names the file and says what to do."""


@dataclass
class LmsGradebook:
    """An LMS export as read: its rows as lists of cells, the header first."""

    path: Path
    rows: list[list[str]]
    id_columns: list[int]  # positions of the columns that can identify a learner
    bom: bool = False  # Excel and Canvas write UTF-8 with a byte-order mark: keep it

    @property
    def header(self) -> list[str]:
        return self.rows[0]


@dataclass
class Filled:
    """What filling the export did."""

    path: Path
    id_column: str
    matched: int
    unmatched: list[str] = field(default_factory=list)  # one line per learner not filled in


def filled_path(export: Path) -> Path:
    """Where the filled copy goes: ``grades.csv`` → ``grades-filled.csv``, beside it."""
    return export.with_name(export.stem + "-filled.csv")


def read_lms_gradebook(path: Path) -> LmsGradebook:
    """The export at ``path``; LmsGradebookError when it cannot be read or has no id column."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except OSError as error:
        raise LmsGradebookError(message("lms.unreadable", path=path, error=error)) from None
    except (UnicodeDecodeError, csv.Error):
        raise LmsGradebookError(message("lms.not_csv", path=path)) from None
    if not rows or not any(cell.strip() for cell in rows[0]) or "\0" in text:
        raise LmsGradebookError(message("lms.not_csv", path=path))
    names = [name.strip().casefold() for name in rows[0]]
    found = [names.index(name.casefold()) for name in ID_COLUMNS if name.casefold() in names]
    if not found:
        raise LmsGradebookError(message(
            "lms.no_id_column", path=path, columns=", ".join(rows[0]),
            names=", ".join(ID_COLUMNS)))
    width = len(rows[0])
    rows = [row + [""] * (width - len(row)) for row in rows]  # short rows: the missing cells empty
    return LmsGradebook(path, rows, found, raw.startswith(b"\xef\xbb\xbf"))


def _key(text: str) -> str:
    return text.strip().lower()


def scores_by_learner(results: list[Result]) -> tuple[dict[str, float], list[str]]:
    """Each named learner's total (an item graded twice counts its later submission), and the
    submissions that name no learner."""
    points: dict[str, dict[str, float]] = {}
    unnamed = []
    for result in results:
        if not _key(result.learner):
            unnamed.append(result.submission)
            continue
        points.setdefault(_key(result.learner), {}).update(result.points)
    return {learner: round(sum(items.values()), 4) for learner, items in points.items()}, unnamed


def possible_points(results: list[Result], key: Key | None) -> float:
    """The most a learner can score: every item of the assignment, or (without one) the most
    that any learner's submissions offer."""
    if key is not None:
        return sum(float(info["points"]) for items in key.notebooks.values() for info in items)
    offered: dict[str, dict[str, float]] = {}
    for result in results:
        offered.setdefault(_key(result.learner) or result.submission, {}).update(
            {info["id"]: float(info["points"]) for info in result.items})
    return max((sum(items.values()) for items in offered.values()), default=0.0)


def _number(value: float) -> str:
    return f"{value:g}"


def fill_lms_gradebook(export: LmsGradebook, results: list[Result], column: str,
                       max_score: float) -> Filled:
    """Write the export with each matched learner's total in ``column`` to :func:`filled_path`."""
    scores, unnamed = scores_by_learner(results)
    rows = [list(row) for row in export.rows]
    header = rows[0]
    named = {learner: [result.submission for result in results if _key(result.learner) == learner]
             for learner in scores}
    ids = {position: [_key(row[position]) for row in rows[1:]] for position in export.id_columns}
    # The id column is the one that matches the most learners; ties go to the earlier name.
    chosen = max(export.id_columns, key=lambda position: (
        sum(learner in ids[position] for learner in scores), -export.id_columns.index(position)))
    wanted = [name.strip().casefold() for name in header]
    if column.strip().casefold() in wanted:
        target = wanted.index(column.strip().casefold())
    else:
        target = len(header)
        for row in rows:
            row.append("")
        header[target] = column
    filled = Filled(filled_path(export.path), header[chosen], 0)
    for row in rows[1:]:
        if POINTS_POSSIBLE in (row[0].strip().casefold(), row[chosen].strip().casefold()):
            row[target] = _number(max_score)
    for learner, score in scores.items():
        places = [number for number, value in enumerate(ids[chosen], 1) if value == learner]
        shown = one_line(learner, 60)
        where = ", ".join(named[learner])
        if not places:
            filled.unmatched.append(message("lms.not_found", learner=shown, submissions=where,
                                            column=header[chosen]))
        elif len(places) > 1:
            filled.unmatched.append(message("lms.twice", learner=shown, submissions=where,
                                            column=header[chosen],
                                            rows=", ".join(str(n + 1) for n in places)))
        else:
            rows[places[0]][target] = _number(score)
            filled.matched += 1
    filled.unmatched += [message("lms.no_learner", submission=name) for name in unnamed]
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    with open(filled.path, "w", encoding="utf-8-sig" if export.bom else "utf-8",
              newline="") as handle:
        handle.write(buffer.getvalue())
    return filled
