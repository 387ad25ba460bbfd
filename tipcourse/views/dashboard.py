"""The progress dashboard: a learner's attempts per section, as a widget, Markdown or text.

:func:`progress` reads the attempts store (:mod:`tipcourse.engine._store`) and counts the items each
section has. The text and Markdown forms hold no time, address or random id, so a notebook's
saved output is the same on every run; ipywidgets and pandas load only when used.
"""

from __future__ import annotations

import html
from typing import Any

from ..engine._exercises import Exercise, exercises
from ..engine._questions import Question, questions
from ..engine._store import ALL_LEARNERS, current_learner, summary
from ..engine.banks import BankError
from ..report._parse import section_title
from ..report.messages import message
from . import kernel

__all__ = ["ProgressReport", "course_totals", "progress"]


def _number(value: float) -> str:
    return f"{value:.1f}"


def _known(value: Any) -> bool:
    """Whether a count from the ``available`` column is there (not missing)."""
    import pandas as pd

    return value is not None and not pd.isna(value)


class ProgressReport:
    """A snapshot of a learner's progress: a dashboard in a notebook, a table elsewhere.

    The text and Markdown forms hold no time, address or random id, so a notebook's saved
    output is the same on every run.
    """

    def __init__(self, table, learner: str, own: bool = False) -> None:
        self.table = table
        self.learner = learner
        self.own = own  # the current learner's own progress: titled "Your progress"

    def title(self) -> str:
        if self.own:
            return message("progress.title_own")
        if self.learner.lower() == ALL_LEARNERS:
            return message("progress.title_all")
        return message("progress.title", learner=self.learner)

    def _has_totals(self) -> bool:
        return bool(self.table["available"].notna().any())

    def rows(self) -> list[list[str]]:
        """The table's cells as text: a header row, then one row per section."""
        keys = ["section", "answered", "correct", "score"]
        keys += ["available"] if self._has_totals() else []
        header = [message(f"progress.column.{key}") for key in keys]
        body = []
        for record in self.table.itertuples(index=False):
            cells = [
                section_title(record.section),
                str(record.answered),
                str(record.correct),
                _number(record.score),
            ]
            if self._has_totals():
                cells.append(str(record.available) if _known(record.available) else "-")
            body.append(cells)
        return [header] + body

    def _footer(self) -> list[str]:
        return [] if self.table["answered"].sum() else [message("progress.none_yet")]

    def text(self) -> str:
        """A plain-text table with aligned columns, for a terminal."""
        rows = self.rows()
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        lines = [self.title(), ""]
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [
                cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
            ]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines + ["", *self._footer()]).rstrip()

    def markdown(self) -> str:
        """A Markdown table, for a notebook without widgets."""
        rows = self.rows()
        escape = str.maketrans({char: "\\" + char for char in "\\|*_`[]<>#"})
        lines = [f"**{self.title().translate(escape)}**", ""]
        lines.append("| " + " | ".join(cell.translate(escape) for cell in rows[0]) + " |")
        lines.append("|:--|" + "--:|" * (len(rows[0]) - 1))
        lines += [
            "| " + " | ".join(cell.translate(escape) for cell in row) + " |" for row in rows[1:]
        ]
        footer = self._footer()
        return "\n".join(lines + (["", *footer] if footer else []))

    def bar_label(self, record) -> str:
        """In words, what one section's bar shows."""
        values = {
            "answered": record.answered,
            "correct": record.correct,
            "score": _number(record.score),
        }
        if _known(record.available):
            return message("progress.bar_label_of", available=record.available, **values)
        return message("progress.bar_label", **values)

    def widget(self):
        """The dashboard: one labeled bar per section, with its numbers written beside it.

        A bar shows the section's score out of the items available, or out of the items
        answered until the number available is known.
        """
        import ipywidgets as widgets

        heading = widgets.HTML(value=f"<strong>{html.escape(self.title())}</strong>")
        lines = [heading]
        for record in self.table.itertuples(index=False):
            most = float(record.available if _known(record.available) else record.answered) or 1.0
            bar = widgets.FloatProgress(
                value=min(float(record.score), most),
                min=0.0,
                max=most,
                description=section_title(record.section),
                tooltip=self.bar_label(record),  # else the label's hover text reads "null"
                style={"description_width": "11em"},
                layout=widgets.Layout(width="28em"),
            )
            words = widgets.Label(value=self.bar_label(record))
            lines.append(widgets.HBox([bar, words]))
        lines += [widgets.Label(value=line) for line in self._footer()]
        return widgets.VBox(lines)

    def __repr__(self) -> str:
        return self.text()

    def __str__(self) -> str:
        return self.text()

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/plain": self.text(), "text/markdown": self.markdown()}
        if kernel.in_kernel():
            try:
                view = self.widget()._repr_mimebundle_()
            except Exception:  # no ipywidgets, or no frontend for it: the table still shows
                view = {}
            bundle.update({kind: data for kind, data in view.items() if kind != "text/plain"})
        return bundle


def progress(learner: str | None = None, totals: dict[str, int] | None = None) -> ProgressReport:
    """Your progress per section: a dashboard in a notebook, a table in text.

    ``learner`` is the current learner by default (``"all"`` for everyone); ``totals`` gives
    the number of items available per section, by default the course's questions and exercises.
    """
    who = current_learner() if learner is None else str(learner).strip()
    table = summary(who, course_totals() if totals is None else totals)
    return ProgressReport(table, who, own=learner is None)


def course_totals() -> dict[str, int] | None:
    """How many questions and exercises each section has, or None when a bank cannot be read."""
    try:
        items: list[Question | Exercise] = [*questions(), *exercises()]
    except BankError:  # the bank's own error shows when a question is used; progress still shows
        return None
    totals: dict[str, int] = {}
    for item in items:
        totals[item.section] = totals.get(item.section, 0) + 1
    return totals
