"""A graded item as ``assign`` writes it: its cells and its manifest entry, for course and
private items alike."""

from __future__ import annotations

from typing import Any

from ..engine._exercises import exercise
from ..engine._questions import question
from ..engine._written import written
from ..engine.banks import item_kind
from ..report._text import one_line
from ..report.messages import message
from ..views._wording import header, instruction
from ..views.authoring import BEGIN, END, nbgrader_metadata

__all__ = [
    "LEARNER_VARIABLE",
    "answer_variable",
    "find_item",
    "form_call",
    "item_entry",
    "learner_cell",
    "question_answer_cell",
    "static_question",
]

LEARNER_VARIABLE = "learner"


def answer_variable(question_id: str) -> str:
    """The variable that answers a graded question: ``prosecution.q01`` → ``prosecution_q01``."""
    return question_id.replace(".", "_")


def find_item(item_id: str) -> Any:
    """The course's exercise, question or written item with this id."""
    kind = item_kind(item_id)
    return (
        exercise(item_id)
        if kind == "exercise"
        else written(item_id)
        if kind == "written"
        else question(item_id)
    )


def item_entry(item: Any) -> dict[str, Any]:
    """An item as ``assignment.json`` lists it: id, kind, points and the variable it is
    answered in (an exercise's own, ``prosecution_q01`` for a question, none for written work)."""
    kind = item.kind
    variable = (
        item.answer_name
        if kind == "exercise"
        else ""
        if kind == "written"
        else answer_variable(item.id)
    )
    return {"id": item.id, "kind": kind, "points": item.points, "variable": variable}


def learner_cell() -> Any:
    """The cell where a learner writes the id their instructor asked for."""
    import nbformat

    cell = nbformat.v4.new_code_cell(
        f'# {message("assign.learner_comment")}\n{LEARNER_VARIABLE} = ""'
    )
    cell.metadata["tipcourse"] = {"role": "learner"}
    return cell


def form_call(variable: str, item: Any) -> str:
    """The line that checks the form of a graded item's answer (never whether it is right)."""
    if item.kind == "exercise":
        return f"tipcourse.check_form({variable}, {str(item.shape)!r})"
    form = item.question_type.handout_form(item)
    extra = f", {form.letters!r}" if form.letters else ""
    extra += f", unit={form.unit!r}" if form.unit else ""
    return f"tipcourse.check_form({variable}, {item.type!r}{extra})"


def static_question(question: Any) -> str:
    """A graded question as static text: header, prompt, instruction and lettered options."""
    lines = [
        f"**{header(question)}**",
        "",
        question.prompt.strip(),
        "",
        f"*{instruction(question)}*",
        "",
    ]
    if question.question_type.lettered:
        lines += [f"- **{option.key})** {one_line(option.text)}" for option in question.options]
    return "\n".join(lines).rstrip("\n")


def question_answer_cell(question: Any, solutions: bool, sealed: bool = False) -> Any:
    import nbformat

    variable = answer_variable(question.id)
    comment = "# " + question.question_type.words("question.replace")
    value = list(question.answer) if isinstance(question.answer, tuple) else question.answer
    if solutions:
        source = f"{comment}\n{BEGIN}\n{variable} = {value!r}\n{END}"
    else:
        source = f"{comment}\n{variable} = ..."
    if sealed:
        source += "\n" + form_call(variable, question)
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tipcourse"] = {"question": question.id, "role": "answer"}
    cell.metadata["nbgrader"] = nbgrader_metadata(question.id, solution=True)
    return cell
