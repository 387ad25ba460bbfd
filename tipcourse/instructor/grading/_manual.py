"""Manual grading of written work: the ``-manual.csv`` file an instructor fills in.

``tipcourse grade`` writes ``gradebook-manual.csv`` beside ``gradebook.csv`` when the
assignment has written items: one row per submission and written item, with the learner's text,
the item's maximum points and an empty ``score``. The instructor fills in the scores (by the
rubric in ``key/answer-key.md``) and runs ``tipcourse grade … --manual gradebook-manual.csv``:
the scores are read and checked before any grading starts, then merged into the gradebook; the
new manual file keeps every score already given, so filling it in over several sittings loses
nothing. A row is matched by its submission and item; rows that match nothing are listed, never
guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from ...report.messages import message
from .._csvfile import CsvProblem, csv_text, read_rows, safe_text, write_text
from ._grade import Result
from ._gradebook import cell_text

__all__ = [
    "MANUAL_COLUMNS",
    "ManualError",
    "ManualScores",
    "manual_path",
    "merge_manual",
    "read_manual",
    "write_manual",
]

MANUAL_COLUMNS = ["submission", "learner", "item", "text", "max_points", "score"]


class ManualError(ValueError):
    """The manual-grading file cannot be used; the message names the file and row."""


@dataclass
class ManualScores:
    """Scores given by hand: (submission, item) → points, and the file they came from."""

    path: Path
    scores: dict[tuple[str, str], float] = field(default_factory=dict)


def manual_path(gradebook: Path) -> Path:
    """Where the written answers of a gradebook go: ``gradebook.csv`` → ``gradebook-manual.csv``."""
    return gradebook.with_name(gradebook.stem + "-manual.csv")


def read_manual(path: Path) -> ManualScores:
    """The scores of a filled-in manual file; an empty score means "not graded yet"."""
    try:
        table = read_rows(path)[0]
    except CsvProblem as problem:
        raise ManualError(message("manual.unreadable", path=path, error=problem.error)) from None
    columns = [name.strip() for name in table[0]] if table else []
    rows = {
        number: dict(zip(columns, cells, strict=False))
        for number, cells in enumerate(table[1:], 2)
        if any(cell.strip() for cell in cells)
    }
    missing = [
        name for name in ("submission", "item", "score", "max_points") if name not in columns
    ]
    if not rows or missing:
        raise ManualError(message("manual.columns", path=path, columns=", ".join(MANUAL_COLUMNS)))
    found = ManualScores(path)
    for number, row in rows.items():
        text = (row.get("score") or "").strip()
        if not text:
            continue
        try:
            score, top = float(text.replace(",", ".")), float(row.get("max_points") or "nan")
        except ValueError:
            raise ManualError(
                message("manual.not_a_number", path=path, row=number, value=text[:20])
            ) from None
        if not math.isfinite(score) or score < 0 or (math.isfinite(top) and score > top):
            raise ManualError(
                message(
                    "manual.out_of_range",
                    path=path,
                    row=number,
                    value=text[:20],
                    max=row.get("max_points", "?"),
                )
            )
        found.scores[(row.get("submission", "").removeprefix("'"), row.get("item", ""))] = score
    return found


def merge_manual(results: list[Result], given: ManualScores) -> list[str]:
    """Put the scores given by hand into ``results``; returns the rows that matched nothing.

    A row matches by its submission as graded, else by the file name when only one submission
    has it.
    """
    by_name: dict[str, list[Result]] = {}
    for result in results:  # as the files hold them: what UTF-8 cannot hold, escaped
        by_name.setdefault(Path(safe_text(result.submission)).name, []).append(result)
    exact = {safe_text(result.submission): result for result in results}
    unmatched = []
    for (submission, item), score in given.scores.items():
        found: Result | None = exact.get(submission)
        if found is None and len(by_name.get(Path(submission).name, [])) == 1:
            found = by_name[Path(submission).name][0]
        info = next((info for info in found.items if info.id == item), None) if found else None
        if found is None or info is None or info.kind != "written":
            unmatched.append(f"{submission} · {item}")
            continue
        found.manual[item] = min(score, float(info.points))
    return unmatched


def write_manual(results: list[Result], out: Path) -> Path | None:
    """One row per submission and written item, with the scores given so far; None when the
    assignment has no written work."""
    rows = [(result, info) for result in results for info in result.items if info.kind == "written"]
    if not rows:
        return None
    table = [MANUAL_COLUMNS]
    for result, info in rows:
        score = result.manual.get(info.id)
        table.append(
            [
                cell_text(result.submission),
                cell_text(result.learner),
                info.id,
                cell_text(result.texts.get(info.id, "")),
                f"{info.points:g}",
                "" if score is None else f"{score:g}",
            ]
        )
    # Often the very file --manual read: replaced only once its successor is complete.
    return write_text(out, csv_text(table))
