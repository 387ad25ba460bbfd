"""Fill a gradebook exported from Canvas or Moodle with the scores of ``tipcourse grade``.

The export is read as it is; its id column is the first of :data:`ID_COLUMNS` (any case) whose
values match the most graded learners. A learner matches a row when their ``learner`` cell and the
row's id have the same :func:`~tipcourse.instructor._csvfile.learner_key` (Unicode NFKC, spaces
trimmed and collapsed, case folded); nothing else is tried, so a learner who matches no row, or two,
is listed and never guessed. Two submissions that name the same learner and grade the same item are
never chosen between silently: that learner is listed, unless ``prefer`` says which counts
("latest": the submission file changed last; "highest": the higher score). The result keeps every
other cell and the column order, adds the score column at the end when it is missing, gives Canvas's
"Points Possible" row the maximum score, and goes to ``<export>-filled.csv`` beside the export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...report._text import one_line
from ...report.messages import message
from .._csvfile import CsvProblem, csv_text, learner_key, read_rows, shown, write_text
from ..grading._grade import Key, Result

__all__ = [
    "ID_COLUMNS",
    "PREFER",
    "Filled",
    "LmsGradebook",
    "LmsGradebookError",
    "conflicts",
    "fill_lms_gradebook",
    "filled_path",
    "possible_points",
    "read_lms_gradebook",
    "scores_by_learner",
]

#: The columns that can identify a learner, in the order preferred when several match equally.
ID_COLUMNS = (
    "SIS Login ID",
    "Login ID",
    "Email address",
    "Email",
    "Username",
    "SIS User ID",
    "ID number",
    "Student ID",
    "ID",
    "Student",
)
POINTS_POSSIBLE = "points possible"  # Canvas's second row, in its first column
#: How to choose between two submissions of one learner that grade the same item.
PREFER = ("latest", "highest")


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
        rows, bom = read_rows(path)
    except CsvProblem as problem:
        if problem.reason == "not_csv":
            raise LmsGradebookError(message("lms.not_csv", path=path)) from None
        raise LmsGradebookError(message("lms.unreadable", path=path, error=problem.error)) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise LmsGradebookError(message("lms.not_csv", path=path))
    names = [name.strip().casefold() for name in rows[0]]
    found = [names.index(name.casefold()) for name in ID_COLUMNS if name.casefold() in names]
    if not found:
        raise LmsGradebookError(
            message(
                "lms.no_id_column",
                path=path,
                columns=", ".join(rows[0]),
                names=", ".join(ID_COLUMNS),
            )
        )
    width = len(rows[0])
    rows = [row + [""] * (width - len(row)) for row in rows]  # short rows: the missing cells empty
    return LmsGradebook(path, rows, found, bom)


def _ordered(results: list[Result], prefer: str | None) -> list[Result]:
    """A learner's submissions, the one that counts last (``prefer``), else as given."""
    if prefer == "latest":
        return sorted(results, key=lambda result: result.modified)
    if prefer == "highest":
        return sorted(results, key=lambda result: result.score)
    return results


def conflicts(results: list[Result]) -> dict[str, list[Result]]:
    """The learners (by :func:`learner_key`) named by two or more submissions that grade the
    same item, with those submissions: a resubmission, or one learner's id written by another."""
    by_learner: dict[str, list[Result]] = {}
    for result in results:
        if learner_key(result.learner):
            by_learner.setdefault(learner_key(result.learner), []).append(result)
    found = {}
    for learner, named in by_learner.items():
        seen: dict[str, int] = {}
        for result in named:
            for info in result.items:
                seen[info.id] = seen.get(info.id, 0) + 1
        if any(count > 1 for count in seen.values()):
            found[learner] = named
    return found


def scores_by_learner(
    results: list[Result], prefer: str | None = None
) -> tuple[dict[str, float], list[str]]:
    """Each named learner's total over their submissions, and the submissions that name no
    learner. An item two submissions grade counts the one ``prefer`` chooses; without
    ``prefer`` that learner is left out (see :func:`conflicts`)."""
    points: dict[str, dict[str, float]] = {}
    unnamed = []
    undecided = set() if prefer else set(conflicts(results))
    by_learner: dict[str, list[Result]] = {}
    for result in results:
        if not learner_key(result.learner):
            unnamed.append(result.submission)
        elif learner_key(result.learner) not in undecided:
            by_learner.setdefault(learner_key(result.learner), []).append(result)
    for learner, named in by_learner.items():
        for result in _ordered(named, prefer):
            points.setdefault(learner, {}).update(result.points)
    return {learner: round(sum(items.values()), 4) for learner, items in points.items()}, unnamed


def possible_points(key: Key) -> float:
    """The most a learner can score: every item of the instructor's assignment (never what a
    submission's own metadata claims)."""
    return sum(float(info.points) for items in key.notebooks.values() for info in items)


def _number(value: float) -> str:
    return f"{value:g}"


def fill_lms_gradebook(
    export: LmsGradebook,
    results: list[Result],
    column: str,
    max_score: float,
    prefer: str | None = None,
    out: Path | None = None,
) -> Filled:
    """Write the export with each matched learner's total in ``column`` to ``out`` (by default
    :func:`filled_path`)."""
    scores, unnamed = scores_by_learner(results, prefer)
    rows = [list(row) for row in export.rows]
    header = rows[0]
    named = {
        learner: [
            shown(result.submission) for result in results if learner_key(result.learner) == learner
        ]
        for learner in scores
    }
    ids = {
        position: [learner_key(row[position]) for row in rows[1:]] for position in export.id_columns
    }
    # The id column is the one that matches the most learners; ties go to the earlier name.
    chosen = max(
        export.id_columns,
        key=lambda position: (
            sum(learner in ids[position] for learner in scores),
            -export.id_columns.index(position),
        ),
    )
    wanted = [name.strip().casefold() for name in header]
    if column.strip().casefold() in wanted:
        target = wanted.index(column.strip().casefold())
    else:
        target = len(header)
        for row in rows:
            row.append("")
        header[target] = column
    filled = Filled(out or filled_path(export.path), header[chosen], 0)
    for row in rows[1:]:
        if POINTS_POSSIBLE in (row[0].strip().casefold(), row[chosen].strip().casefold()):
            row[target] = _number(max_score)
    for learner, score in scores.items():
        places = [number for number, value in enumerate(ids[chosen], 1) if value == learner]
        who = shown(one_line(learner, 60))
        where = ", ".join(named[learner])
        if not places:
            filled.unmatched.append(
                message("lms.not_found", learner=who, submissions=where, column=header[chosen])
            )
        elif len(places) > 1:
            filled.unmatched.append(
                message(
                    "lms.twice",
                    learner=who,
                    submissions=where,
                    column=header[chosen],
                    rows=", ".join(str(n + 1) for n in places),
                )
            )
        else:
            rows[places[0]][target] = _number(score)
            filled.matched += 1
    if not prefer:
        filled.unmatched += [
            message(
                "lms.same_learner",
                learner=shown(one_line(learner, 60)),
                submissions=", ".join(shown(result.submission) for result in named_by),
            )
            for learner, named_by in conflicts(results).items()
        ]
    filled.unmatched += [message("lms.no_learner", submission=shown(name)) for name in unnamed]
    write_text(filled.path, csv_text(rows), "utf-8-sig" if export.bom else "utf-8")
    return filled
