"""Build the course notebooks from their sources in ``course/``: one way to write a notebook.

A source is a Markdown file, ``course/NN-topic.md``, that starts with YAML front matter::

    ---
    title: Prosecution
    learn: [what a learner will be able to do, ...]
    need: [what they need first, ...]
    time: 45 minutes
    key_points: [...]
    reflection: An open question to think and write about.
    ---

Its body is Markdown. A fenced ``python`` block becomes a code cell; a line ``+++`` starts a new
text cell; two directives, written as fenced blocks, generate cells:

* ``{exercise} prosecution.e01`` — the exercise's prompt, a code cell with the learner's
  starter and the check, and a cell with the hint and solution lines, commented out;
* ``{course-map}`` — the table of every notebook with its title, time and link.

Every notebook gets the same opening (title, what you will learn, what you need, time, a short
content note, one setup cell) and the same closing (key points, the reflection, links to the
previous and next notebooks), generated here rather than copied by hand.

With ``solutions=True`` each exercise cell holds the reference solution between nbgrader's
``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines instead of the starter; instructors and
the test that runs every notebook with its solutions use that version.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "Source",
    "SourceError",
    "build",
    "build_all",
    "execute",
    "nbgrader_metadata",
    "read_sources",
]

SETUP = "import tipcourse\nfrom tipcourse import charts\n\nreport = tipcourse.load_report()"
CONTENT_NOTE = (
    "> **Content note.** This notebook discusses human trafficking, including the sexual "
    "exploitation and forced labour of adults and children, in the report's own sober words. "
    "Take a break whenever you need one."
)
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HELP = (
    "# Stuck? Delete the # at the start of a line below and run this cell.\n"
    '# tipcourse.exercise("{id}").hint()      # one more hint each time you run it\n'
    '# tipcourse.exercise("{id}").solution()  # the reference solution'
)
FENCE = re.compile(r"^```\s*(\S*)\s*(.*?)\s*$")
NAME = re.compile(r"^(\d\d)-[a-z0-9-]+\.md$")
REQUIRED = ("title", "learn", "need", "time", "key_points")


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
    def notebook_name(self) -> str:
        return self.path.with_suffix(".ipynb").name

    @property
    def heading(self) -> str:
        return f"{self.number} — {self.meta['title']}"


def read_sources(folder: Path) -> list[Source]:
    """Every ``NN-topic.md`` of ``folder``, in order, with its front matter checked."""
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


def _cell(kind: str, source: str, **metadata: Any) -> dict[str, Any]:
    import nbformat

    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source.strip("\n"))
    if metadata:
        cell.metadata["tipcourse"] = metadata
    return cell


def _bullets(items: Any) -> str:
    return "\n".join(f"- {item}" for item in items)


def _opening(source: Source) -> list[dict[str, Any]]:
    meta = source.meta
    text = (
        f"# {source.heading}\n\n"
        f"**What you will learn**\n\n{_bullets(meta['learn'])}\n\n"
        f"**What you need:** {'; '.join(meta['need'])}.\n\n"
        f"**Time it takes:** about {meta['time']}."
    )
    return [_cell("markdown", text), _cell("markdown", CONTENT_NOTE),
            _cell("code", meta.get("setup", SETUP), role="setup")]


def _closing(source: Source, sources: list[Source]) -> list[dict[str, Any]]:
    cells = [_cell("markdown", f"## Key points\n\n{_bullets(source.meta['key_points'])}")]
    if source.meta.get("reflection"):
        cells.append(_cell("markdown", f"## Reflect\n\n{source.meta['reflection'].strip()}\n\n"
                                       "Write your thoughts in the cell below: it is yours, and "
                                       "nothing checks it."))
        cells.append(_cell("markdown", "*Your reflection:*", role="reflection"))
    index = sources.index(source)
    links = []
    if index > 0:
        before = sources[index - 1]
        links.append(f"**Previous:** [{before.heading}]({before.notebook_name})")
    if index + 1 < len(sources):
        after = sources[index + 1]
        links.append(f"**Next:** [{after.heading}]({after.notebook_name})")
    else:
        links.append("**You have reached the end of the course.** Thank you for working through it.")
    cells.append(_cell("markdown", "\n\n".join(links), role="navigation"))
    return cells


def _course_map(sources: list[Source]) -> dict[str, Any]:
    rows = ["| Notebook | What you will learn | Time |", "|:--|:--|:--|"]
    for source in sources:
        learn = "; ".join(source.meta["learn"])
        rows.append(f"| [{source.heading}]({source.notebook_name}) | {learn} | {source.meta['time']} |")
    return _cell("markdown", "\n".join(rows), role="course-map")


def nbgrader_metadata(item_id: str, *, solution: bool, points: float | None = None) -> dict[str, Any]:
    """nbgrader's metadata for an item's cell; a cell with ``points`` is a graded test cell.

    nbgrader allows only letters, digits, ``_`` and ``-`` in a grade id, so ``prosecution.e01``
    becomes ``prosecution-e01``.
    """
    meta: dict[str, Any] = {"grade": points is not None, "grade_id": item_id.replace(".", "-"),
                            "locked": not solution, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return meta


def _exercise(exercise_id: str, source: Source, solutions: bool) -> list[dict[str, Any]]:
    from .exercises import exercise as find_exercise

    try:
        item = find_exercise(exercise_id)
    except KeyError as error:
        raise SourceError(f"{source.path}: {error}") from None
    points = f"{item.points:g} point" + ("" if item.points == 1 else "s")
    prompt = _cell("markdown", f"### Exercise `{item.id}` ({points})\n\n{item.prompt}")
    answer = f"{BEGIN}\n{item.solution()}\n{END}" if solutions else item.starter
    code = _cell("code", f"{answer}\n\n{item.answer_code()}", exercise=item.id, role="answer")
    if solutions:
        code.metadata["nbgrader"] = nbgrader_metadata(item.id, solution=True)
    return [prompt, code, _cell("code", HELP.format(id=item.id), exercise=item.id, role="help")]


def _body(source: Source, sources: list[Source], solutions: bool) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = []
    text: list[str] = []

    def flush() -> None:
        if "\n".join(text).strip():
            cells.append(_cell("markdown", "\n".join(text)))
        text.clear()

    lines = source.body.splitlines()
    position = 0
    while position < len(lines):
        line = lines[position]
        fence = FENCE.match(line)
        if line.strip() == "+++":
            flush()
        elif fence and fence.group(1):
            end = position + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            if end == len(lines):
                raise SourceError(f"{source.path}:{position + 1}: this ``` block is never closed.")
            block = "\n".join(lines[position + 1:end])
            kind, argument = fence.group(1), fence.group(2)
            flush()
            if kind == "python":
                cells.append(_cell("code", block))
            elif kind == "{exercise}":
                cells += _exercise(argument, source, solutions)
            elif kind == "{course-map}":
                cells.append(_course_map(sources))
            else:
                raise SourceError(f"{source.path}:{position + 1}: unknown block {kind!r}; use "
                                  "python, {exercise} ID or {course-map}.")
            position = end
        else:
            text.append(line)
        position += 1
    flush()
    return cells


def build(source: Source, sources: list[Source], solutions: bool = False) -> Any:
    """The notebook of ``source`` (not executed), with stable cell ids."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"
    }
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = _opening(source) + _body(source, sources, solutions) + _closing(source, sources)
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"c{source.number}-{number:03d}"
    return notebook


def execute(notebook: Any, folder: Path, timeout: int = 300, home: Path | None = None) -> Any:
    """Run ``notebook`` top to bottom in a fresh kernel, as the course-check learner, in English.

    Outputs are made deterministic: the learner, the language and an empty progress folder
    (``home``, by default a temporary one) are fixed; widget state and execution times are not
    stored. A cell that fails raises nbclient's CellExecutionError.
    """
    from nbclient import NotebookClient

    saved = {key: os.environ.get(key) for key in ("TIPCOURSE_LEARNER", "TIPCOURSE_LANG", "TIPCOURSE_HOME")}
    with tempfile.TemporaryDirectory(prefix="tipcourse-build-") as scratch:
        os.environ.update(TIPCOURSE_LEARNER="course-check", TIPCOURSE_LANG="en",
                          TIPCOURSE_HOME=str(home or scratch))
        try:
            client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                    store_widget_state=False,
                                    resources={"metadata": {"path": str(folder)}})
            client.execute()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)
    return notebook


def build_all(course: Path, out: Path, solutions: bool = False, run: bool = True) -> list[Path]:
    """Build (and by default execute) every notebook of ``course`` into ``out``."""
    import nbformat

    sources = read_sources(course)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        notebook = build(source, sources, solutions)
        if run:
            execute(notebook, out)
        path = out / source.notebook_name
        nbformat.write(notebook, path)
        written.append(path)
    return written
