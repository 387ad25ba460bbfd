"""Build the course notebooks from their sources in ``course/``: one way to write a notebook.

A source is a Markdown file, ``course/NN-topic.md``, that starts with YAML front matter::

    ---
    title: Prosecution
    learn: [what a learner will be able to do, ...]
    need: [what they need first, ...]
    key_points: [...]
    reflection: prosecution.w01    # a written item (data/written): an open question
    ---

Its body is Markdown. A fenced ``python`` block becomes a code cell; a line ``+++`` starts a new
text cell; ``+++ discuss`` starts the discussion of the items just above it (read, then try,
then discuss: the course's commentary on an answer comes after the attempt, and ``assign``
leaves it out of a handout that grades one of those items). A discussion, with the code shown in
it, runs until the next ``+++``, heading, reading or item. ``python reading`` marks a code
cell that shows only the report's own words (a test holds it to that). Three directives,
written as fenced blocks, generate cells:

* ``{exercise} prosecution.e01`` — the exercise's prompt, a code cell with the learner's
  starter and the check, and a cell with the hint and solution lines, commented out;
* ``{written} recommendations.w90`` — a written item's prompt and a text cell for the answer;
* ``{course-map}`` — the table of every notebook with its title, time and link.

Every cell carries its role in ``metadata.tipcourse.role`` (see :data:`ROLES`) and, where it
has them, the ids of its items: ``assign`` transforms cells by role, the way nbgrader's
preprocessors act on cell metadata, and the tests read the roles to check that nothing before
a question gives its answer away.

Every notebook gets the same opening (title, what you will learn, what you need, the time it
takes, a short content note, one setup cell) and the same closing (key points, the reflection,
links to the previous and next notebooks), generated here rather than copied by hand. The time
is measured by :func:`workload` from the notebook's words, code cells, exercises and questions
at a beginner's pace, never typed by hand.

With ``solutions=True`` each exercise cell holds the reference solution between nbgrader's
``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines instead of the starter; instructors and
the test that runs every notebook with its solutions use that version.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine._exercises import exercise as find_exercise
from ..engine._questions import questions
from ..engine._written import written
from ..engine.banks import ITEM_ID, item_kind
from ..report._translated import translation_of
from ..report.datasets import load_report
from ..report.messages import LANGUAGES, in_language, message
from ._wording import points_text

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = [
    "Source",
    "SourceError",
    "Workload",
    "build",
    "cell_meta",
    "copy_translations",
    "execute",
    "nbgrader_metadata",
    "read_sources",
    "workload",
]

SETUP = "import tipcourse\nfrom tipcourse import charts\n\nreport = tipcourse.load_report()"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
FENCE = re.compile(r"^```\s*(\S*)\s*(.*?)\s*$")
BREAK = re.compile(r"^\+\+\+\s*(\S*)\s*$")

#: Each cell's role, written into ``metadata.tipcourse.role`` by :func:`build`.
ROLES = {
    "opening": "title, what you will learn, what you need and the time it takes",
    "content-note": "the short content note",
    "setup": "the one setup cell",
    "commentary": "the course's own text before an item: vocabulary, context, what to look for",
    "reading": "code that shows the report's own words (tipcourse.reading, a sentence printed)",
    "translation": "the course's own, unofficial translation of the printed reading above it (in"
    " a notebook in another language than the report's; ``reading``: that cell's id)",
    "code": "code that computes, tabulates or charts: worked examples, tables, charts",
    "question": "code that shows self-check questions (``items``: their ids)",
    "gate": "code that waits for an exercise's answer before it draws (``items``: the exercise)",
    "exercise": "an exercise's prompt (``items``: its id)",
    "answer": "an exercise's answer cell: the starter and the check",
    "help": "an exercise's hint and solution lines, commented out",
    "discussion": "the course's commentary after an attempt (``items``: what it discusses); code"
    " shown in a discussion keeps its role and says what it discusses (``discusses``)",
    "prompt": "a written item's prompt",
    "written": "a written item's answer cell",
    "key-points": "the closing key points, which sum up the discussions",
    "navigation": "links to the previous and next notebooks",
    "course-map": "the table of every notebook",
}
_GATE = re.compile(r"""tipcourse\.exercise\(["']([a-z]+\.e\d\d)["']\)\.evaluate\(""")
NAME = re.compile(r"^(\d\d)-[a-z0-9-]+\.md$")
REQUIRED = ("title", "learn", "need", "key_points")


#: A beginner's pace, said in every notebook: words read per minute (the notebook's text and the
#: report's paragraphs it quotes), and minutes per code cell (read, run, look at the output),
#: per exercise, per question and for the closing reflection.
WORDS_PER_MINUTE = 120
MINUTES_PER = {"code cell": 1, "exercise": 8, "question": 2, "reflection": 5}
_READING = re.compile(r"tipcourse\.reading\(([^()]*)\)")
_QUIZ = re.compile(r"""tipcourse\.quiz\(\s*["']([a-z]+)["']\s*\)""")


class SourceError(ValueError):
    """A course source cannot be built; the message names the file and what to fix."""


@dataclass
class Source:
    """One notebook's source: its front matter and its body, read from ``course/NN-topic.md``."""

    path: Path
    meta: dict[str, Any]
    body: str
    number: str = field(init=False)

    def __post_init__(self) -> None:
        self.number = self.path.name[:2]

    @property
    def language(self) -> str:
        """The language of the source: its folder's name (``course/es/``), else English."""
        folder = self.path.parent.name
        return folder if folder in LANGUAGES and folder != "en" else "en"

    @property
    def notebook_name(self) -> str:
        return self.path.with_suffix(".ipynb").name

    @property
    def heading(self) -> str:
        return f"{self.number} — {self.meta['title']}"


def read_sources(folder: Path) -> list[Source]:
    """Every ``NN-topic.md`` of ``folder``, in order, with its front matter checked."""
    import yaml

    sources = []
    for path in sorted(folder.glob("*.md")):
        if not NAME.match(path.name):
            continue
        text = path.read_text("utf-8")
        match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, flags=re.DOTALL)
        if not match:
            raise SourceError(f"{path}: start the file with YAML front matter between --- lines.")
        meta = yaml.safe_load(match.group(1)) or {}
        missing = [key for key in REQUIRED if not meta.get(key)]
        if missing:
            raise SourceError(f"{path}: the front matter needs {', '.join(missing)}.")
        sources.append(Source(path, meta, match.group(2)))
    if not sources:
        raise SourceError(f"{folder}: no course sources named like 01-topic.md.")
    return sources


@dataclass(frozen=True)
class Workload:
    """What a notebook asks of a learner, and the minutes that takes at a beginner's pace."""

    words: int
    code_cells: int
    exercises: int
    questions: int
    reflection: bool

    @property
    def minutes(self) -> int:
        """The time at :data:`WORDS_PER_MINUTE` and :data:`MINUTES_PER`, rounded up to 5."""
        total = (
            self.words / WORDS_PER_MINUTE
            + self.code_cells * MINUTES_PER["code cell"]
            + self.exercises * MINUTES_PER["exercise"]
            + self.questions * MINUTES_PER["question"]
            + self.reflection * MINUTES_PER["reflection"]
        )
        return max(5, -(-int(total + 0.999) // 5) * 5)

    def describe(self) -> str:
        """The time and what it is made of, as the notebook's opening says it."""
        parts = [message("authoring.workload.reading", words=round(self.words, -2))]
        for count, name in ((self.exercises, "exercises"), (self.questions, "questions")):
            if count:
                number = "one" if count == 1 else "many"
                parts.append(message(f"authoring.workload.{name}.{number}", count=count))
        hours, minutes = divmod(self.minutes, 60)
        clock = message("authoring.workload.clock", hours=hours, minutes=minutes) if hours else ""
        return message(
            "authoring.workload.total", minutes=self.minutes, clock=clock, parts=", ".join(parts)
        )


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'’.,-]*", text))


def _quoted_words(code: str) -> int:
    """The words of the report's paragraphs that the ``tipcourse.reading(...)`` calls show."""
    sections = load_report().sections
    words = 0
    for call in _READING.finditer(code):
        arguments = ast.literal_eval(f"({call.group(1)},)")
        paragraphs = sections[arguments[0]].paragraphs
        chosen = arguments[1] if len(arguments) > 1 else range(1, len(paragraphs) + 1)
        for number in [chosen] if isinstance(chosen, int) else chosen:
            words += _words(paragraphs[number - 1])
    return words


def workload(source: Source) -> Workload:
    """Measure what ``source``'s notebook asks: its text, the report it quotes, its tasks."""
    cells = _body(source, [], solutions=False)
    words = sum(_words(cell.source) for cell in cells if cell.cell_type == "markdown")
    words += sum(_words(str(item)) for item in source.meta["key_points"])
    if source.meta.get("reflection"):
        words += _words(written(source.meta["reflection"]).prompt)
    code = [
        cell.source
        for cell in cells
        if cell.cell_type == "code" and cell_meta(cell).get("role") != "help"
    ]
    words += sum(_quoted_words(text) for text in code)
    asked = {
        found for text in code for found in ITEM_ID.findall(text) if item_kind(found) == "question"
    }
    asked |= {q.id for text in code for section in _QUIZ.findall(text) for q in questions(section)}
    exercises = sum(cell_meta(cell).get("role") == "answer" for cell in cells)
    return Workload(
        words=words,
        code_cells=len(code) - exercises,
        exercises=exercises,
        questions=len(asked),
        reflection=bool(source.meta.get("reflection")),
    )


def cell_meta(cell: Any) -> dict[str, Any]:
    """What authoring wrote into a cell's metadata (its ``role``, its items, ...): the one place
    that reads it. ``{}`` where the cell has none, or where a notebook from elsewhere (a
    learner's submission) holds something other than a mapping there."""
    metadata = cell.get("metadata", {})
    found = metadata.get("tipcourse", {}) if isinstance(metadata, dict) else {}
    return found if isinstance(found, dict) else {}


def _cell(kind: str, source: str, **metadata: Any) -> NotebookNode:
    import nbformat

    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source.strip("\n"))
    if metadata:
        assert metadata.get("role") in ROLES, metadata  # a new role is one entry in ROLES
        cell.metadata["tipcourse"] = metadata
    return cell


def _code_cell(block: str, marked: str, where: str) -> NotebookNode:
    """A ``python`` block as a cell with its role: reading, question, gate or code."""
    if marked not in ("", "reading"):
        raise SourceError(f"{where}: unknown mark {marked!r} after ```python; use reading or none.")
    gated = _GATE.findall(block)
    shown = [found for found in ITEM_ID.findall(block) if item_kind(found) == "question"]
    shown += [q.id for section in _QUIZ.findall(block) for q in questions(section)]
    if marked == "reading" or (_READING.search(block) and not shown):
        return _cell("code", block, role="reading")
    if shown:
        return _cell("code", block, role="question", items=list(dict.fromkeys(shown)))
    if gated:
        return _cell("code", block, role="gate", items=list(dict.fromkeys(gated)))
    return _cell("code", block, role="code")


def _bullets(items: Any) -> str:
    return "\n".join(f"- {item}" for item in items)


def _opening(source: Source) -> list[NotebookNode]:
    meta = source.meta
    text = (
        f"# {source.heading}\n\n"
        f"**{message('authoring.learn')}**\n\n{_bullets(meta['learn'])}\n\n"
        f"**{message('authoring.need')}** {'; '.join(meta['need'])}.\n\n"
        f"**{message('authoring.time')}** {workload(source).describe()}."
    )
    return [
        _cell("markdown", text, role="opening"),
        _cell("markdown", message("authoring.content_note"), role="content-note"),
        _cell("code", _setup(source), role="setup"),
    ]


def _setup(source: Source) -> str:
    """The setup cell; a notebook in another language than English sets it for its kernel."""
    setup = source.meta.get("setup", SETUP)
    if source.language != "en":
        setup += f"\ntipcourse.set_language({source.language!r})"
    return setup


def _closing(source: Source, sources: list[Source]) -> list[NotebookNode]:
    cells = [
        _cell(
            "markdown",
            f"## {message('authoring.key_points')}\n\n{_bullets(source.meta['key_points'])}",
            role="key-points",
        )
    ]
    if source.meta.get("reflection"):
        cells += _written_cells(
            source.meta["reflection"],
            source,
            f"## {message('authoring.reflect')}\n\n",
            message("authoring.your_reflection"),
        )
    index = sources.index(source)
    links = []
    if index > 0:
        before = sources[index - 1]
        links.append(
            f"**{message('authoring.previous')}:** [{before.heading}]({before.notebook_name})"
        )
    if index + 1 < len(sources):
        after = sources[index + 1]
        links.append(f"**{message('authoring.next')}:** [{after.heading}]({after.notebook_name})")
    else:
        links.append(message("authoring.end"))
    cells.append(_cell("markdown", "\n\n".join(links), role="navigation"))
    return cells


def _course_map(sources: list[Source]) -> NotebookNode:
    rows = [message("authoring.map.header"), "|:--|:--|:--|"]
    for source in sources:
        learn = "; ".join(source.meta["learn"])
        minutes = message("authoring.map.minutes", minutes=workload(source).minutes)
        rows.append(f"| [{source.heading}]({source.notebook_name}) | {learn} | {minutes} |")
    return _cell("markdown", "\n".join(rows), role="course-map")


def nbgrader_metadata(
    item_id: str, *, solution: bool, points: float | None = None
) -> dict[str, Any]:
    """nbgrader's metadata for an item's cell; a cell with ``points`` is a graded test cell.

    nbgrader allows only letters, digits, ``_`` and ``-`` in a grade id, so ``prosecution.e01``
    becomes ``prosecution-e01``.
    """
    meta: dict[str, Any] = {
        "grade": points is not None,
        "grade_id": item_id.replace(".", "-"),
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
    }
    if points is not None:
        meta["points"] = points
    return meta


def _written_cells(
    item_id: str, source: Source, heading: str = "", label: str = ""
) -> list[NotebookNode]:
    """A written item's prompt (under ``heading``) and the text cell for the answer."""
    try:
        item = written(item_id)
    except KeyError as error:
        raise SourceError(f"{source.path}: {error}") from None
    ungraded = message("authoring.ungraded")
    label = label or message("authoring.your_answer")
    return [
        _cell("markdown", f"{heading}{item.prompt}\n\n{ungraded}", role="prompt", written=item_id),
        _cell("markdown", f"*{label}:*", role="written", written=item_id),
    ]


def _exercise(exercise_id: str, source: Source, solutions: bool) -> list[NotebookNode]:
    try:
        item = find_exercise(exercise_id)
    except KeyError as error:
        raise SourceError(f"{source.path}: {error}") from None
    points = points_text(item.points)
    prompt = _cell(
        "markdown",
        f"{message('authoring.exercise', id=item.id, points=points)}\n\n{item.prompt}",
        role="exercise",
        items=[item.id],
    )
    answer = f"{BEGIN}\n{item.solution()}\n{END}" if solutions else item.starter
    code = _cell("code", f"{answer}\n\n{item.answer_code()}", exercise=item.id, role="answer")
    if solutions:
        code.metadata["nbgrader"] = nbgrader_metadata(item.id, solution=True)
    help_lines = message("authoring.help", id=item.id)
    return [prompt, code, _cell("code", help_lines, exercise=item.id, role="help")]


class _Body:
    """The cells of a source's body, gathered line by line (see the module's docstring)."""

    def __init__(self, source: Source, sources: list[Source], solutions: bool) -> None:
        self.source, self.sources, self.solutions = source, sources, solutions
        self.cells: list[NotebookNode] = []
        self.text: list[str] = []
        self.discussion: list[str] | None = None  # the items an open ``+++ discuss`` discusses
        self.recent: list[str] = []  # the items since the last reading or discussion

    def flush(self) -> None:
        """The text gathered so far becomes a commentary or discussion cell."""
        if "\n".join(self.text).strip():
            if self.discussion is not None:
                self.cells.append(
                    _cell(
                        "markdown",
                        "\n".join(self.text),
                        role="discussion",
                        items=list(self.discussion),
                    )
                )
            else:
                self.cells.append(_cell("markdown", "\n".join(self.text), role="commentary"))
        self.text.clear()

    def add(self, new: list[NotebookNode]) -> None:
        """Cells made from a block; the items they ask are what a discussion below discusses."""
        for cell in new:
            meta = cell_meta(cell)
            if meta.get("role") in ("reading", "question", "exercise", "prompt"):
                self.discussion = None  # a new passage or item closes a discussion
            elif self.discussion is not None:
                meta["discusses"] = list(self.discussion)  # code shown in a discussion
            if meta.get("role") == "reading":
                self.recent.clear()
            if meta.get("role") in ("question", "exercise"):
                self.recent.extend(item for item in meta["items"] if item not in self.recent)
            elif meta.get("role") == "prompt" and meta["written"] not in self.recent:
                self.recent.append(meta["written"])
        self.cells.extend(new)

    def cut(self, mark: str, where: str) -> None:
        """A ``+++`` line: a new text cell, a discussion with ``+++ discuss``."""
        self.flush()
        if mark not in ("", "discuss"):
            raise SourceError(f"{where}: unknown mark {mark!r} after +++; use +++ or +++ discuss.")
        if mark == "discuss" and not self.recent:
            raise SourceError(
                f"{where}: +++ discuss needs a question, exercise or written item "
                "above it to discuss."
            )
        self.discussion = None
        if mark == "discuss":  # open until the next +++, reading or item
            self.discussion, self.recent = list(self.recent), []

    def block(self, kind: str, argument: str, block: str, where: str) -> None:
        """A fenced block: code, or a directive that generates cells."""
        self.flush()
        if kind == "python":
            self.add([_code_cell(block, argument, where)])
        elif kind == "{exercise}":
            self.add(_exercise(argument, self.source, self.solutions))
        elif kind == "{course-map}":
            self.add([_course_map(self.sources)])
        elif kind == "{written}":
            self.add(_written_cells(argument, self.source))
        else:
            raise SourceError(
                f"{where}: unknown block {kind!r}; use python, {{exercise}} ID, "
                "{written} ID or {course-map}."
            )

    def read(self) -> list[NotebookNode]:
        lines = self.source.body.splitlines()
        position = 0
        while position < len(lines):
            line, where = lines[position], f"{self.source.path}:{position + 1}"
            fence, cut = FENCE.match(line), BREAK.match(line)
            if cut:
                self.cut(cut.group(1), where)
            elif fence and fence.group(1):
                end = position + 1
                while end < len(lines) and lines[end].strip() != "```":
                    end += 1
                if end == len(lines):
                    raise SourceError(f"{where}: this ``` block is never closed.")
                self.block(
                    fence.group(1), fence.group(2), "\n".join(lines[position + 1 : end]), where
                )
                position = end
            else:
                if line.startswith("#") and self.discussion is not None:
                    self.flush()  # a heading starts a new topic: the discussion is over
                    self.discussion = None
                self.text.append(line)
            position += 1
        self.flush()
        return self.cells


def _body(source: Source, sources: list[Source], solutions: bool) -> list[NotebookNode]:
    return _Body(source, sources, solutions).read()


def build(source: Source, sources: list[Source], solutions: bool = False) -> Any:
    """The notebook of ``source`` (not executed), in the source's language, with stable cell
    ids."""
    import nbformat

    with in_language(source.language):
        return _notebook(nbformat, source, sources, solutions)


def _notebook(nbformat: Any, source: Source, sources: list[Source], solutions: bool) -> Any:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = (
        _opening(source) + _body(source, sources, solutions) + _closing(source, sources)
    )
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"c{source.number}-{number:03d}"
    return notebook


def execute(
    notebook: Any, folder: Path, timeout: int = 300, home: Path | None = None, language: str = "en"
) -> Any:
    """Run ``notebook`` top to bottom in a fresh kernel, as the course-check learner, in
    ``language``; in another language than English, each reading's printed words get the
    course's translation in a cell under them (:func:`translate_readings`).

    Outputs are made deterministic: the learner, the language and an empty progress folder
    (``home``, by default a temporary one) are fixed; widget state and execution times are not
    stored. A cell that fails raises nbclient's CellExecutionError.
    """
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="tipcourse-build-") as scratch:
        environment = {
            **os.environ,
            "TIPCOURSE_LEARNER": "course-check",
            "TIPCOURSE_LANG": language,
            "TIPCOURSE_HOME": str(home or scratch),
        }
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            store_widget_state=False,
            resources={"metadata": {"path": str(folder)}},
        )
        client.execute(env=environment)  # the kernel's environment; ours stays as it is
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)
    if language != "en":
        translate_readings(notebook, language)
    return notebook


def copy_translations(notebook: Any, built: Any) -> None:
    """Under each reading of ``notebook`` (built, not run), the translation cell that the built
    and run notebook ``built`` has under the same reading: same cell id and same code."""
    code = {cell.get("id"): cell.source for cell in built.cells}
    under = {
        cell_meta(cell)["reading"]: cell
        for cell in built.cells
        if cell_meta(cell).get("role") == "translation"
    }
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        found = under.get(cell.get("id"))
        if found is not None and code.get(cell.get("id")) == cell.source:
            cells.append(copy.deepcopy(found))
    notebook.cells = cells


def translate_readings(notebook: Any, language: str) -> None:
    """Under each reading that prints the report's words, a cell with the course's translation
    of them (role ``translation``); a printed reading with no translation is a SourceError."""
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        meta = cell_meta(cell)
        printed = "".join(
            output.get("text", "")
            for output in cell.get("outputs", [])
            if output.get("output_type") == "stream"
        )
        if meta.get("role") != "reading" or not printed.strip():
            continue
        translated = []
        for block in re.split(r"\n\s*\n", printed.strip()):
            found = translation_of(block, language)
            if found is None:
                raise SourceError(f"{cell['id']}: no translation of the reading {block[:80]!r}")
            translated.append(f"> {found}")
        with in_language(language):
            label = message("translation.label")
        text = "\n>\n".join(translated)
        extra = _cell("markdown", f"*{label}*\n\n{text}", role="translation", reading=cell["id"])
        extra["id"] = f"{cell['id']}-t"
        cells.append(extra)
    notebook.cells = cells
