"""A graded item as ``assign`` writes it: its cells and its manifest entry, for course and
private items alike."""

from __future__ import annotations

from dataclasses import dataclass
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


KINDS = ("question", "exercise", "written")


@dataclass(frozen=True)
class ManifestEntry:
    """One graded item as ``assignment.json`` lists it: its id, kind, points and the variable it
    is answered in (an exercise's own, ``prosecution_q01`` for a question, none for written
    work); for a question answered by option letter, the option texts as the handout lettered
    them, so a later change of order cannot change what a letter meant."""

    id: str
    kind: str
    points: float
    variable: str = ""
    options: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The entry as ``assignment.json`` writes it."""
        entry: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "points": self.points,
            "variable": self.variable,
        }
        if self.options:
            entry["options"] = list(self.options)
        return entry

    @classmethod
    def from_json(cls, data: Any) -> ManifestEntry:
        """An entry read back from ``assignment.json`` (or from a Dask worker's row); a field
        of the wrong kind raises ValueError naming it."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ValueError(f"an item entry needs an id: {str(data)[:80]}")
        kind, points = data.get("kind"), data.get("points")
        if kind not in KINDS:
            raise ValueError(f"{data['id']}: kind must be one of {', '.join(KINDS)}")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            raise ValueError(f"{data['id']}: points must be a number of at least 0")
        variable, options = data.get("variable", ""), data.get("options") or []
        if not isinstance(variable, str) or not (
            isinstance(options, (list, tuple)) and all(isinstance(text, str) for text in options)
        ):
            raise ValueError(f"{data['id']}: variable must be text and options a list of texts")
        return cls(data["id"], kind, float(points), variable, tuple(options))


def item_entry(item: Any) -> ManifestEntry:
    """An item's :class:`ManifestEntry` (the options are the handout's: see ``Plan.manifest``)."""
    kind = item.kind
    variable = (
        item.answer_name
        if kind == "exercise"
        else ""
        if kind == "written"
        else answer_variable(item.id)
    )
    return ManifestEntry(item.id, kind, item.points, variable)


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
