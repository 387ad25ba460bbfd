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
from tipcourse.cli import main
from tipcourse.engine._written import written_items
from tipcourse.instructor._assign import (
    AssignError,
    answer_variable,
    assign,
    form_call,
    items_in,
    plan,
)
from tipcourse.views.authoring import BEGIN, END, build, read_sources

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"


def role(cell):
    return cell.metadata.get("tipcourse", {}).get("role")


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def prosecution(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignment")
    assert main(["assign", "--notebooks", "04", "--out", str(out)]) == 0
    return out


def test_assign_writes_students_key_and_manifest(prosecution):
    """student/ and key/ hold the chosen notebook; the key has a Markdown version; a manifest."""
    assert sorted(files(prosecution)) == [
        "assignment.json",
        "key/04-prosecution.ipynb",
        "key/answer-key.md",
        "student/04-prosecution.ipynb",
    ]
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
    answers = [cell for cell in notebook.cells if role(cell) in ("answer", "written")]
    ids = notebook.metadata["tipcourse"]["assignment"]["items"]
    assert len(answers) == len(ids)
    for cell in answers:
        if role(cell) == "written":
            assert cell.source == "*Your reflection:*" and cell.cell_type == "markdown"
            assert cell.metadata["nbgrader"]["grade"] is True
            continue
        meta = cell.metadata["tipcourse"]
        if "exercise" in meta:
            item = tipcourse.exercise(meta["exercise"])
            assert cell.source == f"{item.starter}\n\n{form_call(item.answer_name, item)}"
            assert str(item.solution()) not in text
        else:
            question = tipcourse.question(meta["question"])
            variable = answer_variable(question.id)
            assert f"\n{variable} = ...\ntipcourse.check_form({variable}, " in cell.source
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
        ["prosecution.e01"],
        ["protection.q02"],
    ]
    student = nbformat.read(tmp_path / "student" / "04-prosecution.ipynb", as_version=4)
    graded = [cell for cell in student.cells if "nbgrader" in cell.metadata]
    assert [cell.metadata["tipcourse"]["exercise"] for cell in graded] == ["prosecution.e01"]
    others = [
        cell for cell in student.cells if role(cell) == "answer" and "nbgrader" not in cell.metadata
    ]
    assert others and all(BEGIN not in cell.source for cell in others)
    assert not any(
        role(cell) == "answer" and "question" in cell.metadata["tipcourse"]
        for cell in student.cells
    )


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["--notebooks", "99"], "99"),
        (["--items", "prosecution.q99"], "prosecution.q99"),
        (["--notebooks", "05", "--items", "prosecution.e01"], "prosecution.e01"),
    ],
)
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
        [
            str(folder / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "nbgrader>=0.9,<0.10",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
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
        [
            NBGRADER,
            "generate_assignment",
            "ps1",
            "--force",
            "--create",
            f"--CourseDirectory.root={tmp_path}",
            "--CourseDirectory.db_url=sqlite:///" + str(tmp_path / "gradebook.db"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": f"{Path(NBGRADER).parent}{os.pathsep}{os.environ['PATH']}"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    released = (tmp_path / "release" / "ps1" / "04-prosecution.ipynb").read_text("utf-8")
    assert BEGIN not in released and "prosecution_q01 = 18" not in released


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    """Every item of every notebook assigned, sealed and for self-check."""
    numbers = [source.number for source in read_sources(COURSE)]
    sealed, open_ = tmp_path_factory.mktemp("sealed"), tmp_path_factory.mktemp("self-check")
    assign(sealed, notebooks=numbers)
    assign(open_, notebooks=numbers, self_check=True)
    return sealed, open_


def graded_ids(out: Path) -> list[str]:
    manifest = json.loads((out / "assignment.json").read_text("utf-8"))
    return [item["id"] for entry in manifest["notebooks"] for item in entry["items"]]


def test_no_handout_can_check_or_look_up_a_graded_item(everything):
    """In every sealed handout, no code cell names a graded item: no Check widget, check(),
    evaluate(), hint, evidence, solution or expected value. A later cell that needs an
    exercise's result uses the learner's own variable; a chart that waited for a passing check
    waits for a well-formed answer."""
    sealed, _ = everything
    graded = graded_ids(sealed)
    assert len(graded) == (
        len(tipcourse.questions()) + len(tipcourse.exercises()) + len(written_items())
    )
    for path in sorted((sealed / "student").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        assert notebook.cells[1].id == "tipcourse-sealed-note"
        for cell in notebook.cells:
            if cell.cell_type == "code":
                named = [item for item in graded if item in cell.source]
                assert not named, (path.name, named, cell.source)
                for call in (
                    ".check(",
                    ".evaluate(",
                    ".hint(",
                    ".solution(",
                    ".expected(",
                    ".evidence",
                    "tipcourse.show(",
                    "tipcourse.question(",
                ):
                    assert call not in cell.source, (path.name, cell.source)


def test_a_chart_gated_on_a_graded_exercise_waits_for_its_form_and_says_so(everything):
    """Notebook 07 draws charts once an exercise passes its check; sealed, the gate checks the
    form, and neither the cell nor the text before it still speaks of passing the check."""
    sealed, _ = everything
    cells = nbformat.read(sealed / "student" / "07-synthesis.ipynb", as_version=4).cells
    gates = [
        index
        for index, cell in enumerate(cells)
        if cell.cell_type == "code" and ".valid:" in cell.source
    ]
    assert len(gates) == 2
    for index in gates:
        assert "passes its check" not in cells[index].source
        assert cells[index - 1].source.startswith("The cell below draws your answer above once")
        assert ".evaluate(" not in cells[index - 1].source


def test_a_sealed_question_is_shown_as_text_with_its_options(everything):
    """Each graded question appears as static Markdown (header, prompt, every option lettered)
    right before its answer cell."""
    sealed, _ = everything
    for path in sorted((sealed / "student").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        for index, cell in enumerate(cells):
            question_id = cell.metadata.get("tipcourse", {}).get("question")
            if role(cell) != "answer" or not question_id:
                continue
            question, text = tipcourse.question(question_id), cells[index - 1]
            assert text.cell_type == "markdown" and text.source.startswith(f"**{question.id} ·")
            assert question.prompt.strip() in text.source
            for option in question.options if question.type != "truefalse" else ():
                assert f"- **{option.key})** " in text.source


def test_the_form_check_of_each_answer_cell_accepts_the_key_and_rejects_a_blank(everything):
    """The check_form line of every sealed answer cell calls the key's answer well formed (a
    learner is never told a right answer has the wrong form) and a blank one unanswered."""
    sealed, _ = everything
    checked = 0
    for path in sorted((sealed / "key").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("tipcourse", {})
            if role(cell) != "answer" or "nbgrader" not in cell.metadata:
                continue
            line = cell.source.splitlines()[-1]
            assert line.startswith("tipcourse.check_form(")
            if "exercise" in meta:
                item = tipcourse.exercise(meta["exercise"])
                right = {item.answer_name: item.expected()}
            else:
                item = tipcourse.question(meta["question"])
                answer = item.answer
                right = {
                    answer_variable(item.id): list(answer) if isinstance(answer, tuple) else answer
                }
            for namespace, valid in ((right, True), ({name: ... for name in right}, False)):
                result = eval(line, {"tipcourse": tipcourse, **namespace})
                assert result.valid is valid, (item.id, line, result)
            checked += 1
    assert checked == len([item for item in graded_ids(sealed) if ".w" not in item])


def test_self_check_keeps_the_check_buttons_of_graded_items(everything):
    """--self-check: graded questions keep tipcourse.show(...), exercises their check() and hint."""
    _, open_ = everything
    text = "".join(path.read_text("utf-8") for path in (open_ / "student").glob("*.ipynb"))
    assert 'tipcourse.show(\\"prosecution.q01\\")' in text
    assert "tipcourse.exercise('prosecution.e01').check(total_convictions)" in text
    assert 'tipcourse.exercise(\\"prosecution.e01\\").hint()' in text
    assert "check_form" not in text and "tipcourse-sealed-note" not in text
    assert ".expected()" not in text and ".solution()" not in text
    manifest = json.loads((open_ / "assignment.json").read_text("utf-8"))
    assert manifest["sealed"] is False
    assert json.loads((everything[0] / "assignment.json").read_text("utf-8"))["sealed"] is True


def test_the_cli_self_check_flag(tmp_path):
    """`tipcourse assign --self-check` writes an unsealed assignment."""
    assert main(["assign", "--notebooks", "04", "--self-check", "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "assignment.json").read_text("utf-8"))["sealed"] is False
