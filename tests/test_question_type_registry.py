"""Question types as objects: each registered type is handled by every consumer (parse and
score, check_form, static text, widgets, handouts, grading, analysis, and each LMS format), and
a type or shape that a consumer lacks is a clear error, never a silent fallback."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import ClassVar

import pytest

import tipcourse
from tipcourse.engine import _forms
from tipcourse.engine.session import QuestionState
from tipcourse.engine.types import _registry as _question_types
from tipcourse.engine.types._base import MESSAGES, QuestionType, UnknownQuestionTypeError
from tipcourse.engine.types._numeric import Numeric
from tipcourse.engine.types._registry import QUESTION_TYPES, question_type
from tipcourse.instructor import _analyze as analyze
from tipcourse.instructor import _cells
from tipcourse.instructor.grading import _grade as grade
from tipcourse.instructor.lms import _export as export
from tipcourse.instructor.lms import _gift, _moodle, _qti
from tipcourse.report.datasets import data_dir
from tipcourse.report.messages import catalogue
from tipcourse.views import display, widgets

TYPES = list(QUESTION_TYPES.values())
#: Every consumer that looks a widget input up, by the input names it handles.
WIDGET_USERS = {"widgets": widgets._ANSWERS, "display": display._CHOICES}
#: Every consumer that looks an LMS shape up.
LMS_USERS = {
    "GIFT": _gift.GIFT_BODIES,
    "Moodle XML": _moodle.MOODLE_BODIES,
    "Moodle XML types": _moodle.MOODLE_TYPES,
    "QTI": _qti.QTI_BODIES,
    "Canvas types": _qti.CANVAS_TYPES,
}


def test_the_registry_is_the_schemas_list_of_types():
    """The bank's schema allows exactly the registered types, and has rules for each."""
    schema = json.loads((data_dir() / "questions" / "schema.json").read_text("utf-8"))
    allowed, ruled = set(), set()
    for node in _walk(schema):
        if isinstance(node, dict) and isinstance(node.get("properties"), dict):
            found = node["properties"].get("type", {})
            allowed |= set(found.get("enum", [])) if isinstance(found, dict) else set()
            ruled |= {found["const"]} if isinstance(found, dict) and "const" in found else set()
    assert allowed == ruled == set(QUESTION_TYPES)


def _walk(node):
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from _walk(child)


@pytest.mark.parametrize("kind", TYPES, ids=lambda kind: kind.name)
def test_every_registered_type_is_handled_by_every_consumer(kind: QuestionType):
    """Each consumer's registry has the type's widget input or LMS shape; check_form knows its
    name; both catalogues have its messages."""
    for user, handled in WIDGET_USERS.items():
        assert kind.widget in handled, f"{user} has no widget input {kind.widget!r}"
    for user, handled in LMS_USERS.items():
        assert kind.lms in handled, f"{user} has no LMS shape {kind.lms!r}"
    assert kind.name in _forms.FORMS
    keys = [f"{prefix}.{kind.name}" for prefix in MESSAGES]
    if kind.widget == "textbox":
        keys.append(f"widget.placeholder.{kind.name}")
    for language in ("en", "es"):
        assert [key for key in keys if key not in catalogue(language)] == []


@pytest.mark.parametrize("kind", TYPES, ids=lambda kind: kind.name)
def test_a_question_of_every_type_goes_through_every_consumer(kind: QuestionType):
    """A course question of each type: checked, form-checked, shown, answered in a widget,
    written into a handout, relettered by the grader, analysed and exported in every format."""
    question = next(q for q in tipcourse.questions() if q.type == kind.name)
    answer = list(question.answer) if isinstance(question.answer, tuple) else question.answer
    assert question.evaluate(answer).status == "correct"
    line = _cells.form_call("value", question)
    assert eval(line, {"tipcourse": tipcourse, "value": answer}).valid
    assert question.prompt.split()[0] in display.show(question).markdown()
    assert question.prompt.split()[0] in _cells.static_question(question)
    assert "check_form" in _cells.question_answer_cell(question, False, True).source
    view = widgets.QuestionsView.of_question(QuestionState(question))
    assert view.widget.spec["questions"][0]["input"] == kind.widget
    view.act("check", 0, answer if kind.widget != "textbox" else str(answer))
    assert view.widget.states[0]["feedback"]["status"] == "correct"
    shown = [option.text for option in question.options]
    assert grade.as_lettered_now(question, shown, answer) == answer
    if kind.counts_options:
        right = analyze._right_texts(question.id, lambda _: question)
        assert right and right <= set(shown)
    for file_format in export.FORMATS:
        assert question.id.encode() in _unzipped(export.export([question], file_format))


def _unzipped(data: bytes) -> bytes:
    if not data.startswith(b"PK"):
        return data
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    return b"".join(archive.read(name) for name in archive.namelist())


def test_an_unknown_type_is_a_clear_error():
    """A type no module registers is named, with the registered ones, wherever it is looked up."""
    with pytest.raises(UnknownQuestionTypeError, match="'dial'.*single, multiple"):
        question_type("dial")
    question = replace(tipcourse.question("prosecution.q01"), type="dial")
    with pytest.raises(UnknownQuestionTypeError, match="'dial'"):
        question.evaluate("1")
    with pytest.raises(UnknownQuestionTypeError, match="'dial'"):
        display.show(question).markdown()
    with pytest.raises(UnknownQuestionTypeError, match="'dial'"):
        _cells.form_call("value", question)


class Dial(Numeric):
    """A type registered with a widget input and an LMS shape that no consumer has."""

    name: ClassVar[str] = "dial"
    widget: ClassVar[str] = "dial"
    lms: ClassVar[str] = "hotspot"


def test_a_shape_a_consumer_lacks_is_a_clear_error_never_a_fallback(monkeypatch):
    """A registered type whose widget input or LMS shape a consumer lacks makes that consumer
    say so, naming the shape: no text box or empty option list in its place."""
    monkeypatch.setattr(_question_types, "QUESTION_TYPES", {**QUESTION_TYPES, "dial": Dial()})
    for prefix in MESSAGES:  # its own words, as a new type's messages would give them
        monkeypatch.setitem(catalogue("en"), f"{prefix}.dial", "Turn the dial.")
    question = replace(tipcourse.question("prosecution.q01"), type="dial")
    assert question.evaluate("18").status == "correct"  # parsing and scoring are the type's
    with pytest.raises(UnknownQuestionTypeError, match="display has nothing for 'dial'"):
        display.show(question).markdown()
    with pytest.raises(UnknownQuestionTypeError, match="widgets has nothing for 'dial'"):
        widgets.QuestionsView.of_question(QuestionState(question))
    for file_format in export.FORMATS:
        with pytest.raises(UnknownQuestionTypeError, match="nothing for 'hotspot'"):
            export.export([question], file_format)
