"""The words that name a question and a quiz on screen, shared by the static forms and widgets."""

from __future__ import annotations

from typing import Any

from ..engine.session import QuizState
from ..report._parse import section_title
from ..report.messages import message

__all__ = ["header", "instruction", "number_text", "placing", "points_text", "quiz_summary"]


def number_text(value: float) -> str:
    """A number of points as people write it: 2, 1.5, 0.67."""
    return f"{round(float(value), 2):g}"


def points_text(points: float) -> str:
    """The points a question is worth, in words: "1 point", "2 points"."""
    if float(points) == 1.0:
        return message("widget.points.one")
    return message("widget.points.other", points=number_text(points))


def header(question: Any) -> str:
    """One line that names a question: its id, its section's title and its points."""
    return f"{question.id} · {placing(question)}"


def placing(question: Any) -> str:
    """Where a question stands and what it is worth: its section's title and its points (the
    widget shows the id apart, as a name its controls refer to)."""
    return f"{section_title(question.section)} · {points_text(question.points)}"


def instruction(question: Any) -> str:
    """What kind of answer the question takes, in words."""
    return question.question_type.words("widget.instruction")


def quiz_summary(state: QuizState) -> tuple[str, str]:
    """Two lines on a quiz: how many questions and points, and the running score."""
    count = len(state.states)
    summary = message("quiz.summary", count=count, points=number_text(state.total_points))
    score = message(
        "quiz.score",
        earned=number_text(state.earned),
        total=number_text(state.total_points),
        answered=state.answered,
        count=count,
    )
    return summary, score
