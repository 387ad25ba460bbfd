"""The progress dashboard: a learner's progress per section, as text, Markdown and a widget."""

from __future__ import annotations

import re

import pytest

import tipcourse
from tipcourse.engine._store import record_attempt, set_learner
from tipcourse.report._parse import SECTION_NAMES
from tipcourse.views import kernel
from tipcourse.views.dashboard import progress

SECTION_TITLES = [
    "Country profile",
    "Assessment",
    "Recommendations",
    "Prosecution",
    "Protection",
    "Prevention",
]


@pytest.fixture(autouse=True)
def default_learner():
    """No test leaves a chosen learner behind for the next."""
    yield
    set_learner(None)


def test_progress_text_is_deterministic_and_lists_every_section():
    """The text and Markdown forms name all six sections and hold no time, address or id."""
    record_attempt("overview.q01", "overview", True, 1.0)
    first, second = progress(), progress()
    for form in (repr(first), first.markdown(), first._repr_mimebundle_()["text/plain"]):
        assert all(title in form for title in SECTION_TITLES)
        assert not re.search(r"0x[0-9a-f]{4,}|\d{4}-\d{2}-\d{2}|\d\d:\d\d", form)
    assert repr(first) == repr(second) and first.markdown() == second.markdown()
    assert first._repr_mimebundle_() == second._repr_mimebundle_()  # no widget outside a kernel
    assert "Country profile         1        1    1.0" in repr(first)


def test_progress_text_says_what_to_do_when_nothing_is_recorded():
    """An empty store shows zeros and how to record a first answer."""
    text = repr(tipcourse.progress())
    assert ".check(" in text and "Your progress" in text and "test-learner" not in text


def test_progress_speaks_spanish():
    """With set_language("es") the table's headings and sections are in Spanish."""
    tipcourse.set_language("es")
    text = repr(progress())
    assert "Tu progreso" in text and "Sección" in text
    assert "Procesamiento judicial" in text


def test_progress_widget_has_one_labeled_bar_per_section():
    """The dashboard has six bars, each with a section name and its numbers in words beside it."""
    import ipywidgets as widgets

    record_attempt("overview.q01", "overview", True, 1.0)
    record_attempt("overview.q02", "overview", False, 0.5)
    dashboard = progress(totals={"overview": 4}).widget()
    rows = [child for child in dashboard.children if isinstance(child, widgets.HBox)]
    assert len(rows) == 6
    bars = [row.children[0] for row in rows]
    labels = [row.children[1] for row in rows]
    assert all(isinstance(bar, widgets.FloatProgress) for bar in bars)
    assert [bar.description for bar in bars] == SECTION_TITLES
    assert labels[0].value == "2 of 4 answered, 1 correct, score 1.5"
    assert (bars[0].value, bars[0].max) == (1.5, 4.0)
    assert labels[1].value == "0 answered, 0 correct, score 0.0"


def test_progress_in_a_kernel_offers_the_widget_beside_the_text(monkeypatch):
    """In a kernel the bundle adds the widget view; its text and Markdown stay the same."""
    monkeypatch.setattr(kernel, "in_kernel", lambda: True)
    bundle = progress()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == repr(progress())


def test_progress_counts_the_items_each_section_offers():
    """By default the dashboard's "available" column counts each section's questions and exercises."""
    items = [*tipcourse.questions(), *tipcourse.exercises()]
    expected = {
        section: sum(item.section == section for item in items) for section in SECTION_NAMES
    }
    table = progress().table
    assert dict(zip(table["section"], table["available"], strict=True)) == expected
    assert all(count >= 3 for count in expected.values())
