"""``tipcourse analyze``: item statistics checked against numbers worked out by hand.

The made-up gradebook: five learners, three items in two notebooks (04: prosecution.q02 worth 1
and prosecution.e01 worth 2; 01: overview.q02 worth 1), so each learner's rows are summed across
notebooks; one invalid row that would change the numbers if it counted.

    learner   q02  e01  overview.q02   total
    ana        1    2    1              4
    bea        1    0    1              2
    carl       0    2    0.5            2.5
    dan        0    0    0              0
    eve        1    2    0              3

prosecution.q02: mean 3/5 = 0.6 of 1; rest (e01 + overview.q02) = 3, 1, 2.5, 0, 2;
    deviations 0.4, 0.4, -0.6, -0.6, 0.4 and 1.3, -0.7, 0.8, -1.7, 0.3: Sxx 1.2, Syy 5.8, Sxy 0.9,
    r = 0.9 / sqrt(1.2 × 5.8) = 0.3411.
prosecution.e01: mean 1.2 of 2 (facility 0.6); rest 2, 2, 0.5, 0, 1: Sxx 4.8, Syy 3.2, Sxy 0.4,
    r = 0.4 / sqrt(15.36) = 0.1021 → "does not discriminate".
overview.q02: mean 0.5 of 1; rest 3, 1, 2, 0, 3: Sxx 1, Syy 6.8, Sxy 0.5, r = 0.1917.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

import tipcourse
from tipcourse.instructor._analyze import analysis
from tipcourse.instructor._item_report import write_analysis

SINGLE, EXERCISE, MULTIPLE = "prosecution.q02", "prosecution.e01", "overview.q02"
BANK_SINGLE = tipcourse.question(SINGLE)
# The handout showed prosecution.q02's options in reverse order, so its right one (SIEDO,
# the bank's "a") was the handout's "d": the count must follow the text, not the letter.
HANDOUT_SINGLE = [option.text for option in reversed(BANK_SINGLE.options)]
MULTIPLE_OPTIONS = [option.text for option in tipcourse.question(MULTIPLE).options]

GRADEBOOK = """submission,learner,status,score,max_score,detail,prosecution.q02,prosecution.e01,overview.q02
ana-04.ipynb,Ana,ok,3,3,,1,2,
bea-04.ipynb,bea,ok,1,3,,1,0,
bea-04-again.ipynb,bea,invalid,0,0,not a notebook,0,0,
carl-04.ipynb,carl,error,2,3,cell 3 raised NameError,0,2,
dan-04.ipynb,dan,timeout,0,3,stopped,0,0,
eve-04.ipynb,eve,ok,3,3,,1,2,
ana-01.ipynb, ana ,ok,1,1,,,,1
bea-01.ipynb,bea,ok,1,1,,,,1
carl-01.ipynb,carl,ok,0.5,1,,,,0.5
dan-01.ipynb,dan,ok,0,1,,,,0
eve-01.ipynb,eve,ok,0,1,,,,0
"""

RESPONSES = """submission,learner,item,answer,points
ana-04.ipynb,Ana,prosecution.q02,d,1
bea-04.ipynb,bea,prosecution.q02,d,1
carl-04.ipynb,carl,prosecution.q02,a,0
dan-04.ipynb,dan,prosecution.q02,c,0
eve-04.ipynb,eve,prosecution.q02,d,1
ana-04.ipynb,Ana,prosecution.e01,14,2
bea-04.ipynb,bea,prosecution.e01,99,0
ana-01.ipynb, ana ,overview.q02,"a,b,c,d",1
bea-01.ipynb,bea,overview.q02,"a,b,c,d",1
carl-01.ipynb,carl,overview.q02,"a,b",0.5
dan-01.ipynb,dan,overview.q02,e,0
eve-01.ipynb,eve,overview.q02,,0
"""


def write_assignment(folder, items_by_notebook):
    folder.mkdir(parents=True, exist_ok=True)
    notebooks = [
        {"notebook": name, "items": items, "max_score": sum(i["points"] for i in items)}
        for name, items in items_by_notebook.items()
    ]
    (folder / "assignment.json").write_text(json.dumps({"format": 1, "notebooks": notebooks}))
    return folder


@pytest.fixture
def graded(tmp_path):
    """The made-up assignment, gradebook and responses file."""
    assignment = write_assignment(
        tmp_path / "hw",
        {
            "04-prosecution.ipynb": [
                {
                    "id": SINGLE,
                    "kind": "question",
                    "points": 1,
                    "variable": "prosecution_q02",
                    "options": HANDOUT_SINGLE,
                },
                {"id": EXERCISE, "kind": "exercise", "points": 2, "variable": "total_convictions"},
            ],
            "01-overview.ipynb": [
                {
                    "id": MULTIPLE,
                    "kind": "question",
                    "points": 1,
                    "variable": "overview_q02",
                    "options": MULTIPLE_OPTIONS,
                }
            ],
        },
    )
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text(GRADEBOOK, "utf-8")
    (tmp_path / "gradebook-responses.csv").write_text(RESPONSES, "utf-8")
    return gradebook, assignment


def read_rows(path):
    return list(csv.DictReader(open(path, encoding="utf-8")))


def test_item_statistics_match_the_hand_computed_values(graded, tmp_path):
    """Rows summed across notebooks by learner (any case), invalid rows left out: facility,
    mean points and the corrected item–total correlation are the hand-computed ones."""
    write_analysis(analysis(*graded), tmp_path / "analysis")
    rows = {row["item"]: row for row in read_rows(tmp_path / "analysis" / "items.csv")}
    assert list(rows) == [SINGLE, EXERCISE, MULTIPLE]
    assert list(rows[SINGLE]) == [
        "item",
        "kind",
        "responses",
        "mean_points",
        "max_points",
        "facility",
        "discrimination",
        "flag",
    ]
    got = {
        item: [
            row[c]
            for c in (
                "kind",
                "responses",
                "mean_points",
                "max_points",
                "facility",
                "discrimination",
                "flag",
            )
        ]
        for item, row in rows.items()
    }
    assert got == {
        SINGLE: ["question", "5", "0.6", "1", "0.6", "0.3411", ""],
        EXERCISE: ["exercise", "5", "1.2", "2", "0.6", "0.1021", "does not discriminate"],
        MULTIPLE: ["question", "5", "0.5", "1", "0.5", "0.1917", "does not discriminate"],
    }


def test_learners_totals_are_summed_across_notebooks(graded):
    """Each learner's total is their points over both notebooks; the invalid row adds nothing."""
    found = analysis(*graded)
    assert sorted(found.totals) == [0, 2, 2.5, 3, 4] and found.max_total == 4


def test_options_are_counted_per_learner_with_the_right_one_from_the_bank(graded, tmp_path):
    """options.csv: each option's handout letter and text, how many learners chose it, the share
    of those who answered, and whether the grader's bank says it is right (by its text)."""
    write_analysis(analysis(*graded), tmp_path / "analysis")
    rows = read_rows(tmp_path / "analysis" / "options.csv")
    single = [
        (r["option"], r["text"], r["count"], r["share"], r["right"])
        for r in rows
        if r["item"] == SINGLE
    ]
    assert single == [
        ("a", HANDOUT_SINGLE[0], "1", "0.2", "no"),
        ("b", HANDOUT_SINGLE[1], "0", "0", "no"),
        ("c", HANDOUT_SINGLE[2], "1", "0.2", "no"),
        ("d", HANDOUT_SINGLE[3], "3", "0.6", "yes"),
    ]
    multiple = [
        (r["option"], r["count"], r["share"], r["right"]) for r in rows if r["item"] == MULTIPLE
    ]
    right = set(tipcourse.question(MULTIPLE).answer)
    assert multiple == [
        (letter, count, share, "yes" if letter in right else "no")
        for letter, count, share in [
            ("a", "3", "0.75"),
            ("b", "3", "0.75"),
            ("c", "2", "0.5"),
            ("d", "2", "0.5"),
            ("e", "1", "0.25"),
            ("f", "0", "0"),
        ]
    ]
    assert {row[3] for row in multiple} == {"yes", "no"}
    assert EXERCISE not in {r["item"] for r in rows}  # no options to count


def test_the_report_is_one_self_contained_html_page(graded, tmp_path):
    """report.html: two charts as embedded PNG with alt text naming the items, the item table and
    the option counts; nothing loaded from anywhere else."""
    write_analysis(analysis(*graded), tmp_path / "analysis")
    page = (tmp_path / "analysis" / "report.html").read_text("utf-8")
    images = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]+)">', page)
    assert len(images) == 2
    assert f"{SINGLE}: facility 0.6, discrimination 0.34" in images[0]
    assert "Histogram of the totals of 5 learner(s), from 0 to 4 points" in images[1]
    assert '<th scope="col">discrimination</th>' in page and "does not discriminate" in page
    assert MULTIPLE_OPTIONS[0] in page
    assert not re.search(r"""(src|href)=["']?(https?:|//|[^"'d#])""", page)
    assert "<script" not in page


def test_flags_name_too_easy_too_hard_the_wrong_way_and_no_variance(tmp_path):
    """An item all learners got is too easy and cannot discriminate; none got: too hard; an item
    that weaker learners get right discriminates the wrong way."""
    ids = ["prosecution.q01", "prosecution.q03", "prosecution.q04", "prosecution.q05"]
    assignment = write_assignment(
        tmp_path / "hw",
        {
            "04-prosecution.ipynb": [
                {"id": item, "kind": "question", "points": 1, "variable": item.replace(".", "_")}
                for item in ids
            ]
        },
    )
    gradebook = tmp_path / "flags.csv"
    gradebook.write_text(
        "submission,learner,status,score,max_score,detail,"
        + ",".join(ids)
        + "\na,a,ok,2,4,,1,0,1,0\nb,b,ok,2,4,,1,0,0,1\nc,c,ok,2,4,,1,0,0,1\n"
    )
    found = {row.item: row for row in analysis(gradebook, assignment).items}
    no_variance = (
        "discrimination undefined: no variance (every learner scored the same on it, "
        "or on the other items)"
    )
    assert found[ids[0]].flags == ["too easy", no_variance]
    assert found[ids[1]].flags == ["too hard", no_variance]
    assert found[ids[2]].discrimination == pytest.approx(-1)
    assert found[ids[2]].flags == ["discriminates the wrong way"]
    assert found[ids[2]].facility == pytest.approx(1 / 3)
    assert not (tmp_path / "flags-responses.csv").exists() and found[ids[0]].responses == 3


def test_submissions_without_a_learner_each_stand_alone(tmp_path):
    """With no learner name, each submission is its own learner, and one response is too few."""
    assignment = write_assignment(
        tmp_path / "hw",
        {
            "04-prosecution.ipynb": [
                {"id": SINGLE, "kind": "question", "points": 1, "variable": "x"}
            ],
            "01-overview.ipynb": [
                {"id": MULTIPLE, "kind": "question", "points": 1, "variable": "y"}
            ],
        },
    )
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text(
        "submission,learner,status,score,max_score,detail,"
        f"{SINGLE},{MULTIPLE}\none.ipynb,,ok,1,1,,1,\ntwo.ipynb,,ok,0,1,,,0\n"
    )
    found = analysis(gradebook, assignment)
    assert sorted(found.totals) == [0, 1]
    assert [(row.responses, row.discrimination) for row in found.items] == [(1, None), (1, None)]
    assert found.items[0].flags == ["too easy", "discrimination undefined: fewer than 2 responses"]
    assert found.options is None


def test_without_responses_an_older_options_file_is_removed_and_the_report_says_so(
    graded, tmp_path
):
    """A rerun without the responses file leaves no stale option counts beside new statistics."""
    gradebook, assignment = graded
    out = tmp_path / "analysis"
    write_analysis(analysis(gradebook, assignment), out)
    (tmp_path / "gradebook-responses.csv").unlink()
    written = write_analysis(analysis(gradebook, assignment), out)
    assert sorted(path.name for path in written) == ["items.csv", "report.html"]
    assert not (out / "options.csv").exists()
    assert "No responses file beside the gradebook" in (out / "report.html").read_text("utf-8")
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []
