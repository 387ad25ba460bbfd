"""``tipcourse assign``: student notebooks without the key, an answer key, subsets, same bytes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import tipcourse
from tipcourse.assign import AssignError, answer_variable, assign, items_in, plan
from tipcourse.authoring import BEGIN, END, build, read_sources
from tipcourse.cli import main

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"


def role(cell):
    return cell.metadata.get("tipcourse", {}).get("role")


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def prosecution(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignment")
    assert main(["assign", "--notebooks", "04", "--out", str(out)]) == 0
    return out


def test_assign_writes_students_key_and_manifest(prosecution):
    """student/ and key/ hold the chosen notebook; the key has a Markdown version; a manifest."""
    assert sorted(files(prosecution)) == [
        "assignment.json", "key/04-prosecution.ipynb", "key/answer-key.md",
        "student/04-prosecution.ipynb"]
    manifest = json.loads((prosecution / "assignment.json").read_text("utf-8"))
    [entry] = manifest["notebooks"]
    sources = read_sources(COURSE)
    expected = items_in(build(sources[4], sources))
    assert [item["id"] for item in entry["items"]] == expected
    assert entry["max_score"] == sum(item["points"] for item in entry["items"])


def test_the_student_notebook_holds_nothing_of_the_key(prosecution):
    """No markers, no solution code, no question answers, no outputs; a starter per exercise."""
    text = (prosecution / "student" / "04-prosecution.ipynb").read_text("utf-8")
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    assert BEGIN not in text and END not in text and "HIDDEN" not in text
    assert ".solution()" not in text and ".expected()" not in text
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    answers = [cell for cell in notebook.cells if role(cell) == "answer"]
    ids = notebook.metadata["tipcourse"]["assignment"]["items"]
    assert len(answers) == len(ids)
    for cell in answers:
        meta = cell.metadata["tipcourse"]
        if "exercise" in meta:
            item = tipcourse.exercise(meta["exercise"])
            assert cell.source == f"{item.starter}\n\n{item.answer_code()}"
            assert str(item.solution()) not in text
        else:
            question = tipcourse.question(meta["question"])
            assert cell.source.endswith(f"{answer_variable(question.id)} = ...")
            value = list(question.answer) if isinstance(question.answer, tuple) else question.answer
            assert f"{answer_variable(question.id)} = {value!r}" not in text
        assert cell.metadata["nbgrader"]["solution"] is True
    assert [role(cell) for cell in notebook.cells].count("learner") == 1


def test_the_key_notebook_has_solutions_between_nbgrader_markers(prosecution):
    """Each graded answer holds the solution between the markers, followed by an nbgrader test."""
    notebook = nbformat.read(prosecution / "key" / "04-prosecution.ipynb", as_version=4)
    cells = notebook.cells
    answers = [index for index, cell in enumerate(cells) if role(cell) == "answer"]
    for index in answers:
        assert f"{BEGIN}\n" in cells[index].source and f"\n{END}" in cells[index].source
        test = cells[index + 1]
        assert role(test) == "test" and test.metadata["nbgrader"]["grade"] is True
        assert test.metadata["nbgrader"]["points"] > 0 and test.metadata["nbgrader"]["locked"]
    ids = [cell.id for cell in cells]
    assert len(set(ids)) == len(ids)
    markdown = (prosecution / "key" / "answer-key.md").read_text("utf-8")
    for item_id in notebook.metadata["tipcourse"]["assignment"]["items"]:
        assert f"### `{item_id}`" in markdown
    assert str(tipcourse.exercise("prosecution.e01").solution()) in markdown


def test_the_same_input_gives_byte_identical_output(prosecution, tmp_path):
    """Running assign again writes exactly the same bytes."""
    assign(tmp_path, notebooks=["04"])
    assert files(tmp_path) == files(prosecution)


def test_a_folder_that_cannot_be_written_exits_1_with_its_message(tmp_path, capsys):
    """`tipcourse assign` into a path below a file says it could not write there, and exits 1."""
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "hw"
    assert main(["assign", "--notebooks", "04", "--out", str(out)]) == 1
    assert f"Could not write the assignment into {out}" in capsys.readouterr().err


def test_a_subset_of_items_chooses_their_notebooks(tmp_path):
    """--items alone picks the notebooks that use them and grades only those items."""
    written = assign(tmp_path, items=["prosecution.e01", "protection.q02"])
    names = sorted(path.name for path in written if path.suffix == ".ipynb")
    assert names == ["04-prosecution.ipynb"] * 2 + ["05-protection.ipynb"] * 2
    manifest = json.loads((tmp_path / "assignment.json").read_text("utf-8"))
    assert [[item["id"] for item in entry["items"]] for entry in manifest["notebooks"]] == [
        ["prosecution.e01"], ["protection.q02"]]
    student = nbformat.read(tmp_path / "student" / "04-prosecution.ipynb", as_version=4)
    graded = [cell for cell in student.cells if "nbgrader" in cell.metadata]
    assert [cell.metadata["tipcourse"]["exercise"] for cell in graded] == ["prosecution.e01"]
    others = [cell for cell in student.cells if role(cell) == "answer" and "nbgrader" not in cell.metadata]
    assert others and all(BEGIN not in cell.source for cell in others)
    assert not any(role(cell) == "answer" and "question" in cell.metadata["tipcourse"]
                   for cell in student.cells)


@pytest.mark.parametrize("arguments, words", [
    (["--notebooks", "99"], "99"),
    (["--items", "prosecution.q99"], "prosecution.q99"),
    (["--notebooks", "05", "--items", "prosecution.e01"], "prosecution.e01"),
])
def test_a_wrong_choice_says_what_to_change(tmp_path, capsys, arguments, words):
    """An unknown notebook or item, or an item outside the notebooks, is a message, not a traceback."""
    assert main(["assign", *arguments, "--out", str(tmp_path)]) == 2
    assert words in capsys.readouterr().err
    chosen = {"--notebooks": None, "--items": None}
    for flag, value in zip(arguments[::2], arguments[1::2], strict=True):
        chosen[flag] = [value]
    with pytest.raises(AssignError):
        plan(COURSE, chosen["--notebooks"], chosen["--items"])


@pytest.fixture(scope="module")
def nbgrader(tmp_path_factory):
    """nbgrader's command: installed already, or into a throwaway virtual environment.

    nbgrader installs cleanly beside JupyterLab 4 but brings a database layer and a JupyterLab
    extension the course does not need, so it is kept out of the course's own environment.
    """
    found = shutil.which("nbgrader")
    if found:
        return found
    folder = tmp_path_factory.mktemp("nbgrader-venv")
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    result = subprocess.run(
        [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", "nbgrader>=0.9,<0.10"],
        capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        message = f"nbgrader could not be installed: {result.stderr[-500:]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return str(folder / "bin" / "nbgrader")


def test_nbgrader_generate_assignment_accepts_the_key_notebook(prosecution, nbgrader, tmp_path):
    """nbgrader's generate_assignment turns our key into a student version without the answers."""
    NBGRADER = nbgrader
    source = tmp_path / "source" / "ps1"
    source.mkdir(parents=True)
    shutil.copy(prosecution / "key" / "04-prosecution.ipynb", source)
    result = subprocess.run(
        [NBGRADER, "generate_assignment", "ps1", "--force", "--create",
         f"--CourseDirectory.root={tmp_path}", "--CourseDirectory.db_url=sqlite:///"
         + str(tmp_path / "gradebook.db")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PATH": f"{Path(NBGRADER).parent}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 0, result.stderr[-2000:]
    released = (tmp_path / "release" / "ps1" / "04-prosecution.ipynb").read_text("utf-8")
    assert BEGIN not in released and "prosecution_q01 = 18" not in released


def test_no_handout_can_look_up_a_graded_answer(tmp_path):
    """In every notebook's handout, no code reads a graded exercise's expected value or solution.

    A later cell that needs an exercise's result uses the learner's own variable instead.
    """
    out = tmp_path / "all"
    numbers = [source.number for source in read_sources(COURSE)]
    assign(out, notebooks=numbers)
    for path in sorted((out / "student").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert ".expected()" not in cell.source, (path.name, cell.source)
                assert ".solution()" not in cell.source, (path.name, cell.source)
