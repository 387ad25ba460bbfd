"""``tipcourse assign``: student notebooks and an answer key, built from the course sources.

An assignment is a set of graded items — exercises and questions — in one or more course
notebooks. ``assign`` writes, under ``--out``::

    assignment.json          which notebooks and items are graded, and their points (no answers)
    student/NN-topic.ipynb   to hand out: solution regions replaced by the starter, no outputs,
                             and no discussion of a graded item's answer (nor the key points)
    key/NN-topic.ipynb       the instructor's version: solutions between nbgrader's markers
    key/answer-key.md        the same key, readable: answers, solutions, expected values

Graded items are **sealed** (the default): the student notebook shows a graded question as
static text (prompt and lettered options) with an answer cell, and a graded exercise without its
Check, hint or solution calls; ``tipcourse.check_form(...)`` in the answer cell says only
whether the answer has the form the grader reads. A cell that draws a chart once an exercise
passes its check draws it once the answer is well formed. ``self_check=True``
(``--self-check``) keeps the course's Check buttons, hints and evidence, for formative work.
In the grading kernel the package itself is sealed (see :mod:`tipcourse.engine.banks`).

How a learner answers, in the notebook itself and not in the local progress database:

* an exercise, as in the course: the cell sets the exercise's answer variable (``name = ...``);
* a graded question: a code cell right after the question sets one variable named after the
  question id, ``prosecution_q01 = ...`` (see :func:`answer_variable`).

``tipcourse grade`` reads those variables from the kernel after each answer cell runs and
scores them in its own process. Every answer cell carries nbgrader's cell metadata, and the key
notebook also has one hidden-test cell per item, so ``nbgrader generate_assignment`` and
``autograde`` work on ``key/`` for instructors already on nbgrader. The same input gives
byte-identical output.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..engine._exercises import exercise
from ..engine._questions import question
from ..engine._written import written
from ..engine.banks import ITEM_ID, item_kind
from ..engine.compare import kind_of
from ..report._packaged import packaged_folder
from ..report._text import one_line
from ..report.messages import get_language, in_language, message
from ..views._wording import points_text
from ..views.authoring import (
    BEGIN,
    END,
    SourceError,
    build,
    cell_meta,
    copy_translations,
    nbgrader_metadata,
    read_sources,
)
from ._cells import (
    answer_variable,
    find_item,
    form_call,
    item_entry,
    learner_cell,
    question_answer_cell,
    static_question,
)
from ._private import (
    KEPT,
    NOTEBOOK,
    PrivateBank,
    PrivateBankError,
    copy_bank,
    load_private,
    private_notebook,
)

__all__ = [
    "AssignError",
    "Plan",
    "answer_variable",
    "assign",
    "find_item",
    "items_in",
    "plan",
]

EXPECTED = re.compile(r"""tipcourse\.exercise\(["']([a-z]+\.e\d\d)["']\)\.expected\(\)""")
GATE = re.compile(r"""tipcourse\.exercise\(["']([a-z]+\.e\d\d)["']\)\.evaluate\((\w+)\)\.correct""")
SHOW = re.compile(r"""\s*tipcourse\.show\(\s*["'][a-z]+\.q\d\d["']\s*\)\s*$""")
QUIZ = re.compile(r"""\s*tipcourse\.quiz\(\s*\[[\s"'a-z.\d,]*\]\s*\)\s*$""")
MANIFEST = "assignment.json"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


class AssignError(ValueError):
    """The assignment cannot be built as asked; the message says what to change."""


def items_in(notebook: Any) -> list[str]:
    """The ids of the exercises and questions a course notebook uses, in the order they appear."""
    found: list[str] = []
    for cell in notebook.cells:
        if cell_meta(cell).get("role") == "written":
            found += [cell_meta(cell)["written"]]
        if cell.cell_type != "code":
            continue
        exercise_id = cell_meta(cell).get("exercise")
        if exercise_id and cell_meta(cell).get("role") == "answer":
            ids = [exercise_id]
        elif exercise_id:
            ids = []  # the help cell names its exercise too
        else:
            ids = [item for item in ITEM_ID.findall(cell.source) if item_kind(item) == "question"]
        found += [item for item in ids if item not in found]
    return found


@dataclass
class Plan:
    """What an assignment holds: per chosen notebook, its graded items in order."""

    sources: list[Any]
    graded: dict[str, list[str]] = field(default_factory=dict)  # notebook name → item ids
    private: PrivateBank | None = None  # the instructor's own items (--bank), in a notebook

    def find(self, item_id: str) -> Any:
        """A graded item: the instructor's own, or the course's."""
        return self.private.find(item_id) if self.private is not None else find_item(item_id)

    def manifest(self) -> dict[str, Any]:
        """The description the grader reads (no answers in it)."""
        notebooks = []
        graded = dict(self.graded)
        if self.private is not None:
            graded[NOTEBOOK] = list(self.private.items)
        for name, ids in graded.items():
            items = []
            for item_id in ids:
                item = self.find(item_id)
                entry = item_entry(item)
                if entry.kind == "question" and item.question_type.lettered:
                    # The options as the handout letters them, so grading after a course update
                    # that reorders them still reads each letter as the learner meant it.
                    entry = replace(entry, options=tuple(option.text for option in item.options))
                items.append(entry)
            notebooks.append(
                {
                    "notebook": name,
                    "items": [entry.as_json() for entry in items],
                    "max_score": sum(entry.points for entry in items),
                }
            )
        manifest: dict[str, Any] = {"format": 1, "notebooks": notebooks}
        if self.private is not None:
            manifest["bank"] = KEPT.as_posix()
        return manifest


def plan(course: Path, notebooks: list[str] | None = None, items: list[str] | None = None) -> Plan:
    """Choose notebooks and items: all items of the chosen notebooks, or only ``items``.

    Notebooks are named by number (``04``) or name (``04-prosecution``); with ``items`` and no
    ``notebooks`` the notebooks are those that use the items.
    """
    try:
        sources = read_sources(course)
    except SourceError as error:
        raise AssignError(str(error)) from None
    by_name = {}
    for source in sources:
        by_name[source.number] = source
        by_name[source.path.stem] = source
        by_name[source.notebook_name] = source
    chosen = []
    for name in notebooks or []:
        if name not in by_name:
            raise AssignError(
                message(
                    "assign.unknown_notebook",
                    name=name,
                    names=", ".join(s.path.stem for s in sources),
                )
            )
        if by_name[name] not in chosen:
            chosen.append(by_name[name])
    uses = {source.notebook_name: items_in(build(source, sources)) for source in sources}
    if items:
        where = {item: name for name, ids in uses.items() for item in ids}
        for item in items:
            if item not in where:
                raise AssignError(message("assign.unknown_item", item=item))
        if not notebooks:
            names = {where[item] for item in items}
            chosen = [source for source in sources if source.notebook_name in names]
        else:
            names = {source.notebook_name for source in chosen}
            outside = [item for item in items if where[item] not in names]
            if outside:
                raise AssignError(message("assign.item_outside", items=", ".join(outside)))
    if not chosen:
        chosen = [source for source in sources if uses[source.notebook_name]]
    chosen.sort(key=lambda source: source.number)
    result = Plan(sources)
    for source in chosen:
        ids = [item for item in uses[source.notebook_name] if not items or item in items]
        if not ids:
            raise AssignError(message("assign.no_items", name=source.path.stem))
        result.graded[source.notebook_name] = ids
    return result


# -- the notebooks ------------------------------------------------------------------------------


def _test_cell(item_id: str, points: float) -> Any:
    """nbgrader's autograder test for one item: hidden in the student version nbgrader makes."""
    import nbformat

    entry = item_entry(find_item(item_id))
    kind, variable = entry.kind, entry.variable
    test = f"assert tipcourse.{kind}({item_id!r}).evaluate({variable}).correct"
    cell = nbformat.v4.new_code_cell(f"{HIDDEN_BEGIN}\n{test}\n{HIDDEN_END}")
    cell.metadata["tipcourse"] = {kind: item_id, "role": "test"}
    cell.metadata["nbgrader"] = nbgrader_metadata(f"{item_id}-test", solution=False, points=points)
    return cell


def _strip_solution(source: str, starter: str) -> str:
    start, end = source.index(BEGIN), source.index(END) + len(END)
    return source[:start] + starter + source[end:]


@dataclass
class _Handout:
    """What a cell transform needs: the graded items, which version, and the cells so far."""

    graded: list[str]
    solutions: bool
    sealed: bool
    cells: list[Any] = field(default_factory=list)


def _answer(cell: Any, handout: _Handout) -> None:
    """An exercise's answer cell: the starter unless the key shows a graded solution."""
    exercise_id = cell_meta(cell)["exercise"]
    item, graded = exercise(exercise_id), exercise_id in handout.graded
    if graded:
        cell.metadata["nbgrader"] = nbgrader_metadata(exercise_id, solution=True)
    else:
        cell.metadata.pop("nbgrader", None)  # not graded: a practice exercise
    if not (graded and handout.solutions):
        cell.source = _strip_solution(cell.source, item.starter)
    if graded and handout.sealed:
        cell.source = cell.source.replace(item.answer_code(), form_call(item.answer_name, item))
    handout.cells.append(cell)
    if graded and handout.solutions:
        test = _test_cell(exercise_id, item.points)
        test.id = f"{cell.id}-test"
        handout.cells.append(test)


def _help(cell: Any, handout: _Handout) -> None:
    """A graded exercise's hint cell: gone when sealed, else without the solution line."""
    if cell_meta(cell)["exercise"] in handout.graded:
        if handout.sealed:
            return
        cell.source = "\n".join(
            line for line in cell.source.splitlines() if ".solution()" not in line
        )
    handout.cells.append(cell)


def _uses_results(cell: Any, handout: _Handout) -> None:
    """Code that needs a graded exercise's result takes the learner's own answer instead."""
    cell.source = EXPECTED.sub(
        lambda found: (
            exercise(found.group(1)).answer_name
            if found.group(1) in handout.graded
            else found.group(0)
        ),
        cell.source,
    )
    handout.cells.append(cell)


def _setup(cell: Any, handout: _Handout) -> None:
    """The setup cell, then the cell where the learner writes the id the instructor asked for."""
    handout.cells.append(cell)
    learner = learner_cell()
    learner.id = f"{cell.id}-learner"
    handout.cells.append(learner)


def _gate(cell: Any, handout: _Handout) -> None:
    """A chart that waits for a graded exercise's check waits, sealed, for a well-formed answer;
    the text before it says so."""

    def form(found: re.Match) -> str:
        if found.group(1) not in handout.graded:
            return found.group(0)
        return form_call(found.group(2), exercise(found.group(1))) + ".valid"

    if handout.sealed and set(cell_meta(cell)["items"]) & set(handout.graded):
        cell.source = GATE.sub(form, cell.source).replace(
            "passes its check", "has the form the grader reads"
        )
        if handout.cells and handout.cells[-1].cell_type == "markdown":
            handout.cells[-1].source = message("assign.gate_note")
    _uses_results(cell, handout)


def _question(cell: Any, handout: _Handout) -> None:
    """Self-check questions: a graded one gets an answer cell (and, sealed, its static text in
    place of its widget; the key adds nbgrader's test)."""
    import nbformat

    items = cell_meta(cell)["items"]
    shown = [item for item in items if item in handout.graded]
    if shown and handout.sealed:
        rest = [item for item in items if item not in shown]
        if not (SHOW.match(cell.source) or QUIZ.match(cell.source)):
            raise AssignError(message("assign.cannot_seal", items=", ".join(shown)))
        if rest:
            cell.source = "tipcourse.quiz([\n" + "".join(f"    {i!r},\n" for i in rest) + "])"
            handout.cells.append(cell)
    else:
        handout.cells.append(cell)
    for item_id in shown:
        graded_question = question(item_id)
        if handout.sealed:
            text = nbformat.v4.new_markdown_cell(static_question(graded_question))
            text.id = f"{cell.id}-{answer_variable(item_id)}-text"
            handout.cells.append(text)
        answer = question_answer_cell(graded_question, handout.solutions, handout.sealed)
        answer.id = f"{cell.id}-{answer_variable(item_id)}"
        handout.cells.append(answer)
        if handout.solutions:
            test = _test_cell(item_id, graded_question.points)
            test.id = f"{answer.id}-test"
            handout.cells.append(test)


def _written(cell: Any, handout: _Handout) -> None:
    """A written item's prompt or answer cell: graded by hand when the assignment grades it."""
    item_id = cell_meta(cell)["written"]
    if item_id not in handout.graded:
        handout.cells.append(cell)
        return
    handout.cells.extend(_graded_written_cells(cell, written(item_id), handout.solutions))


#: How ``assign`` transforms each role of cell (see ``authoring.ROLES``); other roles are kept,
#: except that a student handout leaves out what discusses a graded item (:func:`_discusses`).
TRANSFORMS = {
    "setup": _setup,
    "answer": _answer,
    "help": _help,
    "code": _uses_results,
    "gate": _gate,
    "question": _question,
    "prompt": _written,
    "written": _written,
}


def _discusses(meta: dict[str, Any], graded: list[str]) -> bool:
    """Whether a cell comments on a graded item's answer: its discussion, or the key points,
    which sum up every discussion of the notebook."""
    if meta.get("role") == "key-points":
        return bool(graded)
    if meta.get("role") == "discussion":
        return bool(set(meta.get("items", [])) & set(graded))
    return bool(set(meta.get("discusses", [])) & set(graded))


def _graded_written_cells(cell: Any, item: Any, solutions: bool) -> list[Any]:
    """A graded written item's cells: the prompt says it is graded by hand; the answer cell is
    nbgrader's manually graded answer; the key adds the rubric."""
    import nbformat

    if cell_meta(cell).get("role") != "written":
        graded = message("assign.written_graded", points=points_text(item.points))
        cell.source = cell.source.replace(message("authoring.ungraded"), graded)
        return [cell]
    cell.metadata["nbgrader"] = nbgrader_metadata(item.id, solution=True, points=item.points)
    if not solutions:
        return [cell]
    rubric = nbformat.v4.new_markdown_cell(
        f"**{message('assign.key.rubric')}** ({points_text(item.points)})\n\n"
        + item.rubric_markdown()
    )
    rubric.metadata["tipcourse"] = {"written": item.id, "role": "rubric"}
    rubric.id = f"{cell.id}-rubric"
    return [cell, rubric]


def assignment_notebook(
    source: Any, sources: list[Any], graded: list[str], solutions: bool, sealed: bool = True
) -> Any:
    """The student (``solutions=False``) or key notebook of one course notebook.

    Each cell is transformed by its role (:data:`TRANSFORMS`), the way nbgrader's preprocessors
    act on cell metadata. ``sealed``: graded items show no Check, hint, evidence or solution,
    only their text, an answer cell and a check of the answer's form (see the module's
    docstring).
    """
    import nbformat

    notebook = build(source, sources, solutions=True)
    if source.language != "en":  # the readings' translation, from the course's built notebook
        built = packaged_folder("notebooks", source.language) / source.notebook_name
        if built.is_file():
            copy_translations(notebook, nbformat.read(built, as_version=4))
    handout = _Handout(list(graded), solutions, sealed)
    for cell in notebook.cells:
        transform = TRANSFORMS.get(cell_meta(cell).get("role", ""))
        if not solutions and _discusses(cell_meta(cell), handout.graded):
            continue  # the course's commentary on a graded answer waits for the key
        if transform is None:
            handout.cells.append(cell)
        else:
            transform(cell, handout)
    cells = handout.cells
    if sealed:
        note = nbformat.v4.new_markdown_cell(message("assign.sealed_note"))
        note.id = "tipcourse-sealed-note"
        cells.insert(1, note)
    notebook.cells = cells
    notebook.metadata["tipcourse"] = {
        "assignment": {"notebook": source.notebook_name, "items": list(graded)}
    }
    return notebook


# -- the readable key ---------------------------------------------------------------------------


def _fenced(text: str, language: str = "") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text}\n{fence}"


def _question_key(question: Any) -> list[str]:
    lines = [question.prompt, ""]
    answer = question.answer
    kind = question.question_type
    if kind.lettered:
        right = kind.right_keys(question)
        lines += [
            f"- {'**✓**' if option.key in right else '–'} `{option.key}` {option.text}"
            for option in question.options
        ]
    value = list(answer) if isinstance(answer, tuple) else answer
    assignment = f"{answer_variable(question.id)} = {value!r}"
    lines += ["", f"**{message('assign.key.answer')}:** `{assignment}`"]
    if question.accept:
        lines.append(
            f"**{message('assign.key.also_accepted')}:** "
            + ", ".join(f"`{text}`" for text in question.accept)
        )
    return lines


def _exercise_key(item: Any) -> list[str]:
    expected = item.expected()
    if kind_of(expected) == "function":
        calls = [
            f"{item.answer_name}({', '.join(map(repr, args))}) → {expected(*args)!r}"
            for args in item.calls
        ]
        shown = "\n".join(calls)
    else:
        shown = repr(expected)
    return [
        item.prompt,
        "",
        f"**{message('assign.key.solution')}:**",
        "",
        _fenced(str(item.solution()), "python"),
        "",
        f"**{message('assign.key.expected')}:**",
        "",
        _fenced(shown),
    ]


def answer_key_markdown(chosen: Plan) -> str:
    """The answer key as Markdown: per notebook, per item, the answer and why."""
    manifest = chosen.manifest()
    lines = [f"# {message('assign.key.title')}", ""]
    for entry in manifest["notebooks"]:
        max_score = message("assign.key.max_score", points=entry["max_score"])
        lines += [f"## {entry['notebook']} — {max_score}", ""]
        for info in entry["items"]:
            item = chosen.find(info["id"])
            points = message("assign.key.points", points=info["points"])
            lines += [f"### `{info['id']}` — {points}", ""]
            if info["kind"] == "written":
                lines += [
                    item.prompt,
                    "",
                    f"**{message('assign.key.rubric')}:**",
                    "",
                    item.rubric_markdown(),
                ]
            else:
                lines += _exercise_key(item) if info["kind"] == "exercise" else _question_key(item)
            if getattr(item, "explanation", ""):
                explanation = one_line(item.explanation)
                lines += ["", f"**{message('assign.key.explanation')}:** {explanation}"]
            for quote in getattr(item, "evidence", ()):
                lines += ["", f"> {one_line(quote)}"]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# -- writing ------------------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path


def assign(
    out: Path,
    notebooks: list[str] | None = None,
    items: list[str] | None = None,
    course: Path | None = None,
    self_check: bool = False,
    bank: Path | None = None,
) -> list[Path]:
    """Write the assignment (see the module's docstring) into ``out``; returns the files written.

    Graded items are sealed unless ``self_check``: then they keep their Check buttons, hints and
    evidence, for formative work. ``bank``: a folder of the instructor's own items (see
    :mod:`tipcourse.instructor._private`), assigned in a notebook of their own — alone, or beside
    the course items chosen with ``notebooks`` and ``items``.
    """

    private = None
    if bank is not None:
        try:
            private = load_private(bank)
        except PrivateBankError as error:
            raise AssignError(str(error)) from None
    if private is not None and not notebooks and not items:
        chosen = Plan([], private=private)
    else:
        chosen = plan(course or packaged_folder("course", get_language()), notebooks, items)
        chosen.private = private
    # The assignment speaks its notebooks' language (course/es: Spanish), whatever the session's.
    language = chosen.sources[0].language if chosen.sources else get_language()
    with in_language(language):
        return _write_assignment(out, chosen, self_check)


def _write_assignment(out: Path, chosen: Plan, self_check: bool) -> list[Path]:
    import nbformat

    private = chosen.private
    by_name = {source.notebook_name: source for source in chosen.sources}
    notebooks_written = {}
    for name, graded in chosen.graded.items():  # built first: nothing is written if one fails
        for folder, solutions in (("student", False), ("key", True)):
            notebook = assignment_notebook(
                by_name[name], chosen.sources, graded, solutions, sealed=not self_check
            )
            notebooks_written[out / folder / name] = nbformat.writes(notebook) + "\n"
    if private is not None:
        for folder, solutions in (("student", False), ("key", True)):
            notebook = private_notebook(private, solutions)
            notebooks_written[out / folder / NOTEBOOK] = nbformat.writes(notebook) + "\n"
    manifest = {**chosen.manifest(), "sealed": not self_check}
    written = [
        _write(
            out / MANIFEST,
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        )
    ]
    for path, text in notebooks_written.items():
        written.append(_write(path, text))
    if private is not None:
        shutil.rmtree(out / KEPT, ignore_errors=True)  # ours: no file of an older bank stays
        written += copy_bank(private, out)
    written.append(_write(out / "key" / "answer-key.md", answer_key_markdown(chosen)))
    return written
