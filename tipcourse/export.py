"""``tipcourse export``: the question bank as files that Moodle and Canvas import.

Three formats, written by pure functions from the same :class:`~tipcourse.questions.Question`
objects (the same questions, in the same interface language, give the same bytes):

``gift``
    Moodle GIFT text (:func:`to_gift`). Moodle reads it under Question bank → Import → GIFT.
``moodle``
    Moodle XML (:func:`to_moodle_xml`), Moodle's own import format: it keeps more than GIFT does
    (points, hints, tags, the ID number, a unit for percentages, feedback for partly right
    answers).
``qti``
    A QTI 1.2 package (:func:`to_qti`): a zip holding ``imsmanifest.xml`` and one assessment,
    written the way Canvas writes its own QTI exports, so Canvas imports it with "QTI .zip file".

Every question keeps its id as its name (Moodle) or title and identifier (QTI), its points, each
answer's feedback, and a general feedback with the explanation and the report's quotes, each
quote with the title of the section it stands in. Moodle files put each section in a category
``$course$/top/tipcourse/<section>``; a GIFT question's comment line ``// [id:…] [tag:…]``
carries its ID number and tags, which recent Moodle versions read. Option order is left to the
LMS's own shuffling (tipcourse shows every learner the same order, with letters by position).

What each type becomes:

=========  ========================  ==========================  ==============================
tipcourse  GIFT                      Moodle XML                  QTI (Canvas question type)
=========  ========================  ==========================  ==============================
single     multiple choice, ``=``    multichoice, one answer     multiple_choice_question
multiple   multiple choice, ``~%``   multichoice, many answers   multiple_answers_question
truefalse  ``{TRUE}``/``{FALSE}``    truefalse                   true_false_question
numeric    ``{#answer:tolerance}``   numerical with tolerance    numerical_question
text       short answer              shortanswer, any case       short_answer_question
order      matching                  matching                    matching_question
=========  ========================  ==========================  ==============================

Where the formats cannot do what tipcourse does:

* **multiple**: a right option is worth 1/n of the points (n right options) and a wrong one
  takes 1/n away, never below 0 — tipcourse's rule exactly, in Moodle (up to 10 right options,
  the finest share Moodle accepts) and in Canvas, which applies this same rule to "multiple
  answers" itself. Other QTI players read the package's rule: full marks for the exact set only.
* **order** has no native type in any of the three formats. It becomes a matching question that
  pairs each position ("Position 1", "Position 2", …) with the item that belongs there. Moodle
  and Canvas give credit per position that holds the right item; tipcourse gives the share of
  neighbouring pairs in the right order, so b, c, d, a (for a, b, c, d) scores 0 in the LMS and
  2/3 in tipcourse. GIFT cannot keep the positions in order (Moodle's "shuffle" setting applies)
  nor give feedback per item, so the items' feedback is listed in the general feedback; Moodle
  XML lists it in the feedback for partly right and wrong answers; QTI shows each item's
  feedback when its position holds another item.
* **numeric**: a relative tolerance becomes the absolute tolerance it amounts to. Feedback for
  a range of wrong numbers is an answer worth 0 % in Moodle; Canvas counts every numerical
  answer as right, so in QTI those feedbacks are listed in the feedback for wrong answers.
  Only Moodle XML accepts "37.9%" where the unit is percent (a "%" unit, optional); elsewhere
  learners type the number alone.
* **text**: tipcourse ignores case, accents, dashes and spacing. Moodle ("case unimportant":
  set in Moodle XML, GIFT's default) and Canvas compare what is typed, ignoring case and
  surrounding spaces, with each accepted answer, so every accepted answer is listed as written
  and in tipcourse's folded form ("Yucatán" and "yucatan"); other spellings of accents, dashes
  or inner spaces are refused. Feedback for likely wrong answers is an answer worth 0 % in
  Moodle, and listed in the feedback for wrong answers in QTI (Canvas counts every short answer
  as right). A ``*`` in an answer is escaped for Moodle; in GIFT a ``->`` is written ``-*>`` (a
  literal ``->`` would make Moodle read a matching question), which still matches.
* **points**: GIFT has no syntax for a question's mark, so Moodle imports every GIFT question
  worth 1; the points are in the comment line above each question. Moodle XML and QTI keep them.
* **re-importing**: Canvas keeps each item's identifier as its migration id. Moodle always adds
  new copies on import and wants ID numbers unique within a category, so re-import into a new
  category (or delete the old copies first).
"""

from __future__ import annotations

import argparse
import html
import io
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from .compare import normalise_text
from .messages import message
from .questions import Option, Question, QuestionBankError
from .questions import questions as course_questions
from .report import SECTION_NAMES
from .session import evidence_pairs, section_title

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "add_parser",
    "export",
    "main",
    "run",
    "to_gift",
    "to_moodle_xml",
    "to_qti",
]

FORMATS = ("gift", "moodle", "qti")
#: The usual file ending of each format.
SUFFIXES = {"gift": ".gift.txt", "moodle": ".xml", "qti": ".zip"}
#: Where Moodle puts each section's questions: a category below the course's top category.
CATEGORY = "$course$/top/tipcourse/{section}"
#: The QTI assessment's identifier for the whole bank (a subset appends its sections' names).
ASSESSMENT_ID = "tipcourse_mexico_2012"
#: Canvas's question type for each tipcourse type.
CANVAS_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "truefalse": "true_false_question",
    "numeric": "numerical_question",
    "text": "short_answer_question",
    "order": "matching_question",
}
MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "numeric": "numerical",
    "text": "shortanswer",
    "order": "matching",
}
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_GIFT_ESCAPES = str.maketrans(
    {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:",
     "\n": "\\n", "\r": ""}
)
# Fixed zip entry metadata, so the package is byte-identical on every run and every machine.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_UNIX = 3


# -- text shared by every format ------------------------------------------------------------


def _tidy(text: str) -> str:
    """Text on one line with single spaces, whatever spacing the YAML gave it."""
    return " ".join(text.split())


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(_tidy(text), quote=False)}</p>"


def _bullets(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{html.escape(_tidy(line), quote=False)}</li>" for line in lines)
    return f"<ul>{items}</ul>" if items else ""


def _titled_list(heading_key: str, lines: Sequence[str]) -> str:
    """A heading paragraph and a bulleted list, or nothing when there are no lines."""
    return _paragraph(message(heading_key)) + _bullets(lines) if lines else ""


def _prompt(question: Question) -> str:
    """The question text as HTML; an order question also says how its matching works."""
    text = _paragraph(question.prompt)
    if question.type == "order":
        text += _paragraph(message("export.order_instruction"))
    return text


def _general_feedback(question: Question, extra: str = "") -> str:
    """The explanation, anything ``extra``, then each evidence quote with its section title."""
    quotes = [
        message("export.evidence_item", section=title, quote=quote)
        for title, quote in evidence_pairs(question)
    ]
    evidence = _titled_list("export.evidence_heading", quotes)
    return _paragraph(question.explanation) + extra + evidence


def _misplaced(question: Question) -> list[str]:
    """For an order question: each item's feedback, in the right order of the items."""
    return [
        message("export.misplaced_item", item=_tidy(item.text), feedback=_tidy(item.feedback))
        for item in _ordered_items(question)
    ]


def _ordered_items(question: Question) -> list[Option]:
    by_key = {option.key: option for option in question.options}
    return [by_key[key] for key in question.answer]


def _advice(question: Question) -> list[str]:
    """Feedback for known wrong answers (numeric ranges, text answers), one line each."""
    if question.type == "numeric":
        lines = []
        for found in question.ranges:
            if found.low == found.high:
                lines.append(message("export.if_answered", value=_number(found.low),
                                     feedback=_tidy(found.feedback)))
            else:
                lines.append(message("export.if_between", low=_number(found.low),
                                     high=_number(found.high), feedback=_tidy(found.feedback)))
        return lines
    if question.type == "text":
        return [
            message("export.if_answered", value=" / ".join(wrong.answers),
                    feedback=_tidy(wrong.feedback))
            for wrong in question.wrong_answers
        ]
    return []


def _incorrect_feedback(question: Question) -> str:
    """The feedback for any wrong answer, with the advice for known wrong answers after it."""
    return _paragraph(question.wrong_feedback) + _titled_list("export.advice_heading",
                                                              _advice(question))


def _decimal(value: float | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def _number(value: float | Decimal) -> str:
    """A number as the formats want it: no exponent, no trailing zeros (18, 37.9, 0.1)."""
    text = format(_decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _margin(question: Question) -> Decimal:
    """The absolute tolerance of a numeric answer (a relative one converted)."""
    answer = _decimal(question.answer)
    return max(_decimal(question.tolerance), _decimal(question.relative_tolerance) * abs(answer))


def _percent(fraction: Decimal) -> str:
    """A share as Moodle writes grades: 100, 50, 33.33333, -33.33333."""
    return _number(round(fraction * 100, 5))


def _share(question: Question) -> Decimal:
    """The share of the points one right option of a multiple-choice question is worth."""
    return Decimal(1) / len(question.answer)


def _with_folded_forms(texts: Iterable[str], taken: set[str] | None = None) -> list[str]:
    """The texts as written, then in tipcourse's folded form; no two equal ignoring case.

    ``taken`` (case-folded texts already used) is updated, so wrong answers never repeat a
    right one.
    """
    texts = list(texts)
    seen = set() if taken is None else taken
    forms = []
    for text in [*texts, *(normalise_text(text) for text in texts)]:
        if text.strip() and text.casefold() not in seen:
            seen.add(text.casefold())
            forms.append(text)
    return forms


def _text_forms(question: Question) -> tuple[list[str], list[tuple[str, str]]]:
    """The accepted forms of a text answer, and (form, feedback) for known wrong answers."""
    taken: set[str] = set()
    accepted = _with_folded_forms([question.answer, *question.accept], taken)
    wrong = [
        (form, wrong_answer.feedback)
        for wrong_answer in question.wrong_answers
        for form in _with_folded_forms(wrong_answer.answers, taken)
    ]
    return accepted, wrong


def _wildcard_literal(text: str) -> str:
    """Moodle short answers read ``*`` as "anything"; a backslash makes it a plain star."""
    return text.replace("*", "\\*")


def _sections_of(bank: Sequence[Question]) -> list[str]:
    return list(dict.fromkeys(question.section for question in bank))


def _title(bank: Sequence[Question]) -> str:
    sections = _sections_of(bank)
    if set(sections) >= set(SECTION_NAMES) or not sections:
        return message("export.title")
    names = ", ".join(section_title(section) for section in sections)
    return message("export.title_sections", sections=names)


# -- GIFT -----------------------------------------------------------------------------------


def _gift(text: str) -> str:
    """Text with GIFT's control characters escaped: ~ = # { } : and the backslash."""
    return text.translate(_GIFT_ESCAPES)


def _gift_html(html_text: str) -> str:
    """HTML for GIFT; a leading % or [ (a weight or a format to GIFT) becomes an entity."""
    if html_text[:1] in ("%", "["):
        html_text = f"&#{ord(html_text[0])};{html_text[1:]}"
    return _gift(html_text)


def _gift_short_answer(text: str) -> str:
    """A short answer for GIFT: a literal "->" would make Moodle read a matching question, so
    it becomes "-*>", whose wildcard still matches what the learner types."""
    return _wildcard_literal(_gift(text)).replace("->", "-*>")


def _gift_option(option: Option) -> str:
    text = _gift_html(html.escape(_tidy(option.text), quote=False))
    return text + (f"#{_gift_html(_paragraph(option.feedback))}" if option.feedback.strip() else "")


def _gift_answers(question: Question) -> list[str]:
    """The lines between the braces, before the general feedback."""
    kind = question.type
    if kind == "single":
        return [("=" if option.key == question.answer else "~") + _gift_option(option)
                for option in question.options]
    if kind == "multiple":
        share = _share(question)
        return [f"~%{_percent(share if option.key in question.answer else -share)}%"
                + _gift_option(option) for option in question.options]
    if kind == "numeric":
        lines = [f"={_number(question.answer)}:{_number(_margin(question))}"]
        for found in question.ranges:
            value = (f"{_number(found.low)}:0" if found.low == found.high
                     else f"{_number(found.low)}..{_number(found.high)}")
            lines.append(f"=%0%{value}#{_gift_html(_paragraph(found.feedback))}")
        lines.append(f"~#{_gift_html(_paragraph(question.wrong_feedback))}")
        return lines
    if kind == "text":
        accepted, wrong = _text_forms(question)
        lines = [f"=%100%{_gift_short_answer(form)}" for form in accepted]
        lines += [f"=%0%{_gift_short_answer(form)}#{_gift_html(_paragraph(feedback))}"
                  for form, feedback in wrong]
        lines.append(f"=%0%*#{_gift_html(_paragraph(question.wrong_feedback))}")
        return lines
    if kind == "order":
        return [
            "=" + _gift_html(html.escape(message("export.position", number=number), quote=False))
            + " -> " + _gift(_tidy(item.text))
            for number, item in enumerate(_ordered_items(question), 1)
        ]
    raise ValueError(kind)


def _gift_question(question: Question) -> str:
    tags = " ".join(f"[tag:{tag}]" for tag in _tags(question))
    comment = (f"// [id:{question.id}] {tags} points={_number(question.points)} "
               f"type={question.type}")
    head = f"::{_gift(question.id)}::[html]{_gift(_prompt(question))}"
    misplaced = _misplaced(question) if question.type == "order" else []
    extra = _titled_list("export.misplaced_heading", misplaced)
    general = "\t####" + _gift(_general_feedback(question, extra))
    if question.type == "truefalse":
        answer = "TRUE" if question.answer else "FALSE"
        wrong = _gift_html(_paragraph(question.wrong_feedback))
        return f"{comment}\n{head}{{{answer}#{wrong}#\n{general}\n}}"
    opening = "{#" if question.type == "numeric" else "{"
    lines = "".join(f"\t{line}\n" for line in _gift_answers(question))
    return f"{comment}\n{head}{opening}\n{lines}{general}\n}}"


def _tags(question: Question) -> list[str]:
    return ["tipcourse", question.section, question.skill]


def to_gift(bank: Iterable[Question]) -> str:
    """The questions as Moodle GIFT text, one category per section, in the order given."""
    bank = list(bank)
    blocks = [f"// {_title(bank)}"]
    section = None
    for question in bank:
        if question.section != section:
            section = question.section
            blocks.append(f"$CATEGORY: {CATEGORY.format(section=section)}")
        blocks.append(_gift_question(question))
    return "\n\n".join(blocks) + "\n"


# -- Moodle XML -----------------------------------------------------------------------------


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _moodle_text(parent: ET.Element, tag: str, text: str, text_format: str = "html",
                 **attributes: str) -> ET.Element:
    """A Moodle ``<tag format=...><text>...</text></tag>`` element."""
    element = _add(parent, tag, format=text_format, **attributes)
    _add(element, "text", text)
    return element


def _moodle_answer(parent: ET.Element, fraction: Decimal | int, text: str, feedback: str = "",
                   text_format: str = "moodle_auto_format") -> ET.Element:
    answer = _moodle_text(parent, "answer", text, text_format,
                          fraction=_percent(Decimal(fraction)))
    _moodle_text(answer, "feedback", feedback)
    return answer


def _moodle_combined_feedback(element: ET.Element, wrong: str = "") -> None:
    """The feedback for right, partly right and wrong answers that choice types carry."""
    _moodle_text(element, "correctfeedback", "")
    _moodle_text(element, "partiallycorrectfeedback", wrong)
    _moodle_text(element, "incorrectfeedback", wrong)
    _add(element, "shownumcorrect")


def _moodle_choice(element: ET.Element, question: Question) -> None:
    single = question.type == "single"
    _add(element, "single", "true" if single else "false")
    _add(element, "shuffleanswers", "true")
    _add(element, "answernumbering", "abc")
    _moodle_combined_feedback(element)
    share = Decimal(1) if single else _share(question)
    for option in question.options:
        right = option.key == question.answer if single else option.key in question.answer
        fraction = share if right else (Decimal(0) if single else -share)
        feedback = _paragraph(option.feedback) if option.feedback.strip() else ""
        _moodle_answer(element, fraction, html.escape(_tidy(option.text), quote=False),
                       feedback, "html")


def _moodle_truefalse(element: ET.Element, question: Question) -> None:
    for value, word in ((True, "true"), (False, "false")):
        right = question.answer is value
        _moodle_answer(element, 1 if right else 0, word,
                       "" if right else _paragraph(question.wrong_feedback))


def _moodle_numeric(element: ET.Element, question: Question) -> None:
    right = _moodle_answer(element, 1, _number(question.answer))
    _add(right, "tolerance", _number(_margin(question)))
    for found in question.ranges:
        low, high = _decimal(found.low), _decimal(found.high)
        wrong = _moodle_answer(element, 0, _number((low + high) / 2), _paragraph(found.feedback))
        _add(wrong, "tolerance", _number((high - low) / 2))
    other = _moodle_answer(element, 0, "*", _paragraph(question.wrong_feedback))
    _add(other, "tolerance", "0")
    percent = question.unit == "percent"
    # Units optional and not graded: "37.9" and "37.9%" are both read as 37.9.
    _add(element, "unitgradingtype", "0")
    _add(element, "unitpenalty", "0")
    _add(element, "showunits", "0" if percent else "3")
    _add(element, "unitsleft", "0")
    if percent:
        unit = _add(_add(element, "units"), "unit")
        _add(unit, "multiplier", "1")
        _add(unit, "unit_name", "%")


def _moodle_text_answer(element: ET.Element, question: Question) -> None:
    _add(element, "usecase", "0")
    accepted, wrong = _text_forms(question)
    for form in accepted:
        _moodle_answer(element, 1, _wildcard_literal(form))
    for form, feedback in wrong:
        _moodle_answer(element, 0, _wildcard_literal(form), _paragraph(feedback))
    _moodle_answer(element, 0, "*", _paragraph(question.wrong_feedback))


def _moodle_order(element: ET.Element, question: Question) -> None:
    _add(element, "shuffleanswers", "false")  # the positions stay in order; Moodle shuffles items
    _moodle_combined_feedback(element, _titled_list("export.misplaced_heading",
                                                    _misplaced(question)))
    for number, item in enumerate(_ordered_items(question), 1):
        position = html.escape(message("export.position", number=number), quote=False)
        subquestion = _moodle_text(element, "subquestion", position)
        _add(_add(subquestion, "answer"), "text", _tidy(item.text))


_MOODLE_BODIES = {
    "single": _moodle_choice,
    "multiple": _moodle_choice,
    "truefalse": _moodle_truefalse,
    "numeric": _moodle_numeric,
    "text": _moodle_text_answer,
    "order": _moodle_order,
}


def _moodle_question(quiz: ET.Element, question: Question) -> None:
    element = _add(quiz, "question", type=MOODLE_TYPES[question.type])
    _add(_add(element, "name"), "text", question.id)
    _moodle_text(element, "questiontext", _prompt(question))
    _moodle_text(element, "generalfeedback", _general_feedback(question))
    _add(element, "defaultgrade", _number(question.points))
    _add(element, "hidden", "0")
    _add(element, "idnumber", question.id)
    _MOODLE_BODIES[question.type](element, question)
    for hint in question.hints:
        _moodle_text(element, "hint", _paragraph(hint))
    tags = _add(element, "tags")
    for tag in _tags(question):
        _add(_add(tags, "tag"), "text", tag)


def _xml_text(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return _XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def to_moodle_xml(bank: Iterable[Question]) -> str:
    """The questions as Moodle XML, one category per section, in the order given."""
    bank = list(bank)
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" {_title(bank)} "))
    section = None
    for question in bank:
        if question.section != section:
            section = question.section
            category = _add(quiz, "question", type="category")
            _add(_add(category, "category"), "text", CATEGORY.format(section=section))
        _moodle_question(quiz, question)
    return _xml_text(quiz)


# -- QTI 1.2 (Canvas) -----------------------------------------------------------------------


def _answer_id(number: int) -> str:
    """A choice's identifier: Canvas keys answers by number (1001, 1002, …)."""
    return str(1000 + number)


def _item_id(number: int) -> str:
    """An order item's identifier among a matching question's choices (2001, 2002, …)."""
    return str(2000 + number)


def _mattext(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    _add(_add(parent, "material"), "mattext", text, texttype=texttype)


def _respcondition(
    resprocessing: ET.Element, continue_: str = "Yes"
) -> tuple[ET.Element, ET.Element]:
    """A condition and its (empty) test; "Yes" goes on to the next condition after a match."""
    condition = _add(resprocessing, "respcondition", **{"continue": continue_})
    return condition, _add(condition, "conditionvar")


def _show(condition: ET.Element, feedback_id: str) -> None:
    _add(condition, "displayfeedback", feedbacktype="Response", linkrefid=feedback_id)


def _always_show(resprocessing: ET.Element, feedback_id: str) -> None:
    condition, test = _respcondition(resprocessing)
    _add(test, "other")
    _show(condition, feedback_id)


def _score(condition: ET.Element, value: str = "100", action: str = "Set") -> None:
    _add(condition, "setvar", value, action=action, varname="SCORE")


def _varequal(parent: ET.Element, value: str, response: str = "response1") -> ET.Element:
    return _add(parent, "varequal", value, respident=response)


def _qti_choice(presentation: ET.Element, resprocessing: ET.Element,
                question: Question) -> dict[str, str]:
    """single, multiple and truefalse: one list of choices. Returns per-answer feedback."""
    if question.type == "truefalse":
        choices = [
            (_answer_id(number), word, question.answer is value,
             "" if question.answer is value else question.wrong_feedback)
            for number, (value, word) in enumerate(((True, "True"), (False, "False")), 1)
        ]
    else:
        right_keys = [question.answer] if question.type == "single" else list(question.answer)
        choices = [(_answer_id(number), option.text, option.key in right_keys, option.feedback)
                   for number, option in enumerate(question.options, 1)]
    multiple = question.type == "multiple"
    response = _add(presentation, "response_lid", ident="response1",
                    rcardinality="Multiple" if multiple else "Single")
    render = _add(response, "render_choice",
                  shuffle="No" if question.type == "truefalse" else "Yes")
    for ident, text, _, _ in choices:
        _mattext(_add(render, "response_label", ident=ident), _tidy(text), "text/plain")
    feedback = {}
    for ident, _, _, comment in choices:
        if comment.strip():
            feedback[f"{ident}_fb"] = _paragraph(comment)
            condition, test = _respcondition(resprocessing)
            _varequal(test, ident)
            _show(condition, f"{ident}_fb")
    condition, test = _respcondition(resprocessing, "No")
    if multiple:
        every = _add(test, "and")
        for ident, _, right, _ in choices:
            _varequal(every if right else _add(every, "not"), ident)
    else:
        _varequal(test, next(ident for ident, _, right, _ in choices if right))
    _score(condition)
    return feedback


def _qti_numeric(presentation: ET.Element, resprocessing: ET.Element,
                 question: Question) -> dict[str, str]:
    response = _add(presentation, "response_str", ident="response1", rcardinality="Single")
    _add(_add(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    answer, margin = _decimal(question.answer), _margin(question)
    condition, test = _respcondition(resprocessing, "No")
    either = _add(test, "or")
    _varequal(either, _number(answer))
    within = _add(either, "and")
    _add(within, "vargte", _number(answer - margin), respident="response1")
    _add(within, "varlte", _number(answer + margin), respident="response1")
    _score(condition)
    return {}


def _qti_text(presentation: ET.Element, resprocessing: ET.Element,
              question: Question) -> dict[str, str]:
    response = _add(presentation, "response_str", ident="response1", rcardinality="Single")
    _add(_add(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    accepted, _ = _text_forms(question)
    condition, test = _respcondition(resprocessing, "No")
    either = _add(test, "or")
    for form in accepted:
        _add(either, "varequal", form, respident="response1", case="No")
    _score(condition)
    return {}


def _qti_order(presentation: ET.Element, resprocessing: ET.Element,
               question: Question) -> dict[str, str]:
    """Canvas's matching question: each position is a row, each item a choice."""
    items = list(question.options)
    item_ids = {option.key: _item_id(number) for number, option in enumerate(items, 1)}
    for number in range(1, len(items) + 1):
        row = _add(presentation, "response_lid", ident=f"response_{_answer_id(number)}")
        _mattext(row, message("export.position", number=number), "text/plain")
        render = _add(row, "render_choice")
        for option in items:
            _mattext(_add(render, "response_label", ident=item_ids[option.key]),
                     _tidy(option.text), "text/plain")
    points_each = _number(round(Decimal(100) / len(items), 4))
    feedback = {}
    for number, item_option in enumerate(_ordered_items(question), 1):
        row = f"response_{_answer_id(number)}"
        condition, test = _respcondition(resprocessing)
        _varequal(test, item_ids[item_option.key], row)
        _score(condition, points_each, "Add")
        feedback_id = f"{_answer_id(number)}_fb"
        feedback[feedback_id] = _paragraph(message(
            "export.misplaced_item", item=_tidy(item_option.text),
            feedback=_tidy(item_option.feedback)))
        condition, test = _respcondition(resprocessing)
        _varequal(_add(test, "not"), item_ids[item_option.key], row)
        _show(condition, feedback_id)
    return feedback


_QTI_BODIES = {
    "single": _qti_choice,
    "multiple": _qti_choice,
    "truefalse": _qti_choice,
    "numeric": _qti_numeric,
    "text": _qti_text,
    "order": _qti_order,
}


def _item_feedback(item: ET.Element, ident: str, text: str) -> None:
    feedback = _add(item, "itemfeedback", ident=ident)
    _mattext(_add(feedback, "flow_mat"), text)


def _qti_item(section: ET.Element, question: Question) -> None:
    item = _add(section, "item", ident=question.id, title=question.id)
    metadata = _add(_add(item, "itemmetadata"), "qtimetadata")
    for label, entry in (("question_type", CANVAS_TYPES[question.type]),
                         ("points_possible", _number(question.points))):
        field = _add(metadata, "qtimetadatafield")
        _add(field, "fieldlabel", label)
        _add(field, "fieldentry", entry)
    presentation = _add(item, "presentation")
    _mattext(presentation, f"<div>{_prompt(question)}</div>")
    resprocessing = _add(item, "resprocessing")
    _add(_add(resprocessing, "outcomes"), "decvar", maxvalue="100", minvalue="0",
         varname="SCORE", vartype="Decimal")
    _always_show(resprocessing, "general_fb")
    answer_feedback = _QTI_BODIES[question.type](presentation, resprocessing, question)
    incorrect = _incorrect_feedback(question) if question.type in ("numeric", "text") else ""
    if incorrect:
        _always_show(resprocessing, "general_incorrect_fb")
    _item_feedback(item, "general_fb", _general_feedback(question))
    if incorrect:
        _item_feedback(item, "general_incorrect_fb", incorrect)
    for ident, text in answer_feedback.items():
        _item_feedback(item, ident, text)


def _assessment_id(bank: Sequence[Question]) -> str:
    sections = _sections_of(bank)
    if set(sections) >= set(SECTION_NAMES) or not sections:
        return ASSESSMENT_ID
    return "_".join([ASSESSMENT_ID, *sections])


def _manifest(identifier: str, title: str, href: str) -> str:
    manifest = ET.Element("manifest", {
        "identifier": f"{identifier}_manifest",
        "xmlns": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
        "xmlns:imsmd": "http://www.imsglobal.org/xsd/imsmd_v1p2",
    })
    metadata = _add(manifest, "metadata")
    _add(metadata, "schema", "IMS Content")
    _add(metadata, "schemaversion", "1.1.3")
    lom_title = _add(_add(_add(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title")
    _add(lom_title, "imsmd:string", title)
    _add(manifest, "organizations")
    resource = _add(_add(manifest, "resources"), "resource", identifier=identifier,
                    type="imsqti_xmlv1p2")
    _add(resource, "file", href=href)
    return _xml_text(manifest)


def _assessment(identifier: str, title: str, bank: Sequence[Question]) -> str:
    root = ET.Element("questestinterop", {
        "xmlns": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2",
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:schemaLocation": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2 "
                              "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd",
    })
    assessment = _add(root, "assessment", ident=identifier, title=title)
    section = _add(assessment, "section", ident="root_section")
    for question in bank:
        _qti_item(section, question)
    return _xml_text(root)


def _zip(files: Sequence[tuple[str, str]]) -> bytes:
    """A zip with fixed dates and modes, stored uncompressed so no zlib build changes a byte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, text in files:
            entry = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            entry.create_system = _UNIX
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()


def to_qti(bank: Iterable[Question]) -> bytes:
    """The questions as a QTI 1.2 package (zip bytes) in the form Canvas imports."""
    bank = list(bank)
    identifier, title = _assessment_id(bank), _title(bank)
    href = f"{identifier}/{identifier}.xml"
    return _zip([
        ("imsmanifest.xml", _manifest(identifier, title, href)),
        (href, _assessment(identifier, title, bank)),
    ])


def export(bank: Iterable[Question], file_format: str) -> bytes:
    """The file's bytes for ``file_format`` ("gift", "moodle" or "qti")."""
    if file_format == "gift":
        return to_gift(bank).encode("utf-8")
    if file_format == "moodle":
        return to_moodle_xml(bank).encode("utf-8")
    if file_format == "qti":
        return to_qti(bank)
    raise ValueError(message("export.unknown_format", format=file_format,
                             formats=", ".join(FORMATS)))


# -- the command line -----------------------------------------------------------------------


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``tipcourse export`` on the ``commands`` of the main parser."""
    parser = commands.add_parser(
        "export", help=message("export.help"), description=message("export.description")
    )
    parser.add_argument("--format", required=True, metavar="FORMAT",
                        help=message("export.format_help"))
    parser.add_argument("--out", required=True, metavar="FILE", help=message("export.out_help"))
    parser.add_argument("--section", action="extend", nargs="+", metavar="SECTION",
                        help=message("export.section_help", sections=", ".join(SECTION_NAMES)))
    parser.set_defaults(run=run)
    return parser


def _fail(text: str, status: int) -> int:
    print(text, file=sys.stderr)
    return status


def run(args: argparse.Namespace, extra: list[str]) -> int:
    """Write the export file; every problem is one line on stderr and a non-zero status."""
    if extra:
        return _fail(message("cli.unrecognized", arguments=" ".join(extra)), 2)
    file_format = args.format.strip().lower()
    if file_format not in FORMATS:
        return _fail(message("export.unknown_format", format=args.format,
                             formats=", ".join(FORMATS)), 2)
    chosen = list(dict.fromkeys(args.section or SECTION_NAMES))
    for section in chosen:
        if section not in SECTION_NAMES:
            return _fail(message("export.unknown_section", section=section,
                                 sections=", ".join(SECTION_NAMES)), 2)
    out = Path(args.out)
    if out.is_dir():
        example = out / f"tipcourse-questions{SUFFIXES[file_format]}"
        return _fail(message("export.out_is_directory", path=out, example=example), 2)
    folder = out.absolute().parent
    if not folder.is_dir():  # say so before the slow part: loading and exporting the bank
        return _fail(message("export.no_folder", path=out, folder=folder), 1)
    try:
        bank = [question for question in course_questions() if question.section in chosen]
    except QuestionBankError as error:
        return _fail(str(error), 1)
    if not bank:
        return _fail(message("export.no_questions"), 1)
    data = export(bank, file_format)
    try:
        out.write_bytes(data)
    except OSError as error:
        return _fail(message("export.cannot_write", path=out,
                             reason=error.strerror or error), 1)
    print(message("export.written", count=len(bank), format=message(f"export.format.{file_format}"),
                  path=out.absolute()))
    print(message(f"export.next.{file_format}"))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``tipcourse export`` on its own: ``argv`` holds the options (``export`` may lead)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["export"]:
        arguments = arguments[1:]
    parser = argparse.ArgumentParser(prog="tipcourse", description=message("cli.description"))
    add_parser(parser.add_subparsers(dest="command", metavar="COMMAND"))
    args = parser.parse_args(["export", *arguments])
    return args.run(args, [])


if __name__ == "__main__":
    sys.exit(main())
