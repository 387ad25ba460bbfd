"""``check_form`` and the grader read answers by one rule: for every item of the course and a
corpus of inputs, an answer is well formed exactly when the grader neither refuses it as
unreadable nor counts it as unanswered."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pandas as pd
import pytest

import tipcourse
from tipcourse.instructor._cells import answer_variable, form_call

CORPUS = [
    "a",
    "b",
    "c",
    "d",
    "e",
    "z",
    "A",
    " (b) ",
    "b.",
    "[c]",
    "ab",
    "()",
    "[].",
    "",
    "   ",
    "a, c",
    "A, C",
    "(a), (c)",
    "a c",
    "a;b",
    "c, a, b, d",
    "d c b a",
    "a, a",
    ["a"],
    ["a", "c"],
    ["A", "(c)"],
    ["b", "a", "d", "c"],
    ["a", "a"],
    [],
    ("a", "b"),
    {"a", "c"},
    [1, 2],
    ["a", 1],
    [[1], [2]],
    {"a": 1},
    {"x": "y"},
    True,
    False,
    "True",
    "True.",
    "false",
    "FALSE!",
    "sí",
    "Verdadero",
    "no",
    "yes",
    "maybe",
    14,
    14.0,
    -1,
    0,
    3.5,
    "14",
    " 14 ",
    "1,000",
    "14.5",
    "92.5%",
    "92.5",
    "37.9 %",
    "$4.2 million",
    "fourteen",
    "Eighteen",
    1e300,
    10**400,
    float("nan"),
    math.inf,
    -math.inf,
    None,
    ...,
    "Yucatán",
    "yucatan",
    "Puebla",
    "FEVIMTRA",
    "Nuevo León",
    "墨西哥",
    "Ωμέγα",
    "ñ",
    "x" * 1500,
    "x" * 20_000,
    b"a",
    bytearray(b"b"),
    3 + 4j,
    object(),
    len,
    [float("nan")],
    [1, 10**400],
    [14, 13],
    pd.Series([1, 2]),
    pd.Series(["a"]),
    pd.DataFrame({"agency": ["INM"], "victims": [1]}),
    pd.DataFrame(),
]


def variants(item) -> list:
    """The item's own answer in the forms a learner may give it, and near misses."""
    if item.kind == "question":
        answer = item.answer
        if isinstance(answer, tuple):
            return [
                list(answer),
                answer,
                ", ".join(answer),
                " ".join(answer).upper(),
                list(answer)[:-1],
                [*answer, answer[0]],
            ]
        return [answer, str(answer), f" {answer} ".upper()]
    expected = item.expected()
    found = [expected]
    if isinstance(expected, list):
        found += [
            tuple(expected),
            set(expected),
            [*expected, "x"],
            [str(v) for v in expected],
            expected[:-1],
        ]
    if isinstance(expected, (pd.Series, pd.DataFrame)):
        found += [expected.head(1), expected.to_dict()]
    if isinstance(expected, pd.Series):
        found += [expected.tolist(), expected.astype(str)]
    if isinstance(expected, (int, float)):
        found += [str(expected), float(expected) + 1, bool(expected)]
    return found


ITEMS = [*tipcourse.questions(), *tipcourse.exercises()]


def handout_line(item) -> tuple[str, str]:
    """The variable and the ``check_form`` line that the sealed handout writes for ``item``."""
    variable = answer_variable(item.id) if item.kind == "question" else item.answer_name
    return variable, form_call(variable, item)


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_check_form_is_well_formed_exactly_when_the_grader_reads_the_answer(item):
    """The handout's own check_form line agrees with the grader on every input of the corpus."""
    variable, line = handout_line(item)
    disagreements = []
    for value in [*CORPUS, *variants(item)]:
        formed = eval(line, {"tipcourse": tipcourse, variable: value})
        graded = item.evaluate(value)
        if formed.valid != (graded.status not in ("invalid", "unanswered")):
            disagreements.append((repr(value)[:40], formed.valid, graded.status, graded.message))
    assert disagreements == []


def test_check_form_works_in_a_sealed_grading_kernel():
    """In a grading kernel, where banks load sealed, the handout's lines give the same verdicts
    without loading any bank."""
    chosen = [item for item in ITEMS if item.id.endswith(("q01", "q02", "e01", "e02"))]
    lines = [handout_line(item) for item in chosen]
    values = ["a", "A, C", "True.", "14", 14, "92.5%", [1, 2], ["a"], None, float("nan")]
    code = (
        "import tipcourse, json\n"
        "from tipcourse.engine import _exercises, _questions, banks\n"
        "assert banks.grading()\n"
        f"lines = {lines!r}\n"
        f"values = {values!r}\n".replace("nan", "float('nan')")
        + "print(json.dumps([[eval(line, {'tipcourse': tipcourse, name: value}).valid"
        " for value in values] for name, line in lines]))\n"
        "assert not _questions.QUESTIONS.loaded, 'check_form loaded the questions'\n"
        "assert not _exercises.EXERCISES.loaded, 'check_form loaded the exercises'\n"
    )
    env = {**os.environ, "TIPCOURSE_GRADING": "1"}
    sealed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert sealed.returncode == 0, sealed.stderr
    here = [
        [eval(line, {"tipcourse": tipcourse, name: value}).valid for value in values]
        for name, line in lines
    ]
    assert sealed.stdout.strip() == str(here).replace("True", "true").replace("False", "false")
