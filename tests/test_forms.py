"""``tipcourse.check_form``: the form of a graded answer, never whether it is right."""

from __future__ import annotations

import pandas as pd
import pytest

import tipcourse


@pytest.mark.parametrize(
    "value, form, letters",
    [
        ("b", "single", "abcd"),
        (" (C) ", "single", "abcd"),
        (["a", "c"], "multiple", "abcd"),
        ("a, d", "multiple", "abcd"),
        ({"b"}, "multiple", "abc"),
        (["c", "a", "b"], "order", "abc"),
        ("b c a", "order", "abc"),
        (True, "truefalse", ""),
        ("false", "truefalse", ""),
        (14, "numeric", ""),
        ("1,500", "numeric", ""),
        ("Yucatán", "text", ""),
        (3.5, "number", ""),
        (pd.Series([1]), "series", ""),
        (pd.DataFrame({"a": [1]}), "dataframe", ""),
        ([1, 2], "list", ""),
        ((1, 2), "list", ""),
        ({"a": 1}, "dict", ""),
        (len, "function", ""),
    ],
)
def test_a_well_formed_answer_is_called_well_formed_and_no_more(value, form, letters):
    """A valid form says so, and that the item is graded: nothing about right or wrong."""
    result = tipcourse.check_form(value, form, letters)
    assert result.valid, result
    assert "graded" in repr(result) and "right" in repr(result)
    assert "correct" not in repr(result).lower()


@pytest.mark.parametrize(
    "value, form, letters, words",
    [
        ("e", "single", "abcd", "'e' is not one of this question's options (a, b, c, d)"),
        (2, "single", "abcd", "but got a number"),
        (["a", "a"], "multiple", "abcd", "'a' is listed more than once"),
        ([], "multiple", "abcd", "choose at least one option"),
        (["a", "z"], "multiple", "abcd", "'z' is not one of this question's options"),
        (["b", "a"], "order", "abc", "missing: c"),
        ({"a", "b", "c"}, "order", "abc", "A set has no order"),
        ("maybe", "truefalse", "", "'maybe' is not True or False"),
        ("lots", "numeric", "", "'lots' is not a number"),
        (True, "numeric", "", "True and False are not numbers"),
        ([1, 2], "series", "", "got a list (length 2)"),
        (5, "text", "", "got a number"),
        ("92.5%", "numeric", "", "not a percentage"),
        ("14", "number", "", "write the number without quotes"),
        (["a"], "list[number]", "", "Item 1: Expected a number"),
    ],
)
def test_a_badly_formed_answer_says_what_to_give(value, form, letters, words):
    """What is wrong with the form, and the form to give, in one line."""
    result = tipcourse.check_form(value, form, letters)
    assert not result.valid
    assert words in repr(result) and "Give " in repr(result), result
    assert ".." not in repr(result)


@pytest.mark.parametrize("value", [..., None, "  "])
def test_a_blank_answer_is_not_answered_yet(value):
    result = tipcourse.check_form(value, "single", "abc")
    assert not result.valid and repr(result).startswith("Not answered yet: replace ... with one")


def test_an_unknown_form_is_an_author_error():
    with pytest.raises(ValueError, match="Unknown answer form 'colour'"):
        tipcourse.check_form(1, "colour")


def test_a_form_check_shows_as_text_in_a_notebook():
    assert tipcourse.check_form("<b>", "single", "ab")._repr_markdown_().count("&lt;b&gt;") == 1


def test_a_percentage_is_well_formed_where_the_unit_is_percent():
    """ "92.5%" is well formed for a question that asks for a percentage, and only there."""
    assert tipcourse.check_form("92.5%", "numeric", unit="percent").valid
    assert not tipcourse.check_form("92.5%", "numeric").valid


def test_an_exercise_whose_answer_is_text_is_read_as_its_grader_reads_it(tmp_path):
    """An exercise's text answer is the form ``str`` (the grader's rules for a value), not the
    question type ``text`` (a few words): a long text is well formed and graded, not refused."""
    from tipcourse.engine._exercises import Exercise
    from tipcourse.instructor._cells import form_call

    item = Exercise(
        id="overview.e77",
        section="overview",
        prompt="Name the capital.",
        hints=(),
        points=1,
        answer_name="capital",
        explanation="",
        evidence=(),
        starter="",
        source=tmp_path / "overview.yaml",
        solution_code="capital = 'Mexico City'",
    )
    line = form_call("capital", item)
    assert line == "tipcourse.check_form(capital, 'str')"
    for value in ["Mexico City", "x" * 5000, "x" * 20_000, "...", 5, ["Mexico City"]]:
        formed = eval(line, {"tipcourse": tipcourse, "capital": value})
        assert formed.valid == (item.evaluate(value).status not in ("invalid", "unanswered"))
    assert tipcourse.check_form("x" * 5000, "str").valid
    assert not tipcourse.check_form("x" * 5000, "text").valid


@pytest.mark.parametrize(
    "form", ["list[colour]", "list[number", "dict[]", "single[number]", "str]"]
)
def test_a_malformed_shape_is_an_author_error(form):
    """A shape that names an unknown kind, or is not written as one, is refused like any form."""
    with pytest.raises(ValueError, match="Unknown answer form"):
        tipcourse.check_form(1, form)
