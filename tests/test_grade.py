"""``tipcourse grade``: scored from outside the learner's code, hostile notebooks included.

One batch of small notebooks built here runs once (two at a time) and each test reads its row:
the batch also shows that one hostile notebook never stops the others or changes their rows.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import uuid
from pathlib import Path

import nbformat
import pytest

import tipcourse
from tipcourse import cli
from tipcourse.engine import outcome
from tipcourse.instructor._assign import assign
from tipcourse.instructor._cells import ManifestEntry
from tipcourse.instructor.grading import _grade as grading
from tipcourse.instructor.grading import _gradebook as gradebook

ITEMS = ["prosecution.q01", "prosecution.q06", "prosecution.e01", "prosecution.e02"]
SECRET = f"tipcourse-secret-{uuid.uuid4().hex}"
CHILD = f"tipcourse-hostile-child-{uuid.uuid4().hex}"
SETUP = "import tipcourse"
E01 = str(tipcourse.exercise("prosecution.e01").solution())
# prosecution.q06's right letter and a wrong one, as the bank shows them today.
Q06 = tipcourse.question("prosecution.q06").answer
Q06_TEXT = repr(Q06)  # as a learner types it in an answer cell
Q06_WRONG = next(o.key for o in tipcourse.question("prosecution.q06").options if o.key != Q06)
E02 = str(tipcourse.exercise("prosecution.e02").solution())


def cell(source, **meta):
    made = nbformat.v4.new_code_cell(source)
    if meta:
        made.metadata["tipcourse"] = meta
    return made


def answers(q01="18", q06=Q06_TEXT, e01=E01, e02=E02, learner='"Ana"'):
    """The answer cells of the small assignment, in order, each with its metadata."""
    return [
        cell(SETUP, role="setup"),
        cell(f"learner = {learner}", role="learner"),
        cell(f"prosecution_q01 = {q01}", role="answer", question="prosecution.q01"),
        cell(f"prosecution_q06 = {q06}", role="answer", question="prosecution.q06"),
        cell(
            f"{e01}\ntipcourse.exercise('prosecution.e01').check(total_convictions)",
            role="answer",
            exercise="prosecution.e01",
        ),
        cell(e02, role="answer", exercise="prosecution.e02"),
    ]


def notebook(cells):
    made = nbformat.v4.new_notebook()
    made.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    made.metadata["tipcourse"] = {"assignment": {"notebook": "hw.ipynb", "items": ITEMS}}
    made.cells = cells
    return nbformat.writes(made)


WRONG = dict(
    q01="12",
    q06=repr(Q06_WRONG),
    e01="total_convictions = 99",
    e02="route_case = lambda suspects: 'SIEDO'",
)

MONKEYPATCH = f"""
import builtins, json, tipcourse, tipcourse.engine._questions, tipcourse.engine._exercises, tipcourse.engine.compare
from tipcourse.engine import outcome
class Always:
    def __getattr__(self, name):
        return lambda *args, **kwargs: outcome.correct("Correct")
tipcourse.question = tipcourse.exercise = lambda *args: Always()
tipcourse.engine._questions.Question.evaluate = lambda self, answer: outcome.correct("Correct")
tipcourse.engine._exercises.Exercise.evaluate = lambda self, value: outcome.correct("Correct")
tipcourse.engine.compare.compare = lambda *args, **kwargs: None
json.dumps = lambda *args, **kwargs: '{{"prosecution.q01": 18, "prosecution.q06": "{Q06}"}}'
builtins.globals = lambda: {{"prosecution_q01": 18, "prosecution_q06": "{Q06}"}}
get_ipython().user_expressions = lambda expressions: {{
    name: {{"status": "ok", "data": {{"text/plain": repr('{{"prosecution.q01": 18}}')}}, "metadata": {{}}}}
    for name in expressions}}
"""

FAKE_OUTPUT = f"""
print("✓ Correct: prosecution.q01")
print("Score: 32 / 32 — all correct")
print('{{"prosecution.q01": 18, "prosecution.q06": "{Q06}"}}')
from IPython.display import display, Markdown
display(Markdown("**✓ Correct**"))
"""

SEARCH = f"""
import os
# Built at run time, so the search does not find its own source (e.g. in IPython's history).
WORDS = ["{SECRET[:20]}" + "{SECRET[20:]}", "prosecution_q01 " + "= 18", "BEGIN " + "SOLUTION"]
found = False
places = [os.getcwd(), os.path.expanduser("~"), os.environ.get("TMPDIR", "/nonexistent")]
for place in places:
    for folder, _, names in os.walk(place):
        for name in names:
            try:
                text = open(os.path.join(folder, name), errors="ignore").read()
            except OSError:
                continue
            if any(word in text for word in WORDS):
                found = True
found = found or WORDS[0] in open("/proc/self/environ", errors="ignore").read()
found = found or any(WORDS[0] in value for value in os.environ.values())
learner = "found" if found else "clean:" + ",".join(sorted(k for k in os.environ if k.startswith(("GRADER", "AWS"))))
open("written-by-learner.txt", "w").write("mine")
open(os.path.expanduser("~/home-file.txt"), "w").write("mine")
import tempfile; tempfile.NamedTemporaryFile(delete=False).write(b"mine")
prosecution_q01 = 18
"""

LOOP = """
import time
while True:
    try:
        time.sleep(0.05)
    except KeyboardInterrupt:
        pass
"""

MEMORY = """
hoard = []
while True:
    hoard.append(bytearray(64 * 1024 * 1024))
"""

CHILDREN = f"""
import subprocess, sys
code = "import time; time.sleep(120)"
subprocess.Popen([sys.executable, "-c", code, "{CHILD}"])
subprocess.Popen([sys.executable, "-c", code, "{CHILD}"], start_new_session=True)
subprocess.Popen([sys.executable, "-c", code, "{CHILD}"], start_new_session=True, env={{}})
"""


BLANK = dict(q01="...", q06="...", e01="total_convictions = ...", e02="route_case = ...")

# Answers that ask the installed package for the key, in every public way: the key attributes,
# trying every option and number through check() and evaluate(), the bank loader, the reference
# solution and the expected value. In the grading kernel the package is sealed.
LOOKUP_QUESTION = """
import tipcourse
from tipcourse.engine._questions import load_bank

def look_up(question_id):
    found = None
    for get in (lambda: tipcourse.question(question_id), lambda: load_bank()[question_id]):
        try:
            item = get()
        except Exception:
            continue
        for attempt in (lambda: item.answer, lambda: item.accept[0]):
            try:
                found = attempt() if attempt() is not None else found
            except Exception:
                pass
        for given in [option.key for option in item.options] + list(range(0, 40)):
            try:
                if item.check(given).correct or item.evaluate(given).correct:
                    found = given
            except Exception:
                pass
    return found

{variable} = look_up("{item}")
"""

LOOKUP_EXERCISE = """
import tipcourse
for way in ("solution", "expected"):
    try:
        item = tipcourse.exercise("{item}")
        if way == "solution":
            exec(str(item.solution()))
        else:
            {variable} = item.expected()
    except Exception:
        pass
try:
    {variable} = {variable}
except NameError:
    {variable} = ...
"""


def lookups():
    """The small assignment answered only by asking the package for the key."""
    made = answers(**BLANK)
    for index, (item, variable, kind) in enumerate(
        [
            ("prosecution.q01", "prosecution_q01", LOOKUP_QUESTION),
            ("prosecution.q06", "prosecution_q06", LOOKUP_QUESTION),
            ("prosecution.e01", "total_convictions", LOOKUP_EXERCISE),
            ("prosecution.e02", "route_case", LOOKUP_EXERCISE),
        ],
        2,
    ):
        made[index].source = kind.format(item=item, variable=variable)
    return made


def build_batch(folder: Path) -> dict[str, Path]:
    cases = {
        "good": notebook(answers()),
        "wrong": notebook(answers(**WRONG)),
        "blank": notebook(answers(**BLANK)),
        "lookup": notebook(lookups()),
        "monkeypatch": notebook(
            [
                *answers(**WRONG)[:2],
                cell(MONKEYPATCH),
                *answers(**WRONG)[2:],
                cell("tipcourse.question('prosecution.q01').check(12)"),
            ]
        ),
        "fake_output": notebook([*answers(**WRONG), cell(FAKE_OUTPUT)]),
        "after_the_fact": notebook(
            [
                *answers(**WRONG),
                cell(f"prosecution_q01 = 18\nprosecution_q06 = {Q06!r}\ntotal_convictions = 14"),
            ]
        ),
        "search": notebook([cell(SEARCH, role="answer", question="prosecution.q01")]),
        "loop": notebook([*answers()[:3], cell(LOOP), *answers()[3:]]),
        "memory": notebook([*answers()[:3], cell(MEMORY), *answers()[3:]]),
        "children": notebook([*answers(), cell(CHILDREN)]),
        "deleted": notebook([cells for index, cells in enumerate(answers()) if index != 4]),
        "reordered": notebook(list(reversed(answers()))),
        "duplicated": notebook([*answers(), *answers(**WRONG)[2:4], answers()[3]]),
        "no_metadata": notebook([nbformat.v4.new_code_cell(c.source) for c in answers()]),
    }
    paths = {}
    for name, text in cases.items():
        paths[name] = folder / f"{name}.ipynb"
        paths[name].write_text(text, "utf-8")
    paths["malformed"] = folder / "malformed.ipynb"
    paths["malformed"].write_text('{"cells": [', "utf-8")
    paths["not_notebook"] = folder / "not_notebook.ipynb"
    paths["not_notebook"].write_text('{"hello": "world", "cells": "no"}', "utf-8")
    paths["a_list"] = folder / "a_list.ipynb"
    paths["a_list"].write_text("[1, 2, 3]", "utf-8")
    return paths


def grader_temp_folders(parent: Path) -> set[str]:
    return {name for name in os.listdir(parent) if name.startswith("tipcourse-grade-")}


def child_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if CHILD.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    paths = build_batch(folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    # The grader's temporary folders go to a private parent, so that other test processes
    # (pytest-xdist workers) grading at the same time cannot make or hide leftovers here.
    temp = tmp_path_factory.mktemp("grader-temp")
    made: list[str] = []
    mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        folder = mkdtemp(*args, **kwargs)
        made.append(folder)
        return folder

    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir, os.environ["TMPDIR"] = str(temp), str(temp)
    tempfile.mkdtemp = recording_mkdtemp
    os.environ["GRADER_SECRET"] = SECRET  # the grader's environment must not reach a kernel
    progress = io.StringIO()
    try:
        results = grading.grade(
            list(paths.values()),
            None,
            jobs=2,
            timeout=25,
            memory_mb=2500,
            progress=lambda done, total: cli.progress_bar(done, total, progress),
        )
    finally:
        del os.environ["GRADER_SECRET"]
        tempfile.mkdtemp = mkdtemp
        tempfile.tempdir = saved[0]
        if saved[1] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved[1]
    out = tmp_path_factory.mktemp("out")
    gradebook.write_gradebook(results, out / "gradebook.csv")
    gradebook.write_feedback(results, out / "feedback")
    rows = list(csv.DictReader(open(out / "gradebook.csv", encoding="utf-8")))
    return {
        "paths": paths,
        "folder": folder,
        "before": before,
        "temp": temp,
        "grader_folders": [
            Path(folder) for folder in made if Path(folder).name.startswith("tipcourse-grade-")
        ],
        "rows": {Path(row["submission"]).stem: row for row in rows},
        "out": out,
        "results": {Path(result.submission).stem: result for result in results},
        "progress": progress.getvalue(),
    }


def row(batch, name):
    return batch["rows"][name]


def test_a_correct_notebook_scores_full_marks_with_its_learner(batch):
    """Right answers of every kind (number, key, table sum, function) earn every point."""
    good = row(batch, "good")
    assert (good["status"], good["learner"], good["score"], good["max_score"]) == (
        "ok",
        "Ana",
        "5",
        "5",
    )
    assert [good[item] for item in ITEMS] == ["1", "1", "1", "2"]


def test_the_gradebook_has_the_columns_and_one_row_per_submission(batch):
    """submission, learner, status, score, max_score, detail, then one column per item."""
    header = (batch["out"] / "gradebook.csv").read_text("utf-8").splitlines()[0].split(",")
    assert header == gradebook.COLUMNS + ITEMS
    assert set(batch["rows"]) == {path.stem for path in batch["paths"].values()}


def test_wrong_answers_score_zero_and_feedback_gives_hints_not_answers(batch):
    """Feedback says what was wrong, with the hint; never the answer or the solution."""
    assert row(batch, "wrong")["score"] == "0"
    text = (batch["out"] / "feedback" / "wrong.md").read_text("utf-8")
    question = tipcourse.question("prosecution.q01")
    assert "✗" in text and "Hint: " + " ".join(question.hints[0].split()) in text
    assert question.explanation.split(".")[0] not in text
    assert 'return "FEVIMTRA" if suspects <= 3' not in text and "14" not in text
    good = (batch["out"] / "feedback" / "good.md").read_text("utf-8")
    assert good.count("✓ Correct") == 4 and "Hint" not in good


def test_asking_the_package_for_the_key_scores_no_more_than_a_blank(batch):
    """In the grading kernel, check(), evaluate(), .answer, the bank loader, solution() and
    expected() give nothing usable: a notebook answered by lookups scores what a blank one does."""
    blank, lookup = row(batch, "blank"), row(batch, "lookup")
    assert blank["status"] == "ok" and blank["score"] == "0"
    assert lookup["status"] == "ok", lookup["detail"]
    assert float(lookup["score"]) <= float(blank["score"])


def test_monkeypatching_tipcourse_and_the_capture_changes_nothing(batch):
    """Redefined checks, json.dumps, globals and user_expressions cannot forge a right answer."""
    monkey = row(batch, "monkeypatch")
    assert monkey["score"] == "0" and monkey["status"] in ("ok", "error"), monkey["detail"]


def test_printed_correct_and_fake_scores_are_ignored(batch):
    """What a notebook prints or displays is never read."""
    assert row(batch, "fake_output")["score"] == "0"


def test_answers_changed_after_their_cell_do_not_count(batch):
    """The answer is the value its answer cell left, captured right after that cell ran."""
    assert row(batch, "after_the_fact")["score"] == "0"


def test_the_kernel_finds_no_key_no_grader_environment_and_writes_only_in_its_folder(batch):
    """Searching its folder, home, temp and environment finds nothing; its files vanish."""
    search = row(batch, "search")
    assert search["learner"] == "clean:" and search["prosecution.q01"] == "1"
    after = {path.name: path.read_bytes() for path in batch["folder"].iterdir()}
    assert after == batch["before"]
    # The grader made its temporary folders (one per notebook it ran) in the one it was given,
    # and removed every one of them.
    folders = batch["grader_folders"]
    assert folders and all(folder.parent == batch["temp"] for folder in folders)
    assert not [folder for folder in folders if folder.exists()]
    assert grader_temp_folders(batch["temp"]) == set()


def test_an_endless_loop_times_out_and_keeps_earlier_answers(batch):
    """A loop that ignores interrupts is stopped at the deadline; answers before it count."""
    loop = row(batch, "loop")
    assert loop["status"] == "timeout" and loop["prosecution.q01"] == "1"
    assert loop["prosecution.e02"] == "0"


def test_unbounded_memory_hits_the_limit_not_the_machine(batch):
    """The kernel's RLIMIT_AS turns the hoarding into an error; the batch goes on."""
    memory = row(batch, "memory")
    assert memory["status"] == "error" and memory["prosecution.q01"] == "1"


def test_child_processes_are_killed_with_the_kernel(batch):
    """Children, in the kernel's group, in a new session, even with an empty environment, are gone."""
    assert row(batch, "children")["score"] == "5"
    assert child_processes() == []


@pytest.mark.parametrize(
    "name, words",
    [("malformed", "broken JSON"), ("not_notebook", "not"), ("a_list", "not a Jupyter notebook")],
)
def test_a_file_that_is_not_a_notebook_is_invalid(batch, name, words):
    """Broken JSON and JSON that is no notebook get status invalid, score 0, and a reason."""
    found = row(batch, name)
    assert (found["status"], found["score"]) == ("invalid", "0") and words in found["detail"]


def test_deleted_reordered_and_duplicated_cells(batch):
    """A deleted answer loses its points only; reordered cells still count; the last run counts."""
    deleted = row(batch, "deleted")
    assert (deleted["status"], deleted["prosecution.e01"], deleted["score"]) == ("ok", "0", "4")
    reordered = row(batch, "reordered")
    assert (reordered["status"], reordered["score"]) == ("ok", "5")
    duplicated = row(batch, "duplicated")
    assert (duplicated["prosecution.q01"], duplicated["prosecution.q06"]) == ("0", "1")


def test_a_notebook_without_cell_metadata_is_captured_at_the_end(batch):
    """Stripped metadata: the answer variables are read once after the last cell."""
    assert row(batch, "no_metadata")["score"] == "5"


def test_the_progress_bar_counts_to_the_end(batch):
    """The terminal shows a bar that ends at n/n."""
    total = len(batch["paths"])
    assert batch["progress"].rstrip().endswith(f"{total}/{total}")


def test_the_answer_key_of_a_real_notebook_earns_every_point(tmp_path):
    """assign → grade end to end: the key notebook of 04 scores the maximum, the student one 0."""
    assign(tmp_path / "hw", notebooks=["04"])
    out = tmp_path / "gradebook.csv"
    code = cli.main(
        [
            "grade",
            str(tmp_path / "hw" / "key" / "04-prosecution.ipynb"),
            str(tmp_path / "hw" / "student" / "04-prosecution.ipynb"),
            "--out",
            str(out),
            "--assignment",
            str(tmp_path / "hw"),
            "--jobs",
            "2",
        ]
    )
    assert code == 0
    key_row, student_row = list(csv.DictReader(open(out, encoding="utf-8")))
    manifest = json.loads((tmp_path / "hw" / "assignment.json").read_text("utf-8"))
    # Every point but the reflection's, which waits for a score given by hand.
    by_hand = sum(
        item["points"] for item in manifest["notebooks"][0]["items"] if item["kind"] == "written"
    )
    assert by_hand == 5 and key_row["manual_pending"] == "1"
    assert key_row["status"] == "ok"
    assert float(key_row["score"]) == manifest["notebooks"][0]["max_score"] - by_hand
    assert student_row["status"] == "ok" and student_row["score"] == "0"
    assert (tmp_path / "gradebook-feedback" / "04-prosecution.md").exists()
    responses = list(csv.DictReader(open(tmp_path / "gradebook-responses.csv", encoding="utf-8")))
    # Written work goes to the manual-grading file, not the responses.
    items = [info for info in manifest["notebooks"][0]["items"] if info["kind"] != "written"]
    assert [(r["submission"], r["item"]) for r in responses] == [
        (path, info["id"])
        for path in (key_row["submission"], student_row["submission"])
        for info in items
    ]
    key_answers = {r["item"]: r for r in responses if r["submission"] == key_row["submission"]}
    single = next(
        info["id"]
        for info in items
        if info.get("options") and tipcourse.question(info["id"]).type == "single"
    )
    assert key_answers[single]["answer"] == tipcourse.question(single).answer  # its letter
    assert sum(float(r["points"]) for r in key_answers.values()) == float(key_row["score"])
    assert {r["answer"] for r in responses if r["submission"] == student_row["submission"]} == {""}


def test_the_responses_file_records_each_answer_as_given(tmp_path):
    """One row per submission and item: choice letters lower case and joined by ",", other values
    as a short repr, a function as "function", nothing for a missing answer, the points, and no
    cell a spreadsheet would run as a formula."""
    choice = {"options": ["x", "y", "z"]}
    items = [
        ManifestEntry.from_json(entry)
        for entry in [
            {"id": "prosecution.q02", "kind": "question", "points": 2, **choice},
            {"id": "overview.q02", "kind": "question", "points": 1, **choice},
            {"id": "overview.q03", "kind": "question", "points": 1, **choice},
            {"id": "prosecution.q01", "kind": "question", "points": 1},
            {"id": "prosecution.e02", "kind": "exercise", "points": 2},
            {"id": "prosecution.q03", "kind": "question", "points": 1},
            {"id": "prosecution.q04", "kind": "question", "points": 1},
        ]
    ]
    result = grading.Result(
        "=HYPERLINK(1).ipynb",
        "ok",
        learner="@ana",
        items=items,
        outcomes={
            "prosecution.q02": outcome.correct("yes"),
            "overview.q02": outcome.partial(0.5, "half"),
        },
    )
    result.answers = {
        "prosecution.q02": " (B) ",
        "overview.q02": ["A", "c"],
        "overview.q03": "b, D",
        "prosecution.q01": -18.5,
        "prosecution.e02": lambda suspects: "SIEDO",
        "prosecution.q03": "-1+1",
    }
    out = gradebook.write_responses([result], tmp_path / "gradebook-responses.csv")
    assert out == gradebook.responses_path(tmp_path / "gradebook.csv")
    rows = list(csv.reader(open(out, encoding="utf-8")))
    assert rows[0] == ["submission", "learner", "item", "answer", "points"]
    assert rows[1:] == [
        ["'=HYPERLINK(1).ipynb", "'@ana", "prosecution.q02", "b", "2"],
        ["'=HYPERLINK(1).ipynb", "'@ana", "overview.q02", "a,c", "0.5"],
        ["'=HYPERLINK(1).ipynb", "'@ana", "overview.q03", "b,d", "0"],
        ["'=HYPERLINK(1).ipynb", "'@ana", "prosecution.q01", "'-18.5", "0"],
        ["'=HYPERLINK(1).ipynb", "'@ana", "prosecution.e02", "function", "0"],
        ["'=HYPERLINK(1).ipynb", "'@ana", "prosecution.q03", "'-1+1'", "0"],
        ["'=HYPERLINK(1).ipynb", "'@ana", "prosecution.q04", "", "0"],
    ]


def test_a_letter_is_read_against_the_options_the_handout_showed():
    """After a course update reorders a question's options, a letter keeps its handout meaning."""
    single = tipcourse.question("prosecution.q02")
    shown = [option.text for option in reversed(single.options)]  # the handout's order
    right_text = next(o.text for o in single.options if o.key == single.answer)
    given = "abcdefgh"[shown.index(right_text)]
    assert grading.as_lettered_now(single, shown, given) == single.answer
    assert grading.as_lettered_now(single, shown, given.upper() + " ") == single.answer
    assert single.evaluate(grading.as_lettered_now(single, shown, given)).correct is True
    unchanged = [option.text for option in single.options]
    assert grading.as_lettered_now(single, unchanged, "zz") == "zz"  # same order: left alone
    several = tipcourse.question("overview.q02")
    shown = [option.text for option in reversed(several.options)]
    letters = ["abcdefgh"[shown.index(o.text)] for o in several.options if o.key in several.answer]
    assert several.evaluate(grading.as_lettered_now(several, shown, letters)).correct is True
    assert several.evaluate(grading.as_lettered_now(several, shown, ", ".join(letters))).correct
    gone = ["An option the course no longer has"] + shown[1:]
    assert grading.as_lettered_now(several, gone, "a") == ["a"]  # its text is gone: unchanged


def test_the_manifest_records_the_options_of_choice_questions_only(tmp_path):
    """assignment.json lists each choice question's option texts as lettered, never the key."""
    out = tmp_path / "hw"
    assign(out, items=["prosecution.q01", "prosecution.q02"])
    manifest = json.loads((out / "assignment.json").read_text("utf-8"))
    items = {item["id"]: item for entry in manifest["notebooks"] for item in entry["items"]}
    assert "options" not in items["prosecution.q01"]
    question = tipcourse.question("prosecution.q02")
    assert items["prosecution.q02"]["options"] == [option.text for option in question.options]
    assert "answer" not in items["prosecution.q02"]


@pytest.mark.parametrize(
    "entry, words",
    [
        ({"kind": "question", "points": 1}, "needs an id"),
        ({"id": "prosecution.q01", "kind": "essay", "points": 1}, "kind must be one of"),
        ({"id": "prosecution.q01", "kind": "question", "points": "1"}, "points must be a number"),
        ({"id": "prosecution.q01", "kind": "question", "points": -1}, "points must be a number"),
        ({"id": "prosecution.q01", "kind": "question", "points": 1, "options": "ab"}, "options"),
    ],
)
def test_a_manifest_entry_of_the_wrong_kind_is_refused_by_name(entry, words):
    """The grader reads assignment.json into typed entries: a wrong field is a ValueError that
    names the item and the field (the command line turns it into exit 2, nothing graded)."""
    with pytest.raises(ValueError, match=words):
        ManifestEntry.from_json(entry)


def test_a_manifest_entry_reads_back_what_assign_wrote(tmp_path):
    """Every entry of a real assignment.json round-trips through the typed record unchanged."""
    assign(tmp_path, notebooks=["04"])
    manifest = json.loads((tmp_path / "assignment.json").read_text("utf-8"))
    for entry in manifest["notebooks"][0]["items"]:
        again = ManifestEntry.from_json(entry).as_json()
        assert {**again, "points": entry["points"]} == entry and again["points"] == entry["points"]
    lettered = [ManifestEntry.from_json(e) for e in manifest["notebooks"][0]["items"]]
    assert any(entry.options for entry in lettered) and all(
        isinstance(entry.options, tuple) for entry in lettered
    )
