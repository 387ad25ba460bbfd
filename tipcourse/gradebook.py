"""The gradebook of a batch of submissions, and one feedback file per submission."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ._text import one_line
from .assign import find_item
from .grade import Result
from .messages import message
from .outcome import label

__all__ = ["COLUMNS", "feedback_markdown", "write_feedback", "write_gradebook"]

COLUMNS = ["submission", "learner", "status", "score", "max_score", "detail"]


def _cell_text(value: str) -> str:
    """A CSV field that no spreadsheet runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _number(value: float) -> str:
    return f"{value:g}"


def write_gradebook(results: list[Result], out: Path) -> Path:
    """The gradebook: one row per submission, one column per item."""
    item_ids: list[str] = []
    for result in results:
        item_ids += [info["id"] for info in result.items if info["id"] not in item_ids]
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS + item_ids)
        for result in results:
            points = result.points
            scores = [_number(points[item]) if item in points else "" for item in item_ids]
            writer.writerow([_cell_text(result.submission), _cell_text(result.learner),
                             result.status, _number(result.score), _number(result.max_score),
                             _cell_text(result.detail)] + scores)
    return out


def feedback_markdown(result: Result) -> str:
    """What was right and wrong, with the first hint for what was not right; never the answer."""
    lines = [f"# {message('grade.feedback.title', submission=Path(result.submission).name)}", ""]
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
        outcome = result.outcomes.get(info["id"])
        lines.append(f"## {info['id']} — {_number(points[info['id']])} / {_number(info['points'])}")
        lines.append("")
        if outcome is None:
            lines.append(message("grade.feedback.not_run"))
        elif outcome.status == "correct":
            lines.append(f"**{label(outcome)}**")
        else:
            lines.append(f"**{label(outcome)}**: {one_line(outcome.message, 600)}")
            hints = find_item(info["id"]).hints
            if hints:
                lines += ["", message("grade.feedback.hint", hint=one_line(hints[0]))]
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
        path = folder / f"{name}.md"
        path.write_text(feedback_markdown(result), "utf-8")
        written.append(path)
    return written
