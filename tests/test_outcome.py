"""Outcomes of a check and their plain renderers."""

import dataclasses
import sqlite3

import pytest

from tipcourse.engine import outcome as outcomes
from tipcourse.engine.outcome import Outcome, render_markdown, render_text


@pytest.mark.parametrize(
    "made, symbol, word",
    [
        (outcomes.correct("Well read."), "✓", "Correct"),
        (outcomes.partial(0.5, "Half."), "✗", "Partly correct"),
        (outcomes.incorrect("Look again."), "✗", "Incorrect"),
        (outcomes.unanswered("Give an answer."), "–", "Not answered yet"),
        (outcomes.invalid("That is bytes."), "–", "Cannot check this input"),
    ],
)
def test_renderers_show_a_symbol_and_a_word(made, symbol, word):
    """Text and Markdown both show the symbol and a word (never the symbol alone) and the message."""
    text, markdown = render_text(made), render_markdown(made)
    assert text.startswith(f"{symbol} {word}") and made.message in text
    assert markdown.startswith(f"**{symbol} {word}**") and made.message in markdown
    assert str(made) == text and made._repr_markdown_() == markdown


def test_partial_outcomes_show_the_score():
    """A partly correct outcome shows its score as a percentage."""
    assert "(score 50%)" in render_text(outcomes.partial(0.5, "Half."))
    assert outcomes.partial(0.0, "None right.").status == "incorrect"


def test_outcome_fields_agree_with_the_status():
    """correct is True, False or None according to status; the score stays within 0..1."""
    assert outcomes.correct("").correct is True and outcomes.correct("").score == 1.0
    assert outcomes.incorrect("").correct is False
    assert outcomes.invalid("").correct is None and outcomes.unanswered("").correct is None
    with pytest.raises(ValueError):
        Outcome("correct", False, 1.0, "")
    with pytest.raises(ValueError):
        Outcome("finished", True, 1.0, "")
    with pytest.raises(ValueError):
        Outcome("partial", False, 1.5, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcomes.correct("").score = 0.0


def test_record_saves_usable_attempts_only(recorded_attempts):
    """Correct and wrong answers are recorded; unanswered and invalid input is not."""
    for made in (outcomes.unanswered("x"), outcomes.invalid("x")):
        outcomes.record(made, item_id="prosecution.q01", section="prosecution", kind="question")
    assert recorded_attempts == []
    outcomes.record(
        outcomes.partial(0.5, "x"), item_id="overview.q02", section="overview", kind="question"
    )
    assert recorded_attempts == [
        {
            "item_id": "overview.q02",
            "section": "overview",
            "correct": False,
            "score": 0.5,
            "kind": "question",
        }
    ]


def test_a_progress_store_that_fails_says_so_but_returns_the_outcome(monkeypatch, capsys):
    """A locked progress database does not hide the learner's result: one line says why."""
    from tipcourse.engine import _store

    def locked():
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(_store, "current_store", locked)
    made = outcomes.correct("Well read.")
    assert outcomes.record(made, item_id="a.q01", section="overview", kind="question") is made
    assert "database is locked" in capsys.readouterr().err


def test_an_outcome_shows_in_words_wherever_it_is_printed():
    """repr() (a terminal, a plain-text notebook output) gives the symbol, the word and the message."""
    from tipcourse.engine.outcome import correct, unanswered

    assert repr(correct("Well done.")) == str(correct("Well done.")) == "✓ Correct: Well done."
    assert repr(unanswered("Replace ...")).startswith("– ")
