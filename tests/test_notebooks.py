"""The notebook series: built from course/, complete, covering the report, and solvable.

nbval (in the README's test command) runs every notebook and compares its outputs; these tests
check what nbval cannot: that the notebooks match their sources, meet the course's standards,
use every question and exercise exactly once, cover every paragraph, and have a reference
solution for every exercise (tests/test_binder.py runs the solution versions and checks that they
pass).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

import tipcourse
from tipcourse.engine.banks import ITEM_ID
from tipcourse.report.messages import message
from tipcourse.views.authoring import BEGIN, END, ROLES, SourceError, build, read_sources, workload

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
    assert all(
        output.output_type != "error"
        for cell in code_cells(saved(source))
        for output in cell.outputs
    )


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
    charts = [
        cell
        for cell in code_cells(notebook)
        if re.search(
            r'<img src="data:image/png;base64,[^"]+" alt="[^"]{40,}"',
            outputs_text(cell, "text/html"),
        )
    ]
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
    wanted = {
        (name, number)
        for name, section in report.sections.items()
        for number in range(len(section.paragraphs))
    }
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


@by_number
def test_every_exercise_has_its_reference_solution_between_nbgrader_markers(source):
    """The solution version fills every exercise between nbgrader's markers.

    That the solution versions run and pass every check is tested once, in the Binder
    environment (tests/test_binder.py::test_notebook_passes_with_the_reference_solutions_in_the_binder_environment).
    """
    notebook = build(source, SOURCES, solutions=True)
    answers = [cell for cell in code_cells(notebook) if role(cell) == "answer"]
    assert answers
    for cell in answers:
        assert cell.source.startswith(BEGIN + "\n") and f"\n{END}\n" in cell.source
        assert cell.metadata["nbgrader"]["solution"] is True
        assert cell.metadata["tipcourse"]["exercise"] in cell.source


# -- the source format ----------------------------------------------------------------------


def write(folder, name, text):
    path = folder / name
    path.write_text(text, "utf-8")
    return path


FRONT = "---\ntitle: T\nlearn: [a]\nneed: [b]\nkey_points: [c]\n---\n"


@pytest.mark.parametrize(
    "text, words",
    [
        ("# no front matter\n", "front matter"),
        ("---\ntitle: T\n---\nbody\n", "needs learn, need, key_points"),
        (FRONT + "```python\nx = 1\n", "never closed"),
        (FRONT + "```{quiz} x\n```\n", "unknown block '{quiz}'"),
        (FRONT + "```{exercise} prosecution.e99\n```\n", "prosecution.e99"),
        (FRONT + "Intro\n+++ discuss\nWhy\n", "+++ discuss needs a question"),
        (FRONT + "Intro\n+++ aside\nWhy\n", "unknown mark 'aside' after +++"),
        (FRONT + "```python chart\nx = 1\n```\n", "unknown mark 'chart' after ```python"),
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
    write(
        tmp_path,
        "01-topic.md",
        FRONT + "Intro\n+++\nMore\n```python\nx = 1\n```\n```{exercise} prosecution.e01\n```\n",
    )
    sources = read_sources(tmp_path)
    cells = build(sources[0], sources).cells
    body = cells[3:-2]
    assert [cell.source for cell in body[:3]] == ["Intro", "More", "x = 1"]
    exercise = tipcourse.exercise("prosecution.e01")
    assert body[3].source.startswith("### Exercise `prosecution.e01`")
    assert body[4].source == f"{exercise.starter}\n\n{exercise.answer_code()}"
    assert 'tipcourse.exercise("prosecution.e01").hint()' in body[5].source
    assert len({cell.id for cell in cells}) == len(cells)


def test_every_cell_carries_its_role_and_a_discussion_its_items(tmp_path):
    """Reading, question, exercise, discussion: assign and the tests act on these roles."""
    write(
        tmp_path,
        "01-topic.md",
        FRONT + "Look for the verbs.\n"
        '```python\ntipcourse.reading("prosecution", 1)\n```\n'
        '```python reading\nprint(report.sections["prosecution"].sentences[0])\n```\n'
        '```python\ntipcourse.show("prosecution.q07")\n```\n'
        "```{exercise} prosecution.e01\n```\n"
        "+++ discuss\nThe reforms did three things.\n+++\nNext, jurisdiction.\n",
    )
    sources = read_sources(tmp_path)
    cells = build(sources[0], sources).cells
    roles = [(role(cell), cell.metadata["tipcourse"].get("items")) for cell in cells]
    assert roles[:3] == [("opening", None), ("content-note", None), ("setup", None)]
    assert roles[3:-2] == [
        ("commentary", None),
        ("reading", None),
        ("reading", None),
        ("question", ["prosecution.q07"]),
        ("exercise", ["prosecution.e01"]),
        ("answer", None),
        ("help", None),
        ("discussion", ["prosecution.q07", "prosecution.e01"]),
        ("commentary", None),
    ]
    assert roles[-2:] == [("key-points", None), ("navigation", None)]
    assert all(role(cell) in ROLES for cell in cells)


def test_building_a_notebook_leaves_the_callers_environment_alone(tmp_path, monkeypatch):
    """execute gives the kernel its learner and language without changing os.environ."""
    import os

    from tipcourse.views.authoring import execute

    monkeypatch.setenv("TIPCOURSE_LANG", "es")
    before = dict(os.environ)
    write(
        tmp_path,
        "01-topic.md",
        FRONT + "```python\nimport os\nprint(os.environ['TIPCOURSE_LANG'])\n```\n",
    )
    sources = read_sources(tmp_path)
    notebook = execute(build(sources[0], sources), tmp_path)
    assert notebook.cells[3].outputs[0]["text"].strip() == "en"
    assert dict(os.environ) == before


def test_the_time_a_notebook_takes_is_measured_from_what_it_asks(tmp_path):
    """Words at 120 a minute, a minute a code cell, 8 an exercise, 2 a question, rounded up to 5."""
    text = " ".join(["word"] * 600)
    write(
        tmp_path,
        "01-topic.md",
        FRONT + text + "\n```python\nx = 1\n```\n"
        "```{exercise} prosecution.e01\n```\n```python\ntipcourse.show('prosecution.q01')\n```\n",
    )
    source = read_sources(tmp_path)[0]
    load = workload(source)
    assert (load.code_cells, load.exercises, load.questions) == (2, 1, 1)
    assert 601 < load.words < 700  # the text, the key point and the exercise's prompt
    assert load.minutes == 20  # about 5.3 + 2 + 8 + 2 = 17.3, rounded up to 20
    opening = build(source, [source]).cells[0].source
    assert "**Time it takes:** about 20 minutes at a beginner's pace" in opening
    assert "1 exercise, 1 question" in opening


def test_a_reading_counts_the_words_of_the_paragraphs_it_quotes(tmp_path):
    """tipcourse.reading("prosecution", 2) adds that paragraph's words to the reading time."""
    write(tmp_path, "01-topic.md", FRONT + '```python\ntipcourse.reading("prosecution", 2)\n```\n')
    paragraph = tipcourse.load_report().sections["prosecution"].paragraphs[1]
    load = workload(read_sources(tmp_path)[0])
    assert abs(load.words - (len(paragraph.split()) + 1)) <= 5  # +1: the key point "c"


def test_the_course_map_and_readme_give_the_measured_times():
    """Notebook 00's map lists each notebook's measured minutes; the README gives the total."""
    course_map = next(cell.source for cell in saved(SOURCES[0]).cells if role(cell) == "course-map")
    total = 0
    for source in SOURCES:
        minutes = workload(source).minutes
        total += minutes
        assert f"| {minutes} minutes |" in course_map.split(source.notebook_name)[1].splitlines()[0]
    readme = (ROOT / "README.md").read_text("utf-8")
    guide = (ROOT / "docs" / "instructor-guide.md").read_text("utf-8")
    hours, minutes = divmod(total, 60)
    assert f"{total} minutes in all, about {hours} hours {minutes} minutes" in readme
    assert f"**{total}** (about {hours} hours {minutes} minutes)" in guide
    for source in SOURCES:
        minutes = workload(source).minutes
        row = next(line for line in readme.splitlines() if f"`{source.path.stem}`" in line)
        assert row.endswith(f"| {minutes} min |"), row
        assert f"| {source.number} {source.meta['title']} | {minutes} |" in guide


# -- nothing on the page gives an answer away ------------------------------------------------------

_BASE64 = re.compile(r"base64,[A-Za-z0-9+/=]+")


def _page_text(notebook) -> str:
    """What a learner can read in a notebook: every cell's source and saved text outputs."""
    parts = []
    for cell in notebook.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            for kind, value in output.get("data", {}).items():
                if kind.startswith("text/"):
                    parts.append(value if isinstance(value, str) else "".join(value))
    return _BASE64.sub("base64,", "\n".join(parts))


def _decimal_forms(number: float) -> set[str]:
    """How a computed, non-whole number shows: 92.5, 92.55, 92.548, 92.5%, and 0.714 as 71.4."""
    forms = {f"{number:.{places}f}" for places in (1, 2, 3)} | {repr(number), f"{number:g}"}
    if 0 < abs(number) < 1:
        forms |= {f"{number * 100:.{places}f}" for places in (1, 2)}
    return {form for form in forms if float(form) != round(number)}


def _giveaway_forms(value) -> tuple[set[str], set[str]]:
    """(forms searched anywhere on the page, forms that give it away as a whole output line)."""
    import numpy as np
    import pandas as pd

    if isinstance(value, (pd.Series, pd.DataFrame)):
        anywhere = {value.to_string()}
        if isinstance(value, pd.DataFrame):
            anywhere.add(value._repr_html_())
        numbers = value.to_numpy().ravel()
        floats = [float(x) for x in numbers if isinstance(x, (float, np.floating))]
        anywhere |= {form for x in floats if x != round(x) for form in _decimal_forms(x)}
        return anywhere, set()
    if isinstance(value, list):
        plain = [item.item() if hasattr(item, "item") else item for item in value]
        return {repr(plain), ", ".join(map(str, plain))}, set()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        return set(), set()
    number = float(value)
    if number == round(number):  # a whole number: as data it fills the tables learners use
        return set(), {str(int(number)), f"{number:.1f}"}
    return _decimal_forms(number), set()


EXERCISES = [item for item in tipcourse.exercises() if not callable(item.expected())]


@pytest.mark.parametrize("item", EXERCISES, ids=lambda item: item.id)
def test_no_notebook_shows_an_exercises_computed_answer(item):
    """Its value, in the forms a learner would see (92.5, 92.50, 92.5%), is on no page.

    Forms the report itself states are not computed answers and are allowed (the readings
    quote the report). A whole number is searched only as a line of output on its own, since
    as data it fills the very tables that learners compute from.
    """
    report_text = " ".join(
        " ".join(section.text for section in tipcourse.load_report().sections.values()).split()
    )
    anywhere, alone = _giveaway_forms(item.expected())
    anywhere = {
        form
        for form in anywhere
        if not re.search(r"(?<![\d.])" + re.escape(form) + r"(?!\d)", report_text)
    }
    found = []
    for source in SOURCES:
        text = _page_text(saved(source))
        for form in anywhere:
            pattern = r"(?<![\d.])" + re.escape(form) + r"(?!\d)" if form[0].isdigit() else None
            if re.search(pattern, text) if pattern else form in text:
                found.append((source.notebook_name, form))
        lines = {
            line.strip() for cell in saved(source).cells for line in outputs_text(cell).splitlines()
        }
        found += [(source.notebook_name, form) for form in alone if form in lines]
    assert not found, found
