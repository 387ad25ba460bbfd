"""QTI 1.2 packages, written the way Canvas writes its own QTI exports ("QTI .zip file")."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from ...engine._questions import Question
from ...engine.types._registry import shape_handler
from ...report._parse import SECTION_NAMES
from ...report.messages import message
from . import _formats as lms

__all__ = ["ASSESSMENT_ID", "CANVAS_TYPES", "QTI_BODIES", "to_qti"]

#: The QTI assessment's identifier for the whole bank (a subset appends its sections' names).
ASSESSMENT_ID = "tipcourse_mexico_2012"
#: Canvas's question type for each LMS shape a question type gives (``QuestionType.lms``).
CANVAS_TYPES = {
    "single_choice": "multiple_choice_question",
    "multiple_choice": "multiple_answers_question",
    "truefalse": "true_false_question",
    "numerical": "numerical_question",
    "shortanswer": "short_answer_question",
    "matching": "matching_question",
}
#: The shapes whose feedback for wrong answers is listed apart (Canvas counts each as right).
_LISTED_WRONG_FEEDBACK = ("numerical", "shortanswer")
# Fixed zip entry metadata, so the package is byte-identical on every run and every machine.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_UNIX = 3


def _answer_id(number: int) -> str:
    """A choice's identifier: Canvas keys answers by number (1001, 1002, …)."""
    return str(1000 + number)


def _item_id(number: int) -> str:
    """An order item's identifier among a matching question's choices (2001, 2002, …)."""
    return str(2000 + number)


def _mattext(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    lms.add(lms.add(parent, "material"), "mattext", text, texttype=texttype)


def _respcondition(
    resprocessing: ET.Element, continue_: str = "Yes"
) -> tuple[ET.Element, ET.Element]:
    """A condition and its (empty) test; "Yes" goes on to the next condition after a match."""
    condition = lms.add(resprocessing, "respcondition", **{"continue": continue_})
    return condition, lms.add(condition, "conditionvar")


def _show(condition: ET.Element, feedback_id: str) -> None:
    lms.add(condition, "displayfeedback", feedbacktype="Response", linkrefid=feedback_id)


def _always_show(resprocessing: ET.Element, feedback_id: str) -> None:
    condition, test = _respcondition(resprocessing)
    lms.add(test, "other")
    _show(condition, feedback_id)


def _score(condition: ET.Element, value: str = "100", action: str = "Set") -> None:
    lms.add(condition, "setvar", value, action=action, varname="SCORE")


def _varequal(parent: ET.Element, value: str, response: str = "response1") -> ET.Element:
    return lms.add(parent, "varequal", value, respident=response)


def _qti_choice(
    presentation: ET.Element, resprocessing: ET.Element, question: Question
) -> dict[str, str]:
    """single, multiple and truefalse: one list of choices. Returns per-answer feedback."""
    shape = question.question_type.lms
    if shape == "truefalse":
        choices = [
            (
                _answer_id(number),
                word,
                question.answer is value,
                "" if question.answer is value else question.wrong_feedback,
            )
            for number, (value, word) in enumerate(((True, "True"), (False, "False")), 1)
        ]
    else:
        right_keys = question.question_type.right_keys(question)
        choices = [
            (_answer_id(number), option.text, option.key in right_keys, option.feedback)
            for number, option in enumerate(question.options, 1)
        ]
    multiple = shape == "multiple_choice"
    response = lms.add(
        presentation,
        "response_lid",
        ident="response1",
        rcardinality="Multiple" if multiple else "Single",
    )
    render = lms.add(response, "render_choice", shuffle="No" if shape == "truefalse" else "Yes")
    for ident, text, _, _ in choices:
        _mattext(lms.add(render, "response_label", ident=ident), lms.tidy(text), "text/plain")
    feedback = {}
    for ident, _, _, comment in choices:
        if comment.strip():
            feedback[f"{ident}_fb"] = lms.paragraph(comment)
            condition, test = _respcondition(resprocessing)
            _varequal(test, ident)
            _show(condition, f"{ident}_fb")
    condition, test = _respcondition(resprocessing, "No")
    if multiple:
        every = lms.add(test, "and")
        for ident, _, right, _ in choices:
            _varequal(every if right else lms.add(every, "not"), ident)
    else:
        _varequal(test, next(ident for ident, _, right, _ in choices if right))
    _score(condition)
    return feedback


def _qti_numeric(
    presentation: ET.Element, resprocessing: ET.Element, question: Question
) -> dict[str, str]:
    response = lms.add(presentation, "response_str", ident="response1", rcardinality="Single")
    lms.add(lms.add(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    answer, margin = lms.decimal(question.answer), lms.margin(question)
    condition, test = _respcondition(resprocessing, "No")
    either = lms.add(test, "or")
    _varequal(either, lms.number(answer))
    within = lms.add(either, "and")
    lms.add(within, "vargte", lms.number(answer - margin), respident="response1")
    lms.add(within, "varlte", lms.number(answer + margin), respident="response1")
    _score(condition)
    return {}


def _qti_text(
    presentation: ET.Element, resprocessing: ET.Element, question: Question
) -> dict[str, str]:
    response = lms.add(presentation, "response_str", ident="response1", rcardinality="Single")
    lms.add(lms.add(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    accepted, _ = lms.text_forms(question)
    condition, test = _respcondition(resprocessing, "No")
    either = lms.add(test, "or")
    for form in accepted:
        lms.add(either, "varequal", form, respident="response1", case="No")
    _score(condition)
    return {}


def _qti_order(
    presentation: ET.Element, resprocessing: ET.Element, question: Question
) -> dict[str, str]:
    """Canvas's matching question: each position is a row, each item a choice."""
    items = list(question.options)
    item_ids = {option.key: _item_id(number) for number, option in enumerate(items, 1)}
    for number in range(1, len(items) + 1):
        row = lms.add(presentation, "response_lid", ident=f"response_{_answer_id(number)}")
        _mattext(row, message("export.position", number=number), "text/plain")
        render = lms.add(row, "render_choice")
        for option in items:
            _mattext(
                lms.add(render, "response_label", ident=item_ids[option.key]),
                lms.tidy(option.text),
                "text/plain",
            )
    points_each = lms.number(round(Decimal(100) / len(items), 4))
    feedback = {}
    for number, item_option in enumerate(lms.ordered_items(question), 1):
        row_id = f"response_{_answer_id(number)}"
        condition, test = _respcondition(resprocessing)
        _varequal(test, item_ids[item_option.key], row_id)
        _score(condition, points_each, "Add")
        feedback_id = f"{_answer_id(number)}_fb"
        feedback[feedback_id] = lms.paragraph(
            message(
                "export.misplaced_item",
                item=lms.tidy(item_option.text),
                feedback=lms.tidy(item_option.feedback),
            )
        )
        condition, test = _respcondition(resprocessing)
        _varequal(lms.add(test, "not"), item_ids[item_option.key], row_id)
        _show(condition, feedback_id)
    return feedback


#: What each LMS shape writes in an item's presentation and response processing.
QTI_BODIES: dict[str, Callable[[ET.Element, ET.Element, Question], dict[str, str]]] = {
    "single_choice": _qti_choice,
    "multiple_choice": _qti_choice,
    "truefalse": _qti_choice,
    "numerical": _qti_numeric,
    "shortanswer": _qti_text,
    "matching": _qti_order,
}


def _item_feedback(item: ET.Element, ident: str, text: str) -> None:
    feedback = lms.add(item, "itemfeedback", ident=ident)
    _mattext(lms.add(feedback, "flow_mat"), text)


def _qti_item(section: ET.Element, question: Question) -> None:
    shape = question.question_type.lms
    body = shape_handler(QTI_BODIES, shape, "QTI")
    item = lms.add(section, "item", ident=question.id, title=question.id)
    metadata = lms.add(lms.add(item, "itemmetadata"), "qtimetadata")
    for label, entry in (
        ("question_type", shape_handler(CANVAS_TYPES, shape, "QTI")),
        ("points_possible", lms.number(question.points)),
    ):
        field = lms.add(metadata, "qtimetadatafield")
        lms.add(field, "fieldlabel", label)
        lms.add(field, "fieldentry", entry)
    presentation = lms.add(item, "presentation")
    _mattext(presentation, f"<div>{lms.prompt(question)}</div>")
    resprocessing = lms.add(item, "resprocessing")
    lms.add(
        lms.add(resprocessing, "outcomes"),
        "decvar",
        maxvalue="100",
        minvalue="0",
        varname="SCORE",
        vartype="Decimal",
    )
    _always_show(resprocessing, "general_fb")
    answer_feedback = body(presentation, resprocessing, question)
    incorrect = lms.incorrect_feedback(question) if shape in _LISTED_WRONG_FEEDBACK else ""
    if incorrect:
        _always_show(resprocessing, "general_incorrect_fb")
    _item_feedback(item, "general_fb", lms.general_feedback(question))
    if incorrect:
        _item_feedback(item, "general_incorrect_fb", incorrect)
    for ident, text in answer_feedback.items():
        _item_feedback(item, ident, text)


def _assessment_id(bank: Sequence[Question]) -> str:
    sections = lms.sections_of(bank)
    if set(sections) >= set(SECTION_NAMES) or not sections:
        return ASSESSMENT_ID
    return "_".join([ASSESSMENT_ID, *sections])


def _manifest(identifier: str, title: str, href: str) -> str:
    manifest = ET.Element(
        "manifest",
        {
            "identifier": f"{identifier}_manifest",
            "xmlns": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
            "xmlns:imsmd": "http://www.imsglobal.org/xsd/imsmd_v1p2",
        },
    )
    metadata = lms.add(manifest, "metadata")
    lms.add(metadata, "schema", "IMS Content")
    lms.add(metadata, "schemaversion", "1.1.3")
    lom_title = lms.add(lms.add(lms.add(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title")
    lms.add(lom_title, "imsmd:string", title)
    lms.add(manifest, "organizations")
    resource = lms.add(
        lms.add(manifest, "resources"), "resource", identifier=identifier, type="imsqti_xmlv1p2"
    )
    lms.add(resource, "file", href=href)
    return lms.xml_text(manifest)


def _assessment(identifier: str, title: str, bank: Sequence[Question]) -> str:
    root = ET.Element(
        "questestinterop",
        {
            "xmlns": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2 "
            "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd",
        },
    )
    assessment = lms.add(root, "assessment", ident=identifier, title=title)
    section = lms.add(assessment, "section", ident="root_section")
    for question in bank:
        _qti_item(section, question)
    return lms.xml_text(root)


def _zip(files: Sequence[tuple[str, str]]) -> bytes:
    """A zip with fixed dates and modes, stored uncompressed so no zlib build changes a byte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, text in files:
            entry = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            entry.create_system = _UNIX
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()


def to_qti(bank: Iterable[Question]) -> bytes:
    """The questions as a QTI 1.2 package (zip bytes) in the form Canvas imports."""
    bank = list(bank)
    identifier, title = _assessment_id(bank), lms.title(bank)
    href = f"{identifier}/{identifier}.xml"
    return _zip(
        [
            ("imsmanifest.xml", _manifest(identifier, title, href)),
            (href, _assessment(identifier, title, bank)),
        ]
    )
