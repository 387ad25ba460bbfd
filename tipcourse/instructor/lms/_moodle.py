"""Moodle XML, Moodle's own import format: it keeps points, hints, tags and the ID number."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from decimal import Decimal

from ...engine._questions import Question
from ...engine.types._registry import shape_handler
from ...report.messages import message
from . import _formats as lms

__all__ = ["MOODLE_BODIES", "MOODLE_TYPES", "to_moodle_xml"]

#: Moodle's question type for each LMS shape a question type gives (``QuestionType.lms``).
MOODLE_TYPES = {
    "single_choice": "multichoice",
    "multiple_choice": "multichoice",
    "truefalse": "truefalse",
    "numerical": "numerical",
    "shortanswer": "shortanswer",
    "matching": "matching",
}


def _moodle_text(
    parent: ET.Element, tag: str, text: str, text_format: str = "html", **attributes: str
) -> ET.Element:
    """A Moodle ``<tag format=...><text>...</text></tag>`` element."""
    element = lms.add(parent, tag, format=text_format, **attributes)
    lms.add(element, "text", text)
    return element


def _moodle_answer(
    parent: ET.Element,
    fraction: Decimal | int,
    text: str,
    feedback: str = "",
    text_format: str = "moodle_auto_format",
) -> ET.Element:
    answer = _moodle_text(
        parent, "answer", text, text_format, fraction=lms.percent(Decimal(fraction))
    )
    _moodle_text(answer, "feedback", feedback)
    return answer


def _moodle_combined_feedback(element: ET.Element, wrong: str = "") -> None:
    """The feedback for right, partly right and wrong answers that choice types carry."""
    _moodle_text(element, "correctfeedback", "")
    _moodle_text(element, "partiallycorrectfeedback", wrong)
    _moodle_text(element, "incorrectfeedback", wrong)
    lms.add(element, "shownumcorrect")


def _moodle_choice(element: ET.Element, question: Question) -> None:
    single = question.question_type.lms == "single_choice"
    lms.add(element, "single", "true" if single else "false")
    lms.add(element, "shuffleanswers", "true")
    lms.add(element, "answernumbering", "abc")
    _moodle_combined_feedback(element)
    share = Decimal(1) if single else lms.share(question)
    for option in question.options:
        right = option.key in question.question_type.right_keys(question)
        fraction = share if right else (Decimal(0) if single else -share)
        feedback = lms.paragraph(option.feedback) if option.feedback.strip() else ""
        _moodle_answer(
            element, fraction, html.escape(lms.tidy(option.text), quote=False), feedback, "html"
        )


def _moodle_truefalse(element: ET.Element, question: Question) -> None:
    for value, word in ((True, "true"), (False, "false")):
        right = question.answer is value
        _moodle_answer(
            element,
            1 if right else 0,
            word,
            "" if right else lms.paragraph(question.wrong_feedback),
        )


def _moodle_numeric(element: ET.Element, question: Question) -> None:
    right = _moodle_answer(element, 1, lms.number(question.answer))
    lms.add(right, "tolerance", lms.number(lms.margin(question)))
    for found in question.ranges:
        low, high = lms.decimal(found.low), lms.decimal(found.high)
        middle = lms.number((low + high) / 2)
        wrong = _moodle_answer(element, 0, middle, lms.paragraph(found.feedback))
        lms.add(wrong, "tolerance", lms.number((high - low) / 2))
    other = _moodle_answer(element, 0, "*", lms.paragraph(question.wrong_feedback))
    lms.add(other, "tolerance", "0")
    percent = question.unit == "percent"
    # Units optional and not graded: "37.9" and "37.9%" are both read as 37.9.
    lms.add(element, "unitgradingtype", "0")
    lms.add(element, "unitpenalty", "0")
    lms.add(element, "showunits", "0" if percent else "3")
    lms.add(element, "unitsleft", "0")
    if percent:
        unit = lms.add(lms.add(element, "units"), "unit")
        lms.add(unit, "multiplier", "1")
        lms.add(unit, "unit_name", "%")


def _moodle_text_answer(element: ET.Element, question: Question) -> None:
    lms.add(element, "usecase", "0")
    accepted, wrong = lms.text_forms(question)
    for form in accepted:
        _moodle_answer(element, 1, lms.wildcard_literal(form))
    for form, feedback in wrong:
        _moodle_answer(element, 0, lms.wildcard_literal(form), lms.paragraph(feedback))
    _moodle_answer(element, 0, "*", lms.paragraph(question.wrong_feedback))


def _moodle_order(element: ET.Element, question: Question) -> None:
    # The positions stay in order; Moodle shuffles the items.
    lms.add(element, "shuffleanswers", "false")
    _moodle_combined_feedback(
        element, lms.titled_list("export.misplaced_heading", lms.misplaced(question))
    )
    for number, item in enumerate(lms.ordered_items(question), 1):
        position = html.escape(message("export.position", number=number), quote=False)
        subquestion = _moodle_text(element, "subquestion", position)
        lms.add(lms.add(subquestion, "answer"), "text", lms.tidy(item.text))


#: What each LMS shape writes inside its ``<question>``.
MOODLE_BODIES: dict[str, Callable[[ET.Element, Question], None]] = {
    "single_choice": _moodle_choice,
    "multiple_choice": _moodle_choice,
    "truefalse": _moodle_truefalse,
    "numerical": _moodle_numeric,
    "shortanswer": _moodle_text_answer,
    "matching": _moodle_order,
}


def _moodle_question(quiz: ET.Element, question: Question) -> None:
    shape = question.question_type.lms
    body = shape_handler(MOODLE_BODIES, shape, "Moodle XML")
    element = lms.add(quiz, "question", type=shape_handler(MOODLE_TYPES, shape, "Moodle XML"))
    lms.add(lms.add(element, "name"), "text", question.id)
    _moodle_text(element, "questiontext", lms.prompt(question))
    _moodle_text(element, "generalfeedback", lms.general_feedback(question))
    lms.add(element, "defaultgrade", lms.number(question.points))
    lms.add(element, "hidden", "0")
    lms.add(element, "idnumber", question.id)
    body(element, question)
    for hint in question.hints:
        _moodle_text(element, "hint", lms.paragraph(hint))
    tags = lms.add(element, "tags")
    for tag in lms.tags(question):
        lms.add(lms.add(tags, "tag"), "text", tag)


def to_moodle_xml(bank: Iterable[Question]) -> str:
    """The questions as Moodle XML, one category per section, in the order given."""
    bank = list(bank)
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" {lms.title(bank)} "))
    section = None
    for question in bank:
        if question.section != section:
            section = question.section
            category = lms.add(quiz, "question", type="category")
            lms.add(lms.add(category, "category"), "text", lms.CATEGORY.format(section=section))
        _moodle_question(quiz, question)
    return lms.xml_text(quiz)
