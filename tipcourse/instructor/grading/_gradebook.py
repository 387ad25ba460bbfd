"""The gradebook of a batch of submissions, its raw answers, and a feedback file per submission."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...engine.outcome import label
from ...report._text import one_line, typed_letter, typed_letters
from ...report.messages import message
from .._csvfile import csv_text, shown, write_text
from ._grade import Result

__all__ = [
    "COLUMNS",
    "RESPONSE_COLUMNS",
    "answer_text",
    "cell_text",
    "feedback_markdown",
    "responses_path",
    "write_feedback",
    "write_gradebook",
    "write_responses",
]

#: ``manual_pending``: how many written items of the row still wait for a score given by hand.
COLUMNS = ["submission", "learner", "status", "score", "max_score", "manual_pending", "detail"]
RESPONSE_COLUMNS = ["submission", "learner", "item", "answer", "points"]


def cell_text(value: str) -> str:
    """A CSV field that no spreadsheet runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _number(value: float) -> str:
    return f"{value:g}"


def write_gradebook(results: list[Result], out: Path) -> Path:
    """The gradebook: one row per submission, one column per item."""
    item_ids: list[str] = []
    for result in results:
        item_ids += [info.id for info in result.items if info.id not in item_ids]
    rows: list[list[str]] = [COLUMNS + item_ids]
    for result in results:
        points, awaiting = result.points, result.awaiting
        scores = [
            _number(points[item]) if item in points and item not in awaiting else ""
            for item in item_ids
        ]
        rows.append(
            [
                cell_text(result.submission),
                cell_text(result.learner),
                result.status,
                _number(result.score),
                _number(result.max_score),
                str(len(awaiting)),
                cell_text(result.detail),
                *scores,
            ]
        )
    return write_text(out, csv_text(rows))


def responses_path(gradebook: Path) -> Path:
    """Where the raw answers of a gradebook go: ``gradebook.csv`` → ``gradebook-responses.csv``."""
    return gradebook.with_name(gradebook.stem + "-responses.csv")


def answer_text(value: Any, choice: bool) -> str:
    """An answer as one short line: a choice answer as its letters ("b", "a,c"), lower case."""
    if value is ...:
        return ""
    if callable(value):
        return "function"
    if choice and isinstance(value, str):
        return ",".join(typed_letter(part) for part in typed_letters(value))
    if (
        choice
        and isinstance(value, (list, tuple, set))
        and all(isinstance(part, str) for part in value)
    ):
        parts = sorted(value) if isinstance(value, set) else value
        return ",".join(typed_letter(part) for part in parts)
    return one_line(repr(value), 80)


def write_responses(results: list[Result], out: Path) -> Path:
    """The raw answers: one row per submission and item, for ``tipcourse analyze``."""
    rows: list[list[str]] = [RESPONSE_COLUMNS]
    for result in results:
        points = result.points
        for info in result.items:
            if info.kind == "written":
                continue  # the text goes to the manual-grading file
            answer = answer_text(result.answers.get(info.id, ...), bool(info.options))
            rows.append(
                [
                    cell_text(result.submission),
                    cell_text(result.learner),
                    info.id,
                    cell_text(answer),
                    _number(points[info.id]),
                ]
            )
    return write_text(out, csv_text(rows))


def feedback_markdown(result: Result) -> str:
    """What was right and wrong, with the first hint for what was not right; never the answer."""
    title = message("grade.feedback.title", submission=shown(Path(result.submission).name))
    lines = [f"# {title}", ""]
    if result.learner:
        lines.append(f"- {message('grade.feedback.learner', learner=result.learner)}")
    status = message("grade.status." + result.status)
    lines.append(f"- {message('grade.feedback.status', status=status)}")
    score, max_score = _number(result.score), _number(result.max_score)
    lines.append(f"- {message('grade.feedback.score', score=score, max_score=max_score)}")
    if result.detail:
        lines.append(f"- {message('grade.feedback.detail', detail=result.detail)}")
    lines.append("")
    points = result.points
    for info in result.items:
        outcome = result.outcomes.get(info.id)
        lines.append(f"## {info.id} — {_number(points[info.id])} / {_number(info.points)}")
        lines.append("")
        if info.kind == "written":
            done = info.id in result.manual
            lines.append(
                message("grade.feedback.manual_done" if done else "grade.feedback.manual_pending")
            )
        elif outcome is None:
            lines.append(message("grade.feedback.not_run"))
        elif outcome.status == "correct":
            lines.append(f"**{label(outcome)}**")
        else:
            lines.append(f"**{label(outcome)}**: {one_line(outcome.message, 600)}")
            hint = result.hints.get(info.id)
            if hint:
                lines += ["", message("grade.feedback.hint", hint=one_line(hint))]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_feedback(results: list[Result], folder: Path) -> list[Path]:
    """One Markdown feedback file per submission, named after it (made unique when needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for result in results:
        stem = re.sub(r"[^\w.-]+", "_", Path(result.submission).stem) or "submission"
        name, number = stem, 2
        while name in used:
            name, number = f"{stem}-{number}", number + 1
        used.add(name)
        written.append(write_text(folder / f"{name}.md", feedback_markdown(result)))
    return written
