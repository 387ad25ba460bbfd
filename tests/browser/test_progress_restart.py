"""Progress survives a kernel restart: answers checked in the widget still show afterwards."""

from __future__ import annotations

from jupyter_browser import (
    QuestionWidget,
    clean,
    right_answer,
    shown_text,
    write_notebook,
    wrong_answer,
)

import tipcourse
from tipcourse.report._parse import SECTION_NAMES
from tipcourse.report.messages import message
from tipcourse.views.dashboard import course_totals

NAME = "browser-progress-restart.ipynb"
LEARNER = "browser-restart"  # a learner of its own: other tests' answers do not count here


def _bars(notebook) -> dict[str, tuple[str, float]]:
    """Each dashboard line: section title → (the words beside the bar, the bar's filled %)."""
    rows = (
        notebook.code_cell(2)
        .locator(".widget-hbox")
        .evaluate_all(
            """rows => rows.map(row => {
             const bar = row.querySelector('.progress-bar');
             const track = row.querySelector('.progress');
             const filled = bar && track && track.getBoundingClientRect().width
               ? 100 * bar.getBoundingClientRect().width / track.getBoundingClientRect().width
               : -1;
             return [row.innerText, filled];
           })"""
        )
    )
    bars = {}
    for text, filled in rows:
        lines = [clean(line) for line in text.splitlines() if line.strip()]
        if len(lines) >= 2:
            bars[lines[0]] = (lines[-1], filled)
    return bars


def test_progress_survives_a_kernel_restart(lab_server, open_notebook):
    """Answer wrong then right through the widget, restart the kernel, run everything again:
    the dashboard shows both attempts' result for that section and a filled bar."""
    question = next(q for q in tipcourse.questions() if q.type == "single")
    section = question.section
    title = message(f"section.{section}")
    available = course_totals()[section]
    write_notebook(
        lab_server.workspace / NAME,
        [
            f"import tipcourse\ntipcourse.set_learner({LEARNER!r})",
            f"tipcourse.show({question.id!r})",
            "tipcourse.progress()",
        ],
    )
    notebook = open_notebook(lab_server, NAME)
    notebook.run_all()
    dashboard = notebook.code_cell(2)
    before = shown_text(dashboard)
    assert message("progress.title_own") in before and LEARNER not in before
    assert message("progress.none_yet") in before

    widget = QuestionWidget(notebook.page, question.id)
    wrong, feedback = wrong_answer(question)
    widget.choose(question, wrong)
    widget.check()
    widget.wait_text(widget.feedback(), ["✗", feedback])
    widget.choose(question, right_answer(question))
    widget.check()
    widget.wait_text(widget.feedback(), [f"✓ {message('outcome.label.correct')}"])

    notebook.restart_kernel()
    prompts = notebook.run_all()
    # Numbered from 1 again: the kernel really was restarted before this run.
    assert prompts == ["[1]:", "[2]:", "[3]:"], prompts
    dashboard.scroll_into_view_if_needed()
    after = shown_text(dashboard)
    assert message("progress.none_yet") not in after
    bars = _bars(notebook)
    assert title in bars, f"no bar for {title!r} in {after!r}"
    words, filled = bars[title]
    expected = message(
        "progress.bar_label_of", answered=1, available=available, correct=1, score="1.0"
    )
    assert words == clean(expected), bars
    assert filled > 0, f"the {title} bar is empty: {bars}"
    assert abs(filled - 100 / available) < 5, (filled, available)
    totals = course_totals()
    for other in SECTION_NAMES:
        if other == section:
            continue
        other_words, other_filled = bars[message(f"section.{other}")]
        nothing = message(
            "progress.bar_label_of", answered=0, available=totals[other], correct=0, score="0.0"
        )
        assert other_words == clean(nothing), (other, other_words)
        assert other_filled < 1, (other, other_filled)
