"""``tipcourse assign --bank DIR``: an instructor's own items, sealed, and graded like the course's."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest
import yaml

import tipcourse
from tipcourse.cli import main
from tipcourse.instructor._assign import assign

ROOT = Path(__file__).resolve().parent.parent
RENAMED = {
    "prosecution.q02": "prosecution.q51",
    "prosecution.q06": "prosecution.q52",
    "prosecution.e01": "prosecution.e51",
    "prosecution.e02": "prosecution.e52",
}


def write_bank(folder: Path, renamed: dict[str, str] = RENAMED) -> Path:
    """A bank copied from course items under ids of its own, as an instructor would make it."""
    for kind in ("questions", "exercises"):
        data = yaml.safe_load((ROOT / "data" / kind / "prosecution.yaml").read_text("utf-8"))
        items = [dict(item, id=renamed[item["id"]]) for item in data[kind] if item["id"] in renamed]
        (folder / kind).mkdir(parents=True, exist_ok=True)
        (folder / kind / "prosecution.yaml").write_text(
            yaml.safe_dump({kind: items}, allow_unicode=True, sort_keys=False), "utf-8"
        )
    return folder


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    bank = write_bank(tmp_path_factory.mktemp("bank"))
    out = tmp_path_factory.mktemp("hw") / "hw"
    assert main(["assign", "--bank", str(bank), "--out", str(out)]) == 0
    return out


def course_copy(new_id: str):
    old = next(old for old, new in RENAMED.items() if new == new_id)
    return tipcourse.exercise(old) if ".e" in old else tipcourse.question(old)


def test_a_bank_alone_gives_one_notebook_and_keeps_its_key(own):
    """Every item of DIR is assigned, in a notebook of its own; the bank is kept in key/bank."""
    files = sorted(str(path.relative_to(own)) for path in own.rglob("*") if path.is_file())
    assert files == [
        "assignment.json",
        "key/90-own-items.ipynb",
        "key/answer-key.md",
        "key/bank/exercises/prosecution.yaml",
        "key/bank/questions/prosecution.yaml",
        "student/90-own-items.ipynb",
    ]
    manifest = json.loads((own / "assignment.json").read_text("utf-8"))
    assert manifest["bank"] == "key/bank" and manifest["sealed"] is True
    [entry] = manifest["notebooks"]
    assert [item["id"] for item in entry["items"]] == list(RENAMED.values())
    assert {tuple(sorted(item)) for item in entry["items"]} >= {
        ("id", "kind", "points", "variable")
    }


def test_nothing_of_the_key_reaches_the_student_folder(own):
    """No right option, feedback, explanation, hint, evidence, solution or calls; the prompts,
    options and answer cells with their form checks are there."""
    raw = (own / "student" / "90-own-items.ipynb").read_text("utf-8")
    notebook = nbformat.reads(raw, as_version=4)
    nbformat.validate(notebook)
    text = "\n".join(cell.source for cell in notebook.cells)
    for new_id in RENAMED.values():
        item = course_copy(new_id)
        assert item.prompt.strip() in text
        secrets = [*item.hints, item.explanation, *item.evidence]
        if ".q" in new_id:
            secrets += [option.feedback for option in item.options]
            variable = new_id.replace(".", "_")
            assert f"{variable} = ...\ntipcourse.check_form({variable}" in text
            assert f"{variable} = {item.answer!r}" not in text
        else:
            secrets += [
                line
                for line in item.solution().splitlines()
                if len(line.strip()) > 12
                and line not in item.starter
                and not line.startswith("import ")
            ]
            if item.calls:
                secrets += [repr([list(args) for args in item.calls]), repr(item.calls)]
        for secret in secrets:
            assert not secret.strip() or secret.strip() not in text, (new_id, secret)
    assert "BEGIN SOLUTION" not in text and "HIDDEN" not in text
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "tipcourse.question(" not in code and "tipcourse.exercise(" not in code


def test_the_key_notebook_scores_full_marks_and_a_blank_scores_nothing(own, tmp_path):
    """grade --assignment scores private items from key/bank exactly as course items."""
    out = tmp_path / "gradebook.csv"
    assert (
        main(
            [
                "grade",
                str(own / "key" / "90-own-items.ipynb"),
                str(own / "student" / "90-own-items.ipynb"),
                "--out",
                str(out),
                "--assignment",
                str(own),
                "--jobs",
                "2",
            ]
        )
        == 0
    )
    key, student = csv.DictReader(open(out, encoding="utf-8"))
    manifest = json.loads((own / "assignment.json").read_text("utf-8"))
    assert key["status"] == "ok", key["detail"]
    assert float(key["score"]) == manifest["notebooks"][0]["max_score"] > 0
    assert student["status"] == "ok" and student["score"] == "0"


def test_a_bank_beside_course_notebooks_assigns_both(tmp_path):
    bank = write_bank(tmp_path / "bank")
    assign(tmp_path / "hw", notebooks=["04"], bank=bank)
    manifest = json.loads((tmp_path / "hw" / "assignment.json").read_text("utf-8"))
    assert [entry["notebook"] for entry in manifest["notebooks"]] == [
        "04-prosecution.ipynb",
        "90-own-items.ipynb",
    ]
    key = (tmp_path / "hw" / "key" / "answer-key.md").read_text("utf-8")
    assert "prosecution.e51" in key and "prosecution.e01" in key


def broken(folder: Path, field: str) -> Path:
    write_bank(folder)
    path = folder / "questions" / "prosecution.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    del data["questions"][0][field]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


@pytest.mark.parametrize(
    "make, words",
    [
        (
            lambda folder: broken(folder, "answer"),
            ["prosecution.yaml", "prosecution.q51", "answer"],
        ),
        (
            lambda folder: write_bank(folder, {"prosecution.q02": "prosecution.q02"}),
            ["prosecution.q02", "is a course item's id", "an id of its own"],
        ),
        (lambda folder: folder, ["holds no questions/*.yaml or exercises/*.yaml"]),
        (lambda folder: folder / "missing", ["does not exist"]),
    ],
)
def test_a_bad_bank_names_the_file_item_and_field_and_writes_nothing(tmp_path, capsys, make, words):
    bank = tmp_path / "bank"
    bank.mkdir()
    out = tmp_path / "hw"
    assert main(["assign", "--bank", str(make(bank)), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert all(word in error for word in words), error
    assert "Traceback" not in error and not out.exists()


def test_the_key_carries_the_private_bank_wherever_it_goes(tmp_path):
    """A Key holds the kept bank as text: pickled (as for a Dask worker) and with the assignment
    folder gone, it still scores the private items."""
    import pickle
    import shutil

    from tipcourse.instructor.grading._grade import Key

    bank = write_bank(tmp_path / "bank")
    assign(tmp_path / "hw", bank=bank)
    key = Key.from_manifest(tmp_path / "hw")
    shutil.rmtree(tmp_path / "hw")
    travelled = pickle.loads(pickle.dumps(key))
    item = travelled.find("prosecution.q52")
    assert item.evaluate(course_copy("prosecution.q52").answer).correct
    assert travelled.find("prosecution.e51").evaluate(14).correct
