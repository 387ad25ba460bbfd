"""Moodle GIFT text, as Moodle reads it under Question bank → Import → GIFT."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from ...engine._questions import Option, Question
from ...engine.types._registry import shape_handler
from ...report.messages import message
from . import _formats as lms

__all__ = ["GIFT_BODIES", "to_gift"]

_GIFT_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)


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
    return lms.wildcard_literal(_gift(text)).replace("->", "-*>")


def _gift_option(option: Option) -> str:
    text = _gift_html(html.escape(lms.tidy(option.text), quote=False))
    if not option.feedback.strip():
        return text
    return f"{text}#{_gift_html(lms.paragraph(option.feedback))}"


def _choice_lines(question: Question) -> list[str]:
    """single: the right option marked ``=``, the others ``~``."""
    return [
        ("=" if option.key == question.answer else "~") + _gift_option(option)
        for option in question.options
    ]


def _choices_lines(question: Question) -> list[str]:
    """multiple: each option with its share of the points, negative when wrong."""
    share = lms.share(question)
    return [
        f"~%{lms.percent(share if option.key in question.answer else -share)}%"
        + _gift_option(option)
        for option in question.options
    ]


def _numerical_lines(question: Question) -> list[str]:
    """The answer with its margin, the ranges of known wrong numbers, then any other number."""
    lines = [f"={lms.number(question.answer)}:{lms.number(lms.margin(question))}"]
    for found in question.ranges:
        value = (
            f"{lms.number(found.low)}:0"
            if found.low == found.high
            else f"{lms.number(found.low)}..{lms.number(found.high)}"
        )
        lines.append(f"=%0%{value}#{_gift_html(lms.paragraph(found.feedback))}")
    lines.append(f"~#{_gift_html(lms.paragraph(question.wrong_feedback))}")
    return lines


def _short_answer_lines(question: Question) -> list[str]:
    """Each accepted form, the known wrong answers with their feedback, then anything else."""
    accepted, wrong = lms.text_forms(question)
    lines = [f"=%100%{_gift_short_answer(form)}" for form in accepted]
    lines += [
        f"=%0%{_gift_short_answer(form)}#{_gift_html(lms.paragraph(feedback))}"
        for form, feedback in wrong
    ]
    lines.append(f"=%0%*#{_gift_html(lms.paragraph(question.wrong_feedback))}")
    return lines


def _matching_lines(question: Question) -> list[str]:
    """Each position paired with the item that belongs there."""
    return [
        "="
        + _gift_html(html.escape(message("export.position", number=number), quote=False))
        + " -> "
        + _gift(lms.tidy(item.text))
        for number, item in enumerate(lms.ordered_items(question), 1)
    ]


def _general(question: Question) -> str:
    misplaced = lms.misplaced(question) if question.question_type.lms == "matching" else []
    extra = lms.titled_list("export.misplaced_heading", misplaced)
    return "\t####" + _gift(lms.general_feedback(question, extra))


def _answers(opening: str, lines: Callable[[Question], list[str]]) -> Callable[[Question], str]:
    """A body of answer lines between braces, the general feedback last."""

    def body(question: Question) -> str:
        answers = "".join(f"\t{line}\n" for line in lines(question))
        return f"{opening}\n{answers}{_general(question)}\n}}"

    return body


def _truefalse(question: Question) -> str:
    answer = "TRUE" if question.answer else "FALSE"
    wrong = _gift_html(lms.paragraph(question.wrong_feedback))
    return f"{{{answer}#{wrong}#\n{_general(question)}\n}}"


#: The answer block, braces included, that each LMS shape writes after the question text.
GIFT_BODIES: dict[str, Callable[[Question], str]] = {
    "single_choice": _answers("{", _choice_lines),
    "multiple_choice": _answers("{", _choices_lines),
    "truefalse": _truefalse,
    "numerical": _answers("{#", _numerical_lines),
    "shortanswer": _answers("{", _short_answer_lines),
    "matching": _answers("{", _matching_lines),
}


def _gift_question(question: Question) -> str:
    body = shape_handler(GIFT_BODIES, question.question_type.lms, "GIFT")
    tags = " ".join(f"[tag:{tag}]" for tag in lms.tags(question))
    comment = (
        f"// [id:{question.id}] {tags} points={lms.number(question.points)} type={question.type}"
    )
    head = f"::{_gift(question.id)}::[html]{_gift(lms.prompt(question))}"
    return f"{comment}\n{head}{body(question)}"


def to_gift(bank: Iterable[Question]) -> str:
    """The questions as Moodle GIFT text, one category per section, in the order given."""
    bank = list(bank)
    blocks = [f"// {lms.title(bank)}"]
    section = None
    for question in bank:
        if question.section != section:
            section = question.section
            blocks.append(f"$CATEGORY: {lms.CATEGORY.format(section=section)}")
        blocks.append(_gift_question(question))
    return "\n\n".join(blocks) + "\n"
