"""`tipcourse export`: every question, answer, feedback and point survive in GIFT, XML and QTI."""

from __future__ import annotations

import html
import io
import itertools
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import tipcourse
from tipcourse.cli import build_parser, main
from tipcourse.engine._questions import load_bank
from tipcourse.engine.session import evidence_pairs
from tipcourse.instructor.lms import _export as export
from tipcourse.instructor.lms import _formats as lms
from tipcourse.report._parse import SECTION_NAMES
from tipcourse.report.messages import message

ALL = tipcourse.questions()
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
MANIFEST = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
#: Every character that is special to XML, HTML or GIFT, in one string.
TRICKY = 'Is 3 < 5 & "quoted" ~ = # { } : \\ [x] 50% -> //?'


def by_id(questions):
    return pytest.mark.parametrize("question", questions, ids=[q.id for q in questions])


def tidy(text: str) -> str:
    return " ".join(text.split())


def visible(html_text: str | None) -> str:
    """What a learner reads in an HTML field: tags dropped, entities decoded, spaces tidied."""
    return tidy(html.unescape(re.sub(r"<[^>]+>", " ", html_text or "")))


def margin(question) -> float:
    return max(question.tolerance, question.relative_tolerance * abs(question.answer))


def assert_general_feedback(question, text: str) -> None:
    """The explanation and every evidence quote, with its section's title, are in ``text``."""
    assert tidy(question.explanation) in text
    for title, quote in evidence_pairs(question):
        assert message("export.evidence_item", section=title, quote=quote) in text


# -- a small GIFT reader: Moodle's own parsing steps, for the subset the exporter writes ---------

_ESCAPES = {"\\:": ":", "\\#": "#", "\\=": "=", "\\{": "{", "\\}": "}", "\\~": "~", "\\n": "\n"}
_HELD = {escape: chr(0xE000 + number) for number, escape in enumerate(_ESCAPES)}
_WEIGHT = re.compile(r"%-*([0-9]{1,2})\.?([0-9]*)%")  # qformat_gift's $giftanswerweightregex


def _hold(text: str) -> str:
    """Escaped control characters out of the way, as qformat_gift::escapedchar_pre does."""
    text = text.replace("\\\\", "\ue0ff")
    for escape, held in _HELD.items():
        text = text.replace(escape, held)
    return text.replace("\ue0ff", "\\")


def _release(text: str) -> str:
    for escape, held in _HELD.items():
        text = text.replace(held, _ESCAPES[escape])
    return text.strip()


def _weighted(answer: str, default: float) -> tuple[float, str, str]:
    """(weight in %, text, feedback) of one answer such as ``%50%text#feedback``."""
    answer = answer.strip()
    weight = default
    if _WEIGHT.match(answer):
        end = answer.index("%", 1)
        weight, answer = float(answer[1:end]), answer[end + 1 :]
    text, _, feedback = answer.partition("#")
    return weight, _release(text), _release(feedback)


def parse_gift(text: str) -> dict[str, dict]:
    """Each question of a GIFT file by name: its category, comment, text, type and answers."""
    questions, category = {}, None
    for block in re.split(r"\n[ \t]*\n", text):
        lines = block.split("\n")
        comment = " ".join(line.strip() for line in lines if line.strip().startswith("//"))
        body = "\n".join(" " if line.strip().startswith("//") else line for line in lines)
        body = _hold(body.strip())
        if not body:
            continue
        if body.startswith("$CATEGORY:"):
            category = body[len("$CATEGORY:") :].strip()
            continue
        assert body.startswith("::"), body[:80]
        name, _, body = body[2:].partition("::")
        start, finish = body.index("{"), body.index("}")
        assert finish == len(body.rstrip()) - 1, "the answers must close the question"
        answers, general = body[start + 1 : finish].strip(), ""
        if "####" in answers:
            cut = answers.rindex("####")
            answers, general = answers[:cut].strip(), answers[cut + 4 :]
        question_text = body[:start].strip()
        assert question_text.startswith("[html]")
        found = {
            "category": category,
            "comment": comment,
            "text": _release(question_text[6:]),
            "general": _release(general),
        }
        if answers.startswith("#"):
            found["type"] = "numerical"
            answers, _, wrong = answers[1:].partition("~")
            found["answers"] = [_weighted(a, 100) for a in answers.split("=") if a.strip()]
            found["wrong"] = _release(wrong.partition("#")[2]) if wrong else None
        elif "~" in answers:
            found["type"] = "multichoice"
            found["single"] = "=" in answers
            found["answers"] = [
                (100.0, *_weighted(a[1:], 0)[1:]) if a.startswith("=") else _weighted(a, 0)
                for a in (part.strip() for part in answers.replace("=", "~=").split("~"))
                if a
            ]
        elif "=" in answers and "->" in answers:
            found["type"] = "match"
            found["pairs"] = [
                tuple(_release(side) for side in pair.split("->", 1))
                for pair in answers.split("=")
                if pair.strip()
            ]
        elif answers.split("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
            found["type"] = "truefalse"
            answer, wrong, right = (answers.split("#", 2) + ["", ""])[:3]
            found.update(answer=answer.strip(), wrong=_release(wrong), right=_release(right))
        else:
            found["type"] = "shortanswer"
            found["answers"] = [_weighted(a, 100) for a in answers.split("=") if a.strip()]
        questions[_release(name)] = found
    return questions


# -- how Moodle and Canvas grade, for the checks that compare scores with tipcourse's ---------


def wildcard_match(pattern: str, response: str) -> bool:
    """Moodle's short-answer comparison: case ignored, ``*`` is anything, ``\\*`` a star."""
    bits = re.split(r"(?<!\\)\*+", pattern)
    regexp = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    return re.fullmatch(regexp, response.strip(), re.IGNORECASE | re.DOTALL) is not None


def first_numeric_answer(answers, value: float):
    """The first (answer, tolerance) entry a number falls in, as Moodle's numerical type picks."""
    for entry in answers:
        answer, tolerance = entry[0], entry[1]
        if answer == "*" or abs(value - float(answer)) <= float(tolerance) + 1e-9 * max(
            1.0, abs(float(answer))
        ):
            return entry
    return None


def numbers_to_try(question) -> list[float]:
    tries = [
        question.answer,
        question.answer + margin(question),
        question.answer - margin(question),
        question.answer * 10 + 7,
    ]
    for found in question.ranges:
        tries += [found.low, found.high, (found.low + found.high) / 2]
    return tries


# -- the whole bank, exported once ------------------------------------------------------------


@pytest.fixture(scope="module")
def gift_text():
    return export.to_gift(ALL)


@pytest.fixture(scope="module")
def gift(gift_text):
    return parse_gift(gift_text)


@pytest.fixture(scope="module")
def moodle_text():
    return export.to_moodle_xml(ALL)


@pytest.fixture(scope="module")
def moodle(moodle_text):
    root = ET.fromstring(moodle_text)
    return {
        element.findtext("name/text"): element
        for element in root.iter("question")
        if element.get("type") != "category"
    }


@pytest.fixture(scope="module")
def qti_bytes():
    return export.to_qti(ALL)


def qti_items(package: bytes) -> tuple[ET.Element, dict[str, ET.Element]]:
    """The manifest and the items of a QTI package, by identifier, checking the manifest's link."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))
        resource = manifest.find(f"{MANIFEST}resources/{MANIFEST}resource")
        assert resource.get("type") == "imsqti_xmlv1p2"
        href = resource.find(f"{MANIFEST}file").get("href")
        assert sorted(archive.namelist()) == sorted(["imsmanifest.xml", href])
        assessment = ET.fromstring(archive.read(href))
    items = {item.get("ident"): item for item in assessment.iter(f"{QTI}item")}
    return assessment, items


@pytest.fixture(scope="module")
def qti(qti_bytes):
    return qti_items(qti_bytes)[1]


def item_feedback(item: ET.Element) -> dict[str, str]:
    return {
        feedback.get("ident"): visible(feedback.findtext(f".//{QTI}mattext"))
        for feedback in item.iter(f"{QTI}itemfeedback")
    }


# -- GIFT -------------------------------------------------------------------------------------


def test_gift_holds_every_question_once_in_its_sections_category(gift):
    """Each question is in the file under its id, after its section's $CATEGORY line."""
    assert list(gift) == [q.id for q in ALL]
    for q in ALL:
        assert gift[q.id]["category"] == f"$course$/top/tipcourse/{q.section}"


@by_id(ALL)
def test_gift_keeps_the_prompt_points_id_and_general_feedback(question, gift):
    """The prompt, the points and id in the comment line, and explanation + evidence survive."""
    found = gift[question.id]
    assert tidy(question.prompt) in visible(found["text"])
    assert f"[id:{question.id}]" in found["comment"]
    assert f"points={lms.number(question.points)}" in found["comment"]
    assert f"[tag:{question.section}]" in found["comment"]
    assert_general_feedback(question, visible(found["general"]))


@by_id([q for q in ALL if q.type in ("single", "multiple")])
def test_gift_choices_keep_every_option_weight_and_feedback(question, gift):
    """Options in order, the right ones weighted as tipcourse scores them, each with feedback."""
    found = gift[question.id]
    assert found["type"] == "multichoice" and found["single"] == (question.type == "single")
    assert [visible(text) for _, text, _ in found["answers"]] == [
        tidy(o.text) for o in question.options
    ]
    for (weight, _, feedback), option in zip(found["answers"], question.options, strict=True):
        assert visible(feedback) == tidy(option.feedback)
        right = (
            option.key in question.answer
            if question.type == "multiple"
            else (option.key == question.answer)
        )
        if question.type == "single":
            assert weight == (100 if right else 0)
        else:
            share = 100 / len(question.answer)
            assert weight == pytest.approx(share if right else -share, abs=1e-4)


@by_id([q for q in ALL if q.type == "truefalse"])
def test_gift_true_false_keeps_the_answer_and_the_wrong_feedback(question, gift):
    """{TRUE#wrong#} or {FALSE#wrong#}: the wrong answer's feedback comes first."""
    found = gift[question.id]
    assert found["type"] == "truefalse"
    assert found["answer"] == ("TRUE" if question.answer else "FALSE")
    assert visible(found["wrong"]) == tidy(question.wrong_feedback)


@by_id([q for q in ALL if q.type == "numeric"])
def test_gift_numeric_keeps_tolerance_ranges_and_feedback(question, gift):
    """{#answer:tolerance}, a 0 % answer per known wrong range, then ~# for anything else."""
    found = gift[question.id]
    assert found["type"] == "numerical"
    (weight, right, _), *ranges = found["answers"]
    answer, tolerance = right.split(":")
    assert weight == 100
    assert float(answer) == question.answer and float(tolerance) == pytest.approx(margin(question))
    assert len(ranges) == len(question.ranges)
    for (weight, value, feedback), expected in zip(ranges, question.ranges, strict=True):
        low, _, high = value.replace(":0", "").partition("..")
        assert weight == 0 and visible(feedback) == tidy(expected.feedback)
        assert (float(low), float(high or low)) == (expected.low, expected.high)
    assert visible(found["wrong"]) == tidy(question.wrong_feedback)


@by_id([q for q in ALL if q.type == "text"])
def test_gift_short_answers_grade_like_tipcourse(question, gift):
    """Every accepted spelling is right, every known wrong one gets its own feedback."""
    found = gift[question.id]
    assert found["type"] == "shortanswer"
    answers = found["answers"]
    assert answers[-1][1] == "*" and visible(answers[-1][2]) == tidy(question.wrong_feedback)
    for typed in (question.answer, *question.accept):
        weight, _, _ = next(a for a in answers if wildcard_match(a[1], typed))
        assert weight == 100 and question.evaluate(typed).correct
    for wrong in question.wrong_answers:
        for typed in wrong.answers:
            weight, _, feedback = next(a for a in answers if wildcard_match(a[1], typed))
            assert weight == 0 and visible(feedback) == tidy(wrong.feedback)


@by_id([q for q in ALL if q.type == "order"])
def test_gift_order_becomes_matching_of_positions_to_items(question, gift):
    """Position 1 → the first item, and so on; every item's feedback is in the general feedback."""
    found = gift[question.id]
    assert found["type"] == "match"
    texts = {o.key: tidy(o.text) for o in question.options}
    assert found["pairs"] == [
        (message("export.position", number=number), texts[key])
        for number, key in enumerate(question.answer, 1)
    ]
    general = visible(found["general"])
    for option in question.options:
        assert tidy(option.feedback) in general


# -- Moodle XML -------------------------------------------------------------------------------


def test_moodle_xml_puts_each_section_in_its_category(moodle_text):
    """A category element opens each section, and the questions follow in the bank's order."""
    root = ET.fromstring(moodle_text)
    order, category = [], None
    for element in root.iter("question"):
        if element.get("type") == "category":
            category = element.findtext("category/text")
            continue
        assert category == f"$course$/top/tipcourse/{element.findtext('name/text').split('.')[0]}"
        order.append(element.findtext("name/text"))
    assert order == [q.id for q in ALL]


@by_id(ALL)
def test_moodle_xml_keeps_type_points_id_hints_and_feedback(question, moodle):
    """Name and ID number are the id; points, prompt, hints, explanation and evidence survive."""
    element = moodle[question.id]
    assert element.get("type") == export.MOODLE_TYPES[question.question_type.lms]
    assert element.findtext("idnumber") == question.id
    assert float(element.findtext("defaultgrade")) == question.points
    assert tidy(question.prompt) in visible(element.findtext("questiontext/text"))
    assert [visible(h.findtext("text")) for h in element.findall("hint")] == [
        tidy(h) for h in question.hints
    ]
    assert_general_feedback(question, visible(element.findtext("generalfeedback/text")))
    assert [t.findtext("text") for t in element.findall("tags/tag")] == [
        "tipcourse",
        question.section,
        question.skill,
    ]


def moodle_answers(element: ET.Element) -> list[tuple[float, str, str, str | None]]:
    """(fraction, text, feedback, tolerance) of each answer, in order."""
    return [
        (
            float(a.get("fraction")) / 100,
            a.findtext("text") or "",
            visible(a.findtext("feedback/text")),
            a.findtext("tolerance"),
        )
        for a in element.findall("answer")
    ]


@by_id([q for q in ALL if q.type in ("single", "multiple")])
def test_moodle_choices_score_every_selection_as_tipcourse_does(question, moodle):
    """Moodle adds the chosen answers' fractions (0 to 1): tipcourse's score for every pick."""
    element = moodle[question.id]
    assert element.findtext("single") == ("true" if question.type == "single" else "false")
    answers = moodle_answers(element)
    assert [visible(text) for _, text, _, _ in answers] == [tidy(o.text) for o in question.options]
    for (_, _, feedback, _), option in zip(answers, question.options, strict=True):
        assert feedback == tidy(option.feedback)
    fraction = {o.key: answer[0] for o, answer in zip(question.options, answers, strict=True)}
    sizes = [1] if question.type == "single" else range(1, len(question.options) + 1)
    for size in sizes:
        for picks in itertools.combinations([o.key for o in question.options], size):
            moodle_score = min(1.0, max(0.0, sum(fraction[key] for key in picks)))
            outcome = question.evaluate(picks[0] if question.type == "single" else list(picks))
            assert moodle_score == pytest.approx(outcome.score, abs=1e-6), picks


@by_id([q for q in ALL if q.type == "truefalse"])
def test_moodle_true_false_marks_the_right_word(question, moodle):
    """The right word is worth 100 %; the other carries the wrong-answer feedback."""
    answers = {
        text: (fraction, feedback)
        for fraction, text, feedback, _ in moodle_answers(moodle[question.id])
    }
    right, wrong = ("true", "false") if question.answer else ("false", "true")
    assert answers[right] == (1.0, "")
    assert answers[wrong] == (0.0, tidy(question.wrong_feedback))


@by_id([q for q in ALL if q.type == "numeric"])
def test_moodle_numeric_gives_tipcourses_verdict_and_feedback(question, moodle):
    """At the answer, the edges of its tolerance and each known wrong range, Moodle agrees."""
    element = moodle[question.id]
    answers = [
        (text, tolerance, fraction, feedback)
        for fraction, text, feedback, tolerance in moodle_answers(element)
    ]
    assert answers[-1][0] == "*" and answers[-1][3] == tidy(question.wrong_feedback)
    for value in numbers_to_try(question):
        _, _, fraction, feedback = first_numeric_answer(answers, value)
        outcome = question.evaluate(value)
        assert (fraction == 1.0) == outcome.correct, value
        if not outcome.correct:
            assert feedback in outcome.message
    percent = element.findtext("units/unit/unit_name")
    assert (percent == "%") == (question.unit == "percent")


@by_id([q for q in ALL if q.type == "text"])
def test_moodle_short_answers_grade_like_tipcourse(question, moodle):
    """Case ignored; every accepted spelling right, each known wrong one with its own feedback."""
    element = moodle[question.id]
    assert element.findtext("usecase") == "0"
    answers = moodle_answers(element)
    assert answers[-1][1] == "*" and answers[-1][2] == tidy(question.wrong_feedback)
    for typed in (question.answer, *question.accept, *(a.upper() for a in question.accept)):
        fraction, _, _, _ = next(a for a in answers if wildcard_match(a[1], typed))
        assert fraction == 1.0 and question.evaluate(typed).correct
    for wrong in question.wrong_answers:
        for typed in wrong.answers:
            fraction, _, feedback, _ = next(a for a in answers if wildcard_match(a[1], typed))
            assert fraction == 0.0 and feedback == tidy(wrong.feedback)
            assert feedback in question.evaluate(typed).message


@by_id([q for q in ALL if q.type == "order"])
def test_moodle_order_becomes_matching_with_the_items_feedback(question, moodle):
    """Positions in order, each matched with its item; wrong answers list every item's feedback."""
    element = moodle[question.id]
    assert element.findtext("shuffleanswers") == "false"
    texts = {o.key: tidy(o.text) for o in question.options}
    pairs = [
        (visible(sub.findtext("text")), sub.findtext("answer/text"))
        for sub in element.findall("subquestion")
    ]
    assert pairs == [
        (message("export.position", number=number), texts[key])
        for number, key in enumerate(question.answer, 1)
    ]
    for tag in ("partiallycorrectfeedback", "incorrectfeedback"):
        text = visible(element.findtext(f"{tag}/text"))
        assert all(tidy(o.feedback) in text for o in question.options)


# -- QTI --------------------------------------------------------------------------------------


def test_qti_package_is_a_manifest_and_one_assessment_of_every_question(qti_bytes):
    """The manifest names the assessment file, which holds every question as an item."""
    assessment, items = qti_items(qti_bytes)
    assert list(items) == [q.id for q in ALL]
    node = assessment.find(f"{QTI}assessment")
    assert node.get("ident") == export.ASSESSMENT_ID
    assert node.get("title") == message("export.title")


def test_qti_zip_entries_have_fixed_dates_and_modes(qti_bytes):
    """Each entry is dated 1980-01-01, mode 644, stored: the zip does not change from run to run."""
    with zipfile.ZipFile(io.BytesIO(qti_bytes)) as archive:
        for entry in archive.infolist():
            assert entry.date_time == (1980, 1, 1, 0, 0, 0)
            assert entry.external_attr >> 16 == 0o644
            assert entry.compress_type == zipfile.ZIP_STORED
        assert archive.testzip() is None


def scoring_condition(item: ET.Element) -> ET.Element:
    """The condition that sets the full score (continue="No")."""
    return next(c for c in item.iter(f"{QTI}respcondition") if c.get("continue") == "No")


@by_id(ALL)
def test_qti_items_keep_canvas_type_points_prompt_and_feedback(question, qti):
    """Title and identifier are the id; Canvas's type, points, prompt and evidence survive."""
    item = qti[question.id]
    assert item.get("title") == question.id
    fields = {
        f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
        for f in item.iter(f"{QTI}qtimetadatafield")
    }
    assert fields["question_type"] == export.CANVAS_TYPES[question.question_type.lms]
    assert float(fields["points_possible"]) == question.points
    prompt = item.find(f"{QTI}presentation/{QTI}material/{QTI}mattext")
    assert prompt.get("texttype") == "text/html" and tidy(question.prompt) in visible(prompt.text)
    feedback = item_feedback(item)
    assert_general_feedback(question, feedback["general_fb"])
    shown = {d.get("linkrefid") for d in item.iter(f"{QTI}displayfeedback")}
    assert shown == set(feedback)  # every feedback is shown by some condition, and exists


@by_id([q for q in ALL if q.type in ("single", "multiple", "truefalse")])
def test_qti_choices_keep_options_the_right_set_and_feedback(question, qti):
    """Each option is a choice; the scoring condition requires exactly the right ones."""
    item = qti[question.id]
    labels = {
        label.get("ident"): visible(label.findtext(f".//{QTI}mattext"))
        for label in item.iter(f"{QTI}response_label")
    }
    if question.type == "truefalse":
        texts = ["True", "False"]
        right_texts = {"True" if question.answer else "False"}
        comments = {("False" if question.answer else "True"): tidy(question.wrong_feedback)}
    else:
        keys = [question.answer] if question.type == "single" else list(question.answer)
        texts = [tidy(o.text) for o in question.options]
        right_texts = {tidy(o.text) for o in question.options if o.key in keys}
        comments = {tidy(o.text): tidy(o.feedback) for o in question.options if o.feedback.strip()}
    assert list(labels.values()) == texts
    condition = scoring_condition(item)
    assert condition.findtext(f"{QTI}setvar") == "100"
    test = condition.find(f"{QTI}conditionvar")
    every = test.find(f"{QTI}and")
    group = test if every is None else every
    assert {labels[v.text] for v in group.findall(f"{QTI}varequal")} == right_texts
    refused = {labels[v.text] for v in group.findall(f"{QTI}not/{QTI}varequal")}
    assert refused == (set(texts) - right_texts if question.type == "multiple" else set())
    feedback = item_feedback(item)
    assert {
        labels[ident.removesuffix("_fb")]: text
        for ident, text in feedback.items()
        if ident != "general_fb"
    } == comments


@by_id([q for q in ALL if q.type == "numeric"])
def test_qti_numeric_uses_vargte_and_varlte_and_lists_the_wrong_range_advice(question, qti):
    """The answer, and the band answer ± tolerance; known wrong ranges are advice, not answers."""
    item = qti[question.id]
    condition = scoring_condition(item)
    assert float(condition.findtext(f".//{QTI}varequal")) == question.answer
    low = float(condition.findtext(f".//{QTI}vargte"))
    high = float(condition.findtext(f".//{QTI}varlte"))
    assert (low, high) == pytest.approx(
        (question.answer - margin(question), question.answer + margin(question))
    )
    wrong = item_feedback(item)["general_incorrect_fb"]
    assert tidy(question.wrong_feedback) in wrong
    assert all(tidy(found.feedback) in wrong for found in question.ranges)


@by_id([q for q in ALL if q.type == "text"])
def test_qti_short_answer_accepts_every_spelling_and_lists_wrong_answer_advice(question, qti):
    """Each accepted spelling is an answer (case ignored); known wrong answers get advice."""
    item = qti[question.id]
    values = [v.text for v in scoring_condition(item).iter(f"{QTI}varequal")]
    assert all(v.get("case") == "No" for v in scoring_condition(item).iter(f"{QTI}varequal"))
    assert {question.answer, *question.accept} <= set(values)
    assert all(question.evaluate(value).correct for value in values)
    wrong = item_feedback(item)["general_incorrect_fb"]
    assert tidy(question.wrong_feedback) in wrong
    for found in question.wrong_answers:
        assert tidy(found.feedback) in wrong and all(text in wrong for text in found.answers)


@by_id([q for q in ALL if q.type == "order"])
def test_qti_order_is_a_canvas_matching_question_of_positions(question, qti):
    """One row per position; a right item adds its share of the score, a wrong one feedback."""
    item = qti[question.id]
    rows = item.findall(f"{QTI}presentation/{QTI}response_lid")
    assert [visible(row.findtext(f"{QTI}material/{QTI}mattext")) for row in rows] == [
        message("export.position", number=n) for n in range(1, len(question.options) + 1)
    ]
    texts = {
        label.get("ident"): visible(label.findtext(f".//{QTI}mattext"))
        for label in rows[0].iter(f"{QTI}response_label")
    }
    by_key = {o.key: o for o in question.options}
    adds = [c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}setvar") is not None]
    assert len(adds) == len(rows)
    feedback = item_feedback(item)
    for row, key, add in zip(rows, question.answer, adds, strict=True):
        test = add.find(f".//{QTI}varequal")
        assert test.get("respident") == row.get("ident")
        assert texts[test.text] == tidy(by_key[key].text)
        assert add.find(f"{QTI}setvar").get("action") == "Add"
        assert tidy(by_key[key].feedback) in feedback[f"{row.get('ident').split('_')[1]}_fb"]
    total = sum(float(add.findtext(f"{QTI}setvar")) for add in adds)
    assert total == pytest.approx(100, abs=0.01)


# -- special characters -----------------------------------------------------------------------


def tricky_items() -> list[dict]:
    """One question of each type whose texts hold XML's, HTML's and GIFT's special characters."""
    common = {
        "section": "prosecution",
        "skill": "analyze",
        "points": 2.5,
        "prompt": f"{TRICKY} prompt",
        "hints": [f"{TRICKY} hint"],
        "explanation": f"{TRICKY} explanation",
        "evidence": [f"{TRICKY} evidence"],
    }
    options = [
        {"key": key, "text": f"{TRICKY} option {key}", "feedback": f"{TRICKY} feedback {key}"}
        for key in "abcd"
    ]
    return [
        {**common, "id": "prosecution.q01", "type": "single", "options": options, "answer": "b"},
        {
            **common,
            "id": "prosecution.q02",
            "type": "multiple",
            "options": options,
            "answer": ["a", "c"],
        },
        {
            **common,
            "id": "prosecution.q03",
            "type": "truefalse",
            "answer": False,
            "wrong_feedback": f"{TRICKY} wrong",
        },
        {
            **common,
            "id": "prosecution.q04",
            "type": "numeric",
            "answer": 2.5,
            "relative_tolerance": 0.1,
            "wrong_feedback": f"{TRICKY} wrong",
            "ranges": [{"min": -1, "max": 0, "feedback": f"{TRICKY} range"}],
        },
        {
            **common,
            "id": "prosecution.q05",
            "type": "text",
            "answer": 'x = {1} # "two" & <three>: ~four',
            "accept": ["Ünïcode -> ~ *star*"],
            "wrong_feedback": f"{TRICKY} wrong",
            "wrong_answers": [{"answers": ["y = {2} -> z"], "feedback": f"{TRICKY} advice"}],
        },
        {
            **common,
            "id": "prosecution.q06",
            "type": "order",
            "options": options[:3],
            "answer": ["c", "a", "b"],
        },
    ]


@pytest.fixture
def tricky(tmp_path):
    """The tricky questions, loaded from a bank folder like the course's own."""
    folder = tmp_path / "questions"
    folder.mkdir()
    (folder / "prosecution.yaml").write_text(
        yaml.safe_dump({"questions": tricky_items()}, allow_unicode=True), "utf-8"
    )
    return list(load_bank(folder).values())


def test_gift_escapes_every_special_character(tricky):
    """~ = # { } : and the backslash are escaped: Moodle's parsing gives back every text."""
    found = parse_gift(export.to_gift(tricky))
    assert list(found) == [q.id for q in tricky]
    for question in tricky:
        assert visible(found[question.id]["text"]).startswith(TRICKY)
        assert_general_feedback(question, visible(found[question.id]["general"]))
    single = found["prosecution.q01"]["answers"]
    assert [visible(text) for _, text, _ in single] == [f"{TRICKY} option {k}" for k in "abcd"]
    assert visible(single[0][2]) == f"{TRICKY} feedback a"
    assert found["prosecution.q04"]["answers"][0][1] == "2.5:0.25"
    texts = found["prosecution.q05"]["answers"]
    assert texts[0][1] == 'x = {1} # "two" & <three>: ~four'
    assert any(wildcard_match(text, "Ünïcode -> ~ *star*") for _, text, _ in texts)
    assert not any(wildcard_match(text, "Ünïcode -> ~ -star-") for w, text, _ in texts if w)
    wrong = next(a for a in texts if wildcard_match(a[1], "y = {2} -> z"))
    assert wrong[0] == 0 and visible(wrong[2]) == f"{TRICKY} advice"
    assert found["prosecution.q06"]["pairs"][0] == ("Position 1", f"{TRICKY} option c")


def test_moodle_xml_escapes_special_characters(tricky):
    """The XML parses, and every text comes back exactly; nothing of the prompt is left raw."""
    text = export.to_moodle_xml(tricky)
    assert TRICKY not in text and "3 < 5" not in text
    questions = {
        e.findtext("name/text"): e
        for e in ET.fromstring(text).iter("question")
        if e.get("type") != "category"
    }
    for question in tricky:
        element = questions[question.id]
        assert visible(element.findtext("questiontext/text")).startswith(f"{TRICKY} prompt")
        assert float(element.findtext("defaultgrade")) == 2.5
        assert_general_feedback(question, visible(element.findtext("generalfeedback/text")))
    answers = moodle_answers(questions["prosecution.q05"])
    assert answers[0][1] == 'x = {1} # "two" & <three>: ~four'
    assert any(text == "Ünïcode -> ~ \\*star\\*" for _, text, _, _ in answers)
    order = questions["prosecution.q06"]
    pairs = [sub.findtext("answer/text") for sub in order.iter("subquestion")]
    assert pairs == [f"{TRICKY} option {key}" for key in "cab"]


def test_qti_escapes_special_characters(tricky):
    """The manifest and the assessment parse, and every text comes back exactly."""
    package = export.to_qti(tricky)
    assessment, items = qti_items(package)
    assert assessment.find(f"{QTI}assessment").get("ident") == f"{export.ASSESSMENT_ID}_prosecution"
    for question in tricky:
        item = items[question.id]
        prompt = item.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext")
        assert visible(prompt).startswith(f"{TRICKY} prompt")
        assert_general_feedback(question, item_feedback(item)["general_fb"])
    labels = [
        label.findtext(f".//{QTI}mattext")
        for label in items["prosecution.q01"].iter(f"{QTI}response_label")
    ]
    assert labels == [f"{TRICKY} option {k}" for k in "abcd"]
    values = [v.text for v in items["prosecution.q05"].iter(f"{QTI}varequal")]
    assert 'x = {1} # "two" & <three>: ~four' in values


# -- the same input gives the same bytes ------------------------------------------------------


def test_every_format_gives_the_same_bytes_twice(gift_text, moodle_text, qti_bytes):
    """Exporting again gives byte-identical files."""
    assert export.export(ALL, "gift") == gift_text.encode("utf-8")
    assert export.export(ALL, "moodle") == moodle_text.encode("utf-8")
    assert export.export(ALL, "qti") == qti_bytes


def test_another_process_with_another_hash_seed_writes_the_same_bytes(tmp_path):
    """A fresh interpreter (other hash seed, other clock) writes the very same QTI package."""
    out = tmp_path / "bank.zip"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TIPCOURSE_LANG": "en"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tipcourse",
            "export",
            "--format",
            "qti",
            "--out",
            str(out),
            "--section",
            "prosecution",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == export.to_qti(q for q in ALL if q.section == "prosecution")


def test_a_section_subset_exports_only_those_sections():
    """Only the chosen sections' questions, with their categories; the QTI id names the sections."""
    chosen = [q for q in ALL if q.section in ("prosecution", "protection")]
    assert list(parse_gift(export.to_gift(chosen))) == [q.id for q in chosen]
    assessment, items = qti_items(export.to_qti(chosen))
    assert list(items) == [q.id for q in chosen]
    node = assessment.find(f"{QTI}assessment")
    assert node.get("ident") == f"{export.ASSESSMENT_ID}_prosecution_protection"
    assert "Prosecution, Protection" in node.get("title")


# -- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", export.FORMATS)
def test_the_command_writes_the_file_and_says_where(file_format, tmp_path, capsys):
    """`tipcourse export --format F --out FILE` writes FILE and prints its full path."""
    out = tmp_path / f"bank{export.SUFFIXES[file_format]}"
    assert main(["export", "--format", file_format, "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert str(out.absolute()) in captured.out and f"{len(ALL)} questions" in captured.out
    assert out.read_bytes() == export.export(ALL, file_format)


def test_sections_can_be_given_together_or_one_by_one(tmp_path, capsys):
    """--section a b and --section a --section b choose the same questions, in the bank's order."""
    first, second = tmp_path / "one.gift", tmp_path / "two.gift"
    assert (
        main(
            [
                "export",
                "--format",
                "gift",
                "--out",
                str(first),
                "--section",
                "protection",
                "prosecution",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "export",
                "--format",
                "gift",
                "--out",
                str(second),
                "--section",
                "prosecution",
                "--section",
                "protection",
            ]
        )
        == 0
    )
    assert first.read_bytes() == second.read_bytes()
    ids = list(parse_gift(first.read_text("utf-8")))
    assert ids == [q.id for q in ALL if q.section in ("prosecution", "protection")]


def test_the_subcommand_runs_from_the_main_parser(tmp_path, capsys):
    """The main parser has `export`, with its help; its handler runs from the parsed arguments."""
    parser = build_parser()
    out = tmp_path / "bank.xml"
    args, extra = parser.parse_known_args(["export", "--format", "moodle", "--out", str(out)])
    assert args.run(args, extra) == 0 and out.exists()
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(["export", "--help"])
    assert stopped.value.code == 0
    shown = tidy(capsys.readouterr().out)
    assert tidy(message("export.description")) in shown
    assert tidy(message("export.format_help")) in shown


def one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def test_export_file_raises_typed_errors_and_returns_what_it_wrote(tmp_path):
    """A wrong choice is an ExportUsageError, a failure an ExportError; success says what it wrote."""
    with pytest.raises(export.ExportUsageError, match="'pdf'"):
        export.export_file(tmp_path / "bank.pdf", "pdf")
    with pytest.raises(export.ExportError, match="Could not write"):
        export.export_file(tmp_path / "missing" / "bank.gift", "gift")
    written = export.export_file(tmp_path / "bank.gift", " GIFT ", ["overview"])
    assert (written.count, written.file_format) == (len(tipcourse.questions("overview")), "gift")
    assert written.path.read_bytes() == export.export(tipcourse.questions("overview"), "gift")


def test_an_unknown_format_is_one_clear_line(tmp_path, capsys):
    """--format pdf names the formats there are, exits 2 and writes nothing."""
    out = tmp_path / "bank.pdf"
    assert main(["export", "--format", "pdf", "--out", str(out)]) == 2
    line = one_line_error(capsys)
    assert "'pdf'" in line and "gift, moodle, qti" in line
    assert not out.exists()


def test_an_unknown_section_is_one_clear_line(tmp_path, capsys):
    """--section judges names the six sections, exits 2 and writes nothing."""
    out = tmp_path / "bank.gift"
    assert main(["export", "--format", "gift", "--out", str(out), "--section", "judges"]) == 2
    line = one_line_error(capsys)
    assert "'judges'" in line and ", ".join(SECTION_NAMES) in line
    assert not out.exists()


@pytest.mark.parametrize("where", ["missing/bank.gift", "a-file/bank.gift"])
def test_an_unwritable_path_is_one_clear_line(where, tmp_path, capsys):
    """A folder that does not exist, or a file used as a folder: exit 1 and say which path."""
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / where
    assert main(["export", "--format", "gift", "--out", str(out)]) == 1
    line = one_line_error(capsys)
    assert line.startswith(f"Could not write {out}:") and str(out.parent) in line
    assert not (tmp_path / "missing").exists()


def test_a_failed_write_is_one_clear_line(tmp_path, capsys, monkeypatch):
    """An error while writing (a full disk, no permission) gives one line and exit 1."""

    def refuse(self, data):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    out = tmp_path / "bank.gift"
    assert main(["export", "--format", "gift", "--out", str(out), "--section", "overview"]) == 1
    assert one_line_error(capsys) == message(
        "export.cannot_write", path=out, reason="Permission denied"
    )


def test_an_existing_folder_as_out_is_one_clear_line(tmp_path, capsys):
    """--out naming a folder says to give a file name, with an example, and exits 2."""
    assert main(["export", "--format", "qti", "--out", str(tmp_path)]) == 2
    line = one_line_error(capsys)
    assert "is a folder" in line and str(tmp_path / "tipcourse-questions.zip") in line
    assert list(tmp_path.iterdir()) == []


def test_errors_and_messages_follow_the_interface_language(tmp_path, capsys):
    """With TIPCOURSE_LANG=es the command's messages are in Spanish."""
    tipcourse.set_language("es")
    assert main(["export", "--format", "gift", "--out", str(tmp_path)]) == 2
    assert "es una carpeta" in one_line_error(capsys)
    assert main(["export", "--format", "gift", "--out", str(tmp_path / "b.gift")]) == 0
    assert f"Se escribieron {len(ALL)} preguntas" in capsys.readouterr().out


def test_bad_input_in_a_real_process_never_shows_a_traceback(tmp_path):
    """In a terminal: one line on stderr, a non-zero status, for each kind of bad input."""
    cases = [
        ["--format", "docx", "--out", str(tmp_path / "x")],
        ["--format", "gift", "--out", str(tmp_path / "x"), "--section", "nowhere"],
        ["--format", "gift", "--out", str(tmp_path / "no" / "such" / "x.gift")],
        ["--format", "gift", "--out", str(tmp_path)],
    ]
    env = {**os.environ, "TIPCOURSE_LANG": "en"}
    for arguments in cases:
        result = subprocess.run(
            [sys.executable, "-m", "tipcourse", "export", *arguments],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0, arguments
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_numbers_are_written_without_exponents_or_float_noise():
    """18 not 18.0, 0.00001 not 1e-05, 37.8 not 37.800000000000004."""
    assert lms.number(18.0) == "18"
    assert lms.number(1e-05) == "0.00001"
    assert lms.number(Decimal("37.9") - Decimal("0.1")) == "37.8"
    assert lms.number(-0.0) == "0"
