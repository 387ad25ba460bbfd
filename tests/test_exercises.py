"""Code exercises: reference solutions, hints, and checks that explain themselves."""

import ast
import json
from collections import Counter

import pandas as pd
import pytest
import yaml

import tipcourse
from tipcourse.engine import session
from tipcourse.engine._exercises import ExerciseBankError, UnknownExerciseError, load_exercises
from tipcourse.report._parse import SECTION_NAMES
from tipcourse.report.datasets import data_dir

ALL = tipcourse.exercises()
EXERCISES = data_dir() / "exercises"


def by_id(exercises):
    return pytest.mark.parametrize("exercise", exercises, ids=[e.id for e in exercises])


@pytest.fixture
def fresh():
    """Exercises loaded anew, with hint counters from zero."""
    session.forget_hints()
    return load_exercises()


# -- the bank ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXERCISES.glob("*.yaml")), ids=lambda path: path.name)
def test_every_file_validates_against_the_published_schema(path):
    """Each YAML file passes data/exercises/schema.json."""
    import jsonschema

    schema = json.loads((EXERCISES / "schema.json").read_text("utf-8"))
    jsonschema.validate(
        yaml.safe_load(path.read_text("utf-8")), schema, cls=jsonschema.Draft202012Validator
    )


def test_every_section_has_an_exercise_and_there_are_at_least_eight():
    """Each of the six sections has at least one exercise; the course has eight or more."""
    counts = Counter(exercise.section for exercise in ALL)
    assert set(counts) == set(SECTION_NAMES) and len(ALL) >= 8


@by_id(ALL)
def test_every_solution_passes_its_own_check(exercise):
    """Running the reference solution in a fresh namespace gives a value that checks as correct."""
    namespace = {}
    exec(exercise.solution(), namespace)
    result = exercise.evaluate(namespace[exercise.answer_name])
    assert (result.status, result.correct, result.score) == ("correct", True, 1.0)


@by_id(ALL)
def test_solutions_use_only_tipcourse_and_pandas(exercise):
    """A solution imports nothing but tipcourse and pandas, so learners can run it anywhere."""
    imported = set()
    for node in ast.walk(ast.parse(exercise.solution())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported <= {"tipcourse", "pandas"}


@by_id(ALL)
def test_every_exercise_has_a_prompt_hints_and_points(exercise):
    """Every exercise says what to compute, offers at least one hint and is worth points."""
    assert exercise.prompt and exercise.hints and exercise.points > 0
    assert exercise.answer_name in exercise.prompt


def test_an_unknown_id_says_how_to_find_the_ids():
    """A mistyped id is a KeyError that shows the id format and suggests the nearest id."""
    with pytest.raises(UnknownExerciseError) as raised:
        tipcourse.exercise("prosecution.e1")
    assert isinstance(raised.value, KeyError)
    assert "tipcourse.exercises()" in str(
        raised.value
    ) and "Did you mean 'prosecution.e01'?" in str(raised.value)


def test_exercises_can_be_listed_by_section():
    """exercises(section) gives that section's exercises, in id order, and only those."""
    for section in SECTION_NAMES:
        listed = [e.id for e in tipcourse.exercises(section)]
        assert listed == sorted(e.id for e in ALL if e.section == section)
        assert listed and all(item.startswith(section + ".e") for item in listed)


# -- help -------------------------------------------------------------------------------------


def test_hints_come_one_per_call_then_say_there_are_no_more(fresh):
    """hint() gives the first hint, then the second, then says there are no more and where the solution is."""
    exercise = fresh["prosecution.e01"]
    total = len(exercise.hints)
    assert total >= 2
    shown = [exercise.hint() for _ in range(total)]
    assert shown == [
        f"Hint {n} of {total}: {text}" for n, text in enumerate(exercise.hints, start=1)
    ]
    after = exercise.hint()
    assert "no more hints" in after and "tipcourse.exercise('prosecution.e01').solution()" in after
    assert exercise.hint() == after
    assert after._repr_markdown_() == after


def test_solution_is_code_shown_as_markdown():
    """solution() returns the reference code, shown as a Python code block in a notebook."""
    solution = tipcourse.exercise("prosecution.e01").solution()
    assert "total_convictions =" in solution
    assert solution._repr_markdown_().startswith("```python\n")


def test_expected_is_a_copy():
    """Changing what expected() returns cannot change the reference answer."""
    exercise = tipcourse.exercise("prosecution.e03")
    tampered = exercise.expected()
    tampered.iloc[0] = 999
    assert exercise.evaluate(exercise.expected()).correct is True


# -- checking ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [..., None])
def test_ellipsis_or_none_means_not_answered_yet(value, recorded_attempts):
    """`...` and None give "unanswered" (correct None), name the variable, and record nothing."""
    result = tipcourse.exercise("prosecution.e01").check(value)
    assert (result.status, result.correct) == ("unanswered", None)
    assert "total_convictions" in result.message
    assert recorded_attempts == []


def test_check_records_attempts_as_exercises(recorded_attempts):
    """A usable value is recorded with kind "exercise", right or wrong."""
    exercise = tipcourse.exercise("prosecution.e01")
    exercise.check(exercise.expected())
    exercise.check(13)
    assert [(a["item_id"], a["kind"], a["correct"], a["score"]) for a in recorded_attempts] == [
        ("prosecution.e01", "exercise", True, 1.0),
        ("prosecution.e01", "exercise", False, 0.0),
    ]


def test_a_wrong_value_explains_itself_without_the_answer():
    """A wrong number says so, offers the hint call, and does not reveal the expected number."""
    result = tipcourse.exercise("prosecution.e01").evaluate(13)
    assert result.status == "incorrect"
    assert "not the answer" in result.message
    assert "tipcourse.exercise('prosecution.e01').hint()" in result.message
    assert str(int(tipcourse.exercise("prosecution.e01").expected())) not in result.message


def test_a_percentage_for_a_fraction_is_pointed_out():
    """Giving the state share as a percentage gets a note about the scale, not just "wrong"."""
    share = tipcourse.exercise("assessment.e01")
    result = share.evaluate(share.expected() * 100)
    assert result.correct is False and "percentage" in result.message


@pytest.mark.parametrize(
    "exercise_id, value, words",
    [
        (
            "prosecution.e01",
            pd.DataFrame({"convictions": [14]}),
            "Expected a number but got a pandas DataFrame — did you mean to select one value",
        ),
        ("prosecution.e01", "14", "without quotes"),
        (
            "prosecution.e03",
            pd.DataFrame({"level": ["federal"], "convictions": [4]}),
            "select one column",
        ),
        ("protection.e01", pd.Series([89]), ".to_frame()"),
        ("prosecution.e02", "FEVIMTRA", "Expected a function but got text"),
        ("overview.e01", "2004, 2005", "square brackets"),
    ],
)
def test_a_type_mismatch_explains_itself(exercise_id, value, words):
    """The wrong kind of value is 'invalid' with a message that says what was expected and what to try."""
    result = tipcourse.exercise(exercise_id).evaluate(value)
    assert result.status == "invalid" and result.correct is None
    assert words in result.message


def test_order_does_not_matter_where_the_exercise_says_so():
    """Lists, Series and DataFrame rows marked ordered: false match in any order."""
    years = tipcourse.exercise("overview.e01")
    assert years.evaluate(sorted(years.expected(), reverse=True)).correct is True
    assert years.evaluate(set(years.expected())).correct is True
    assert years.evaluate(pd.Series(years.expected())).correct is True
    by_level = tipcourse.exercise("prosecution.e03")
    assert by_level.evaluate(by_level.expected().iloc[::-1]).correct is True
    victims = tipcourse.exercise("protection.e01")
    shuffled = victims.expected().iloc[::-1][["victims", "agency"]].reset_index(drop=True)
    assert victims.evaluate(shuffled).correct is True
    assert victims.evaluate(shuffled.assign(year=2011)).correct is False


def test_floats_are_compared_with_the_exercises_tolerance():
    """92.5 is close enough to the exact percentage cut; 92.3 is not; rounded Series pass too."""
    cut = tipcourse.exercise("prevention.e01")
    assert cut.evaluate(92.5).correct is True
    assert cut.evaluate(round(cut.expected(), 1)).correct is True
    assert cut.evaluate(92.3).correct is False
    shares = tipcourse.exercise("protection.e02")
    assert shares.evaluate(shares.expected().round(1)).correct is True
    assert shares.evaluate(shares.expected().round(0)).correct is False


def test_the_routing_solution_follows_the_reports_rule():
    """The reference route_case sends three or fewer suspects to FEVIMTRA and more than three to SIEDO."""
    route_case = tipcourse.exercise("prosecution.e02").expected()
    assert [route_case(n) for n in (1, 2, 3, 4, 10)] == ["FEVIMTRA"] * 3 + ["SIEDO"] * 2


def test_a_function_answer_is_called_on_the_test_inputs():
    """A function is checked by calling it; a wrong boundary, an error or a wrong type is explained."""
    routing = tipcourse.exercise("prosecution.e02")
    assert (
        routing.evaluate(lambda suspects: "fevimtra" if suspects < 4 else "siedo").correct is True
    )
    off_by_one = routing.evaluate(lambda suspects: "FEVIMTRA" if suspects < 3 else "SIEDO")
    assert off_by_one.correct is False and "route_case(3) returned 'SIEDO'" in off_by_one.message
    failing = routing.evaluate(lambda suspects: 1 / 0)
    assert failing.correct is False and "ZeroDivisionError" in failing.message
    numeric = routing.evaluate(lambda suspects: suspects)
    assert numeric.correct is False and "Expected text" in numeric.message
    called = routing.evaluate("SIEDO")
    assert called.status == "invalid"


# -- a broken bank ----------------------------------------------------------------------------

GOOD = {
    "id": "prevention.e01",
    "section": "prevention",
    "prompt": "Set cut to the budget before minus after.",
    "hints": ["Subtract."],
    "solution": "before, after = 4_200_000, 313_000\ncut = before - after\n",
    "answer": "cut",
}


def write_bank(folder, *items):
    folder.mkdir(exist_ok=True)
    (folder / "prevention.yaml").write_text(yaml.safe_dump({"exercises": list(items)}), "utf-8")
    return folder


def test_a_valid_folder_loads(tmp_path):
    """load_exercises(folder) reads any folder of YAML files and computes the answer from the solution."""
    bank = load_exercises(write_bank(tmp_path / "bank", GOOD))
    assert bank["prevention.e01"].expected() == 3_887_000


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"solution": "cut = (\n"}, "solution", "syntax error on line 1"),
        ({"answer": "cut-off"}, "answer", "pattern"),
        ({"tolerance": -1}, "tolerance", "at least 0"),
        ({"hint": ["x"]}, "hint", "allowed fields"),
    ],
)
def test_a_broken_exercise_names_the_file_the_id_and_the_field(tmp_path, change, field, words):
    """Loading errors name the file, the exercise id and the field, and say how to fix it."""
    with pytest.raises(ExerciseBankError) as raised:
        load_exercises(write_bank(tmp_path / "bank", {**GOOD, **change}))
    text = str(raised.value)
    assert "prevention.yaml" in text and "prevention.e01" in text and f"'{field}'" in text
    assert "To fix it:" in text and words in text, text


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"solution": "cut = 1 / 0\n"}, "solution", "ZeroDivisionError"),
        ({"solution": "total = 1\n"}, "answer", "does not define the variable cut"),
        ({"solution": "def cut(n):\n    return n\n"}, "calls", "no calls"),
    ],
)
def test_a_solution_that_fails_is_a_bank_error_not_a_learner_error(tmp_path, change, field, words):
    """A reference solution that fails is the bank's fault: an error naming the field for authors,
    and for a learner who checks an answer, a message that says it is not their answer's fault."""
    exercise = load_exercises(write_bank(tmp_path / "bank", {**GOOD, **change}))["prevention.e01"]
    with pytest.raises(ExerciseBankError) as raised:
        exercise.expected()
    assert (
        "prevention.e01" in str(raised.value)
        and f"'{field}'" in str(raised.value)
        and words in str(raised.value)
    )
    outcome = exercise.check(1)
    assert outcome.status == "invalid" and "not in your answer" in outcome.message
    assert words in outcome.message


FUNCTION = {
    **GOOD,
    "prompt": "Write names_count(names): how many names the list holds.",
    "solution": "def names_count(names):\n    return len(names)\n",
    "answer": "names_count",
    "calls": [[["FEVIMTRA", "SIEDO"]], [["INM"]]],
}


def test_a_reference_function_that_raises_is_not_blamed_on_the_learner(tmp_path):
    """When the bank's own function fails on a call, the learner hears it is the course's fault."""
    broken = {**FUNCTION, "solution": "def names_count(names):\n    return len(names) / 0\n"}
    exercise = load_exercises(write_bank(tmp_path / "bank", broken))["prevention.e01"]
    outcome = exercise.evaluate(lambda names: len(names))
    assert outcome.status == "invalid"
    assert (
        "reference solution failed" in outcome.message and "not in your answer" in outcome.message
    )
    assert "ZeroDivisionError" in outcome.message


def test_each_function_gets_its_own_copy_of_the_arguments(tmp_path):
    """A learner's function that changes its argument changes neither the reference's input nor
    the calls used for the next check."""
    exercise = load_exercises(write_bank(tmp_path / "bank", FUNCTION))["prevention.e01"]

    def greedy(names):
        names.append("extra")
        return len(names) - 1

    assert exercise.evaluate(greedy).correct is True
    assert exercise.evaluate(greedy).correct is True
    by_heart = {("FEVIMTRA", "SIEDO"): 2, ("INM",): 1}  # right only for the bank's own inputs
    assert exercise.evaluate(lambda names: by_heart[tuple(names)]).correct is True


@by_id(ALL)
def test_every_exercise_evidence_quote_is_in_the_report(exercise):
    """An exercise's evidence quotes are found verbatim in the report, in its own section."""
    report = tipcourse.load_report()
    for quote in exercise.evidence:
        location = report.locate(quote)
        assert location is not None, f"{exercise.id}: not in the report: {quote!r}"
        assert location.section == exercise.section


@by_id(ALL)
def test_every_starter_runs_and_leaves_the_exercise_unanswered(exercise):
    """The code a learner starts from runs as it is and checks as "not answered yet"."""
    namespace = {"tipcourse": tipcourse}
    exec(exercise.starter, namespace)
    assert exercise.evaluate(namespace[exercise.answer_name]).status == "unanswered"


def test_a_grading_kernel_loads_every_exercise_sealed(monkeypatch):
    """With TIPCOURSE_GRADING=1 an exercise has no solution, hints or test arguments: solution()
    and expected() raise Sealed, and checking answers that it is not available."""
    from tipcourse.engine._exercises import EXERCISES
    from tipcourse.engine.banks import Sealed

    monkeypatch.setenv("TIPCOURSE_GRADING", "1")
    for item in EXERCISES.load().values():
        assert not (item.solution_code or item.hints or item.calls or item.explanation)
        for look_up in (item.solution, item.expected):
            with pytest.raises(Sealed, match="not available while grading"):
                look_up()
        right = tipcourse.exercise(item.id).expected()
        assert "not available while grading" in item.check(right).message
