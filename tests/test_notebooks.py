"""The notebook series: built from course/, complete, covering the report, and solvable.

nbval (in the README's test command) runs every notebook and compares its outputs; these tests
check what nbval cannot: that the notebooks match their sources, meet the course's standards,
use every question and exercise exactly once, cover every paragraph, and pass with the reference
solutions filled in.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import nbformat
import pytest

import tipcourse
from tipcourse.assign import ITEM_ID
from tipcourse.authoring import BEGIN, END, SourceError, build, execute, read_sources
from tipcourse.messages import message

ROOT = Path(__file__).resolve().parent.parent
SOURCES = read_sources(ROOT / "course")
CONTENT = [source for source in SOURCES if source.number != "00"]


def saved(source):
    return nbformat.read(ROOT / "notebooks" / source.notebook_name, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def role(cell):
    return cell.metadata.get("tipcourse", {}).get("role")


def items_in(notebook):
    """The question and exercise ids a notebook uses, from its code."""
    return {found for cell in code_cells(notebook) for found in ITEM_ID.findall(cell.source)}


def outputs_text(cell, kind="text/plain"):
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("data", {}).get(kind, "") or output.get("text", ""))
    return "\n".join(parts)


by_number = pytest.mark.parametrize("source", SOURCES, ids=[s.number for s in SOURCES])
content = pytest.mark.parametrize("source", CONTENT, ids=[s.number for s in CONTENT])


def test_the_series_is_numbered_00_to_07_and_notebooks_match_sources():
    """Eight sources, 00 to 07, and exactly one committed notebook for each."""
    assert [source.number for source in SOURCES] == [f"{n:02d}" for n in range(8)]
    committed = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
    assert committed == [source.notebook_name for source in SOURCES]


@by_number
def test_each_notebook_is_built_from_its_source(source):
    """The committed notebook has the cells its source builds: rebuild after editing a source."""
    fresh = build(source, SOURCES)
    assert [(c.cell_type, c.source) for c in saved(source).cells] == [
        (c.cell_type, c.source) for c in fresh.cells
    ], f"run: python tools/build_notebooks.py {source.number}"


@by_number
def test_each_notebook_was_saved_after_running_top_to_bottom(source):
    """Every code cell ran, in order, once: the saved outputs are those of a clean run."""
    counts = [cell.execution_count for cell in code_cells(saved(source))]
    assert counts == list(range(1, len(counts) + 1))
    assert all(output.output_type != "error" for cell in code_cells(saved(source))
               for output in cell.outputs)


@content
def test_every_content_notebook_opens_and_closes_the_same_way(source):
    """Title, what you will learn, what you need, time; one setup cell; key points; navigation."""
    cells = saved(source).cells
    opening = cells[0].source
    assert opening.startswith(f"# {source.number} — ")
    for part in ("**What you will learn**", "**What you need:**", "**Time it takes:**"):
        assert part in opening
    assert "Content note" in cells[1].source
    assert [role(cell) for cell in code_cells(saved(source))].count("setup") == 1
    assert role(cells[2]) == "setup"
    assert any(cell.source.startswith("## Key points") for cell in cells)
    assert any(cell.source.startswith("## Reflect") for cell in cells)
    navigation = cells[-1].source
    assert role(cells[-1]) == "navigation"
    index = SOURCES.index(source)
    assert f"({SOURCES[index - 1].notebook_name})" in navigation
    if index + 1 < len(SOURCES):
        assert f"({SOURCES[index + 1].notebook_name})" in navigation


@content
def test_every_content_notebook_has_charts_exercises_and_questions(source):
    """At least 2 described charts, 3 code exercises and 6 self-check questions."""
    notebook = saved(source)
    charts = [cell for cell in code_cells(notebook)
              if re.search(r'<img src="data:image/png;base64,[^"]+" alt="[^"]{40,}"',
                           outputs_text(cell, "text/html"))]
    assert len(charts) >= 2
    exercises = [cell for cell in code_cells(notebook) if role(cell) == "answer"]
    assert len(exercises) >= 3
    questions = {item for item in items_in(notebook) if ".q" in item}
    assert len(questions) >= 6
    shown = "\n".join(outputs_text(cell) for cell in code_cells(notebook))
    assert all(f"{item} · " in shown for item in questions), "each question is displayed"


@content
def test_readings_come_from_the_report_not_pasted_text(source):
    """No paragraph of the report is pasted into a text cell; readings are code."""
    report = tipcourse.load_report()
    text = " ".join(cell.source for cell in saved(source).cells if cell.cell_type == "markdown")
    text = " ".join(text.split())
    for section in report.sections.values():
        for sentence in section.sentences:
            if len(sentence) > 80:
                assert " ".join(sentence.split()) not in text, sentence


def test_the_totals_of_the_series():
    """At least 60 questions of at least five types and 20 exercises, all in the notebooks."""
    used = set().union(*(items_in(saved(source)) for source in SOURCES))
    questions = [tipcourse.question(item) for item in used if ".q" in item]
    exercises = [item for item in used if ".e" in item]
    assert len(questions) >= 60 and len(exercises) >= 20
    assert len({question.type for question in questions}) >= 5


def test_every_question_and_exercise_is_used_in_exactly_one_notebook():
    """The bank and the notebooks agree: nothing unused, nothing asked twice."""
    uses = Counter(item for source in SOURCES for item in items_in(saved(source)))
    bank = {q.id for q in tipcourse.questions()} | {e.id for e in tipcourse.exercises()}
    assert set(uses) == bank
    assert [item for item, count in uses.items() if count > 1] == []


def test_every_paragraph_of_the_report_is_evidence_for_an_item():
    """Each paragraph of each section holds the evidence of a question or an exercise."""
    report = tipcourse.load_report()
    covered = set()
    for item in [*tipcourse.questions(), *tipcourse.exercises()]:
        for quote in item.evidence:
            location = report.locate(quote)
            covered.add((location.section, location.paragraph))
    wanted = {(name, number) for name, section in report.sections.items()
              for number in range(len(section.paragraphs))}
    assert sorted(wanted - covered) == []


@by_number
def test_unanswered_exercises_run_and_say_not_answered_yet(source):
    """A learner's fresh notebook runs without error; each exercise says it is not answered yet."""
    label = message("outcome.label.unanswered")
    for cell in code_cells(saved(source)):
        if role(cell) == "answer":
            assert label in outputs_text(cell), cell.source


def test_nbval_ignore_output_is_rare():
    """At most one code cell in ten skips nbval's output comparison."""
    cells = [cell for source in SOURCES for cell in code_cells(saved(source))]
    ignored = [cell for cell in cells if "NBVAL_IGNORE_OUTPUT" in cell.source]
    assert len(ignored) * 10 <= len(cells)


@pytest.mark.parametrize("source", SOURCES, ids=[s.number for s in SOURCES])
def test_every_notebook_passes_with_the_reference_solutions(source, tmp_path):
    """With solutions filled in (nbgrader markers), the notebook runs and every check passes."""
    notebook = build(source, SOURCES, solutions=True)
    answers = [cell for cell in code_cells(notebook) if role(cell) == "answer"]
    for cell in answers:
        assert cell.source.startswith(BEGIN + "\n") and f"\n{END}\n" in cell.source
        assert cell.metadata["nbgrader"]["solution"] is True
    home = tmp_path / "home"
    execute(notebook, ROOT / "notebooks", home=home)
    rows = []
    if (home / "attempts.db").exists():
        with closing(sqlite3.connect(home / "attempts.db")) as db:
            rows = db.execute("SELECT item_id, correct FROM attempts").fetchall()
    passed = {item for item, correct in rows if correct}
    assert passed == {cell.metadata["tipcourse"]["exercise"] for cell in answers}
    label = message("outcome.label.correct")
    assert all(label in outputs_text(cell) for cell in answers)


# -- the source format ----------------------------------------------------------------------


def write(folder, name, text):
    path = folder / name
    path.write_text(text, "utf-8")
    return path


FRONT = "---\ntitle: T\nlearn: [a]\nneed: [b]\ntime: 5 minutes\nkey_points: [c]\n---\n"


@pytest.mark.parametrize(
    "text, words",
    [
        ("# no front matter\n", "front matter"),
        ("---\ntitle: T\n---\nbody\n", "needs learn, need, time, key_points"),
        (FRONT + "```python\nx = 1\n", "never closed"),
        (FRONT + "```{quiz} x\n```\n", "unknown block '{quiz}'"),
        (FRONT + "```{exercise} prosecution.e99\n```\n", "prosecution.e99"),
    ],
)
def test_a_broken_source_names_the_file_and_what_to_fix(tmp_path, text, words):
    """Authors get the file (and line) and the fix, not a traceback from deep inside."""
    write(tmp_path, "01-topic.md", text)
    with pytest.raises(SourceError) as error:
        sources = read_sources(tmp_path)
        build(sources[0], sources)
    assert "01-topic.md" in str(error.value) and words in str(error.value)


def test_a_source_builds_text_code_and_exercise_cells(tmp_path):
    """Markdown becomes text cells (split at +++), python blocks code, {exercise} three cells."""
    write(tmp_path, "01-topic.md", FRONT + "Intro\n+++\nMore\n```python\nx = 1\n```\n"
          "```{exercise} prosecution.e01\n```\n")
    sources = read_sources(tmp_path)
    cells = build(sources[0], sources).cells
    body = cells[3:-2]
    assert [cell.source for cell in body[:3]] == ["Intro", "More", "x = 1"]
    exercise = tipcourse.exercise("prosecution.e01")
    assert body[3].source.startswith("### Exercise `prosecution.e01`")
    assert body[4].source == f"{exercise.starter}\n\n{exercise.answer_code()}"
    assert 'tipcourse.exercise("prosecution.e01").hint()' in body[5].source
    assert len({cell.id for cell in cells}) == len(cells)
