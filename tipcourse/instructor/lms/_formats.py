"""What every export format shares: question text and feedback as HTML, numbers and XML."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ...engine._questions import Option, Question
from ...engine.compare import normalise_text
from ...engine.session import evidence_pairs
from ...report._parse import SECTION_NAMES, section_title
from ...report._text import one_line
from ...report.messages import message

__all__ = [
    "CATEGORY",
    "XML_DECLARATION",
    "add",
    "decimal",
    "general_feedback",
    "incorrect_feedback",
    "margin",
    "misplaced",
    "number",
    "ordered_items",
    "paragraph",
    "percent",
    "prompt",
    "sections_of",
    "share",
    "tags",
    "text_forms",
    "tidy",
    "title",
    "titled_list",
    "wildcard_literal",
    "xml_text",
]

#: Where Moodle puts each section's questions: a category below the course's top category.
CATEGORY = "$course$/top/tipcourse/{section}"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def tidy(text: str) -> str:
    """Text on one line with single spaces, whatever spacing the YAML gave it."""
    return one_line(text)


def paragraph(text: str) -> str:
    return f"<p>{html.escape(tidy(text), quote=False)}</p>"


def _bullets(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{html.escape(tidy(line), quote=False)}</li>" for line in lines)
    return f"<ul>{items}</ul>" if items else ""


def titled_list(heading_key: str, lines: Sequence[str]) -> str:
    """A heading paragraph and a bulleted list, or nothing when there are no lines."""
    return paragraph(message(heading_key)) + _bullets(lines) if lines else ""


def prompt(question: Question) -> str:
    """The question text as HTML; an order question also says how its matching works."""
    text = paragraph(question.prompt)
    if question.question_type.lms == "matching":
        text += paragraph(message("export.order_instruction"))
    return text


def general_feedback(question: Question, extra: str = "") -> str:
    """The explanation, anything ``extra``, then each evidence quote with its section title."""
    quotes = [
        message("export.evidence_item", section=title, quote=quote)
        for title, quote in evidence_pairs(question)
    ]
    evidence = titled_list("export.evidence_heading", quotes)
    return paragraph(question.explanation) + extra + evidence


def misplaced(question: Question) -> list[str]:
    """For an order question: each item's feedback, in the right order of the items."""
    return [
        message("export.misplaced_item", item=tidy(item.text), feedback=tidy(item.feedback))
        for item in ordered_items(question)
    ]


def ordered_items(question: Question) -> list[Option]:
    by_key = {option.key: option for option in question.options}
    return [by_key[key] for key in question.answer]


def _advice(question: Question) -> list[str]:
    """Feedback for known wrong answers (numeric ranges, text answers), one line each."""
    if question.question_type.lms == "numerical":
        lines = []
        for found in question.ranges:
            if found.low == found.high:
                lines.append(
                    message(
                        "export.if_answered", value=number(found.low), feedback=tidy(found.feedback)
                    )
                )
            else:
                lines.append(
                    message(
                        "export.if_between",
                        low=number(found.low),
                        high=number(found.high),
                        feedback=tidy(found.feedback),
                    )
                )
        return lines
    if question.question_type.lms == "shortanswer":
        return [
            message(
                "export.if_answered", value=" / ".join(wrong.answers), feedback=tidy(wrong.feedback)
            )
            for wrong in question.wrong_answers
        ]
    return []


def incorrect_feedback(question: Question) -> str:
    """The feedback for any wrong answer, with the advice for known wrong answers after it."""
    return paragraph(question.wrong_feedback) + titled_list(
        "export.advice_heading", _advice(question)
    )


def decimal(value: float | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def number(value: float | Decimal) -> str:
    """A number as the formats want it: no exponent, no trailing zeros (18, 37.9, 0.1)."""
    text = format(decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def margin(question: Question) -> Decimal:
    """The absolute tolerance of a numeric answer (a relative one converted)."""
    answer = decimal(question.answer)
    return max(decimal(question.tolerance), decimal(question.relative_tolerance) * abs(answer))


def percent(fraction: Decimal) -> str:
    """A share as Moodle writes grades: 100, 50, 33.33333, -33.33333."""
    return number(round(fraction * 100, 5))


def share(question: Question) -> Decimal:
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


def text_forms(question: Question) -> tuple[list[str], list[tuple[str, str]]]:
    """The accepted forms of a text answer, and (form, feedback) for known wrong answers."""
    taken: set[str] = set()
    accepted = _with_folded_forms([question.answer, *question.accept], taken)
    wrong = [
        (form, wrong_answer.feedback)
        for wrong_answer in question.wrong_answers
        for form in _with_folded_forms(wrong_answer.answers, taken)
    ]
    return accepted, wrong


def wildcard_literal(text: str) -> str:
    """Moodle short answers read ``*`` as "anything"; a backslash makes it a plain star."""
    return text.replace("*", "\\*")


def sections_of(bank: Sequence[Question]) -> list[str]:
    return list(dict.fromkeys(question.section for question in bank))


def title(bank: Sequence[Question]) -> str:
    sections = sections_of(bank)
    if set(sections) >= set(SECTION_NAMES) or not sections:
        return message("export.title")
    names = ", ".join(section_title(section) for section in sections)
    return message("export.title_sections", sections=names)


def tags(question: Question) -> list[str]:
    return ["tipcourse", question.section, question.skill]


def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def xml_text(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
