"""The answering state: driven without a kernel or a widget, as the views drive it."""

from __future__ import annotations

import pytest

import tipcourse
from tipcourse.engine._questions import Option, Question
from tipcourse.engine.session import QuestionState, QuizState


def sentence(section: str, number: int) -> str:
    """A sentence of the report, verbatim, to serve as a question's evidence."""
    return tipcourse.load_report().sections[section].sentences[number]


def make_question(**changes) -> Question:
    """A small single-choice question on the Prosecution section; ``changes`` override fields."""
    fields = {
        "id": "prosecution.t01",
        "section": "prosecution",
        "type": "single",
        "prompt": "Which office investigates federal cases with more than three suspects?",
        "answer": "b",
        "points": 2,
        "skill": "remember",
        "hints": ("Find the sentence that names two federal offices.", "Count the suspects."),
        "explanation": "SIEDO investigates cases with more than three suspects.",
        "evidence": (sentence("prosecution", 0),),
        "options": (
            Option("a", "FEVIMTRA", "FEVIMTRA handles cases with three or fewer suspects."),
            Option("b", "SIEDO"),
            Option("c", "Provictima", "Provictima assists victims; it does not prosecute."),
        ),
    }
    fields.update(changes)
    return Question(**fields)


def test_a_wrong_option_is_incorrect_with_that_options_feedback(recorded_attempts):
    """Selecting a wrong option and checking gives "incorrect", its feedback, and one attempt."""
    state = QuestionState(make_question())
    state.select("c")
    outcome = state.check()
    assert outcome.status == "incorrect" and outcome.correct is False
    assert "Provictima assists victims" in outcome.message
    assert state.attempts == 1 and state.feedback is outcome
    assert [attempt["correct"] for attempt in recorded_attempts] == [False]


def test_the_right_option_is_correct_and_keeps_the_best_score():
    """The right option is correct; a later wrong check does not take the best score away."""
    state = QuestionState(make_question())
    state.select("b")
    assert state.check().status == "correct"
    state.select("a")
    assert state.check().status == "incorrect"
    assert state.attempts == 2 and state.best_score == 1.0 and state.earned == 2.0


@pytest.mark.parametrize("selection", [None, "", "   ", [], [None, None]])
def test_no_selection_is_unanswered_and_not_an_attempt(recorded_attempts, selection):
    """With nothing selected, check says so (correct is None) and counts no attempt."""
    state = QuestionState(make_question(type="multiple", answer=("b",)))
    state.select(selection)
    outcome = state.check()
    assert outcome.correct is None and outcome.status == "unanswered"
    assert state.attempts == 0 and recorded_attempts == []


def test_an_unreadable_selection_is_invalid_and_not_an_attempt(recorded_attempts):
    """An option key that does not exist is invalid input, not a wrong answer."""
    state = QuestionState(make_question())
    state.select("z")
    outcome = state.check()
    assert outcome.status == "invalid" and outcome.correct is None
    assert state.attempts == 0 and recorded_attempts == []


def test_select_drops_blank_positions_of_a_list():
    """Blank entries (an unchosen position) are dropped; a list of blanks means no answer."""
    state = QuestionState(make_question(type="order", answer=("a", "b", "c")))
    state.select(["b", None, "a"])
    assert state.selection == ["b", "a"]
    state.select((None, ""))
    assert state.selection is None


def test_an_order_starts_as_shown_and_moves_keep_every_item():
    """order() is the shown order until moves change it; move clamps at the ends."""
    question = make_question(type="order", answer=("b", "c", "a"))
    state = QuestionState(question)
    shown = [option.key for option in question.options]
    assert state.order() == shown and state.selection is None
    assert state.move(2, -1) == 1
    assert state.order() == [shown[0], shown[2], shown[1]] == state.selection
    assert state.move(0, -5) == 0 and state.order() == [shown[0], shown[2], shown[1]]
    assert state.move(0, 9) == 2 and state.order() == [shown[2], shown[1], shown[0]]
    state.select(["a"])  # an incomplete selection does not count as an order
    assert state.order() == shown


def test_hints_come_one_per_call_and_then_none():
    """next_hint gives the first hint, then the second, then None; hints lists those shown."""
    question = make_question()
    state = QuestionState(question)
    assert state.hints == ()
    assert state.next_hint() == question.hints[0]
    assert state.hints == question.hints[:1]
    assert state.next_hint() == question.hints[1]
    assert state.next_hint() is None
    assert state.hints_shown == 2 and state.hints == question.hints


def test_a_question_without_hints_gives_none_at_once():
    """A question with no hints returns None from the first call."""
    state = QuestionState(make_question(hints=()))
    assert state.next_hint() is None and state.hints_shown == 0


@pytest.mark.parametrize("bank_question", tipcourse.questions(), ids=lambda q: q.id)
def test_evidence_pairs_are_quotes_the_report_holds_with_their_section_title(bank_question):
    """Every bank question's evidence: (section title, quote), each quote found in the report."""
    report = tipcourse.load_report()
    state = QuestionState(bank_question)
    assert not state.evidence_shown
    pairs = state.show_evidence()
    assert state.evidence_shown
    assert [quote for _, quote in pairs] == list(bank_question.evidence)
    for title, quote in pairs:
        where = report.locate(quote)
        assert where is not None, quote
        assert title == report.sections[where.section].title


def test_evidence_from_another_section_names_that_section():
    """A quote from Protection on a Prosecution question is titled with Protection's title."""
    quote = sentence("protection", 0)
    state = QuestionState(make_question(evidence=(sentence("prosecution", 0), quote)))
    titles = [title for title, _ in state.show_evidence()]
    sections = tipcourse.load_report().sections
    assert titles == [sections["prosecution"].title, sections["protection"].title]


def test_every_learner_sees_the_options_as_listed():
    """A state shows the options in the question's own order, whoever answers."""
    question = make_question()
    for learner in ("ana", "luis"):
        tipcourse.set_learner(learner)
        assert QuestionState(question).options() == list(question.options)
        assert QuizState([question]).states[0].options() == list(question.options)


def test_quiz_running_score_weighs_best_scores_by_points():
    """The running score is the sum of best score x points over all points."""
    single = make_question(points=2)
    several = make_question(id="prosecution.t02", type="multiple", answer=("a", "b"), points=1)
    truth = make_question(
        id="prosecution.t03",
        type="truefalse",
        answer=True,
        points=1,
        options=(),
        wrong_feedback="The report says otherwise.",
    )
    quiz = QuizState([single, several, truth])
    assert (quiz.total_points, quiz.earned, quiz.score, quiz.answered) == (4.0, 0.0, 0.0, 0)
    first, second, third = quiz.states
    first.select("a")
    first.check()
    assert quiz.answered == 1 and quiz.earned == 0.0
    first.select("b")
    first.check()
    second.select(["a"])  # one of the two right options: half the credit
    second.check()
    third.select(None)  # not answered: no attempt
    third.check()
    assert quiz.earned == pytest.approx(2.5)
    assert quiz.score == pytest.approx(2.5 / 4)
    assert quiz.answered == 2 and quiz.correct == 1


def test_an_empty_quiz_scores_zero():
    """A quiz with no questions has a score of 0, not a division error."""
    quiz = QuizState([])
    assert (quiz.total_points, quiz.score, quiz.answered) == (0, 0.0, 0)
