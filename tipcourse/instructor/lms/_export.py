"""``tipcourse export``: the question bank as files that Moodle and Canvas import.

Three formats, written by pure functions from the same
:class:`~tipcourse.engine._questions.Question` objects (the same questions, in the same interface
language, give the same bytes), one module each (:mod:`tipcourse.instructor.lms._gift`,
:mod:`tipcourse.instructor.lms._moodle`, :mod:`tipcourse.instructor.lms._qti`) over what they share
(:mod:`tipcourse.instructor.lms._formats`):

``gift``
    Moodle GIFT text (:func:`to_gift`). Moodle reads it under Question bank → Import → GIFT.
``moodle``
    Moodle XML (:func:`to_moodle_xml`), Moodle's own import format: it keeps more than GIFT does
    (points, hints, tags, the ID number, a unit for percentages, feedback for partly right
    answers).
``qti``
    A QTI 1.2 package (:func:`to_qti`): a zip holding ``imsmanifest.xml`` and one assessment,
    written the way Canvas writes its own QTI exports, so Canvas imports it with "QTI .zip file".

Every question keeps its id as its name (Moodle) or title and identifier (QTI), its points, each
answer's feedback, and a general feedback with the explanation and the report's quotes, each
quote with the title of the section it stands in. Moodle files put each section in a category
``$course$/top/tipcourse/<section>``; a GIFT question's comment line ``// [id:…] [tag:…]``
carries its ID number and tags, which recent Moodle versions read. Option order is left to the
LMS's own shuffling (tipcourse shows every learner the same order, with letters by position).

What each type becomes: a question type names the LMS shape it takes (``QuestionType.lms``:
``single_choice``, ``multiple_choice``, ``truefalse``, ``numerical``, ``shortanswer``,
``matching``), and each writer has one entry per shape (``GIFT_BODIES``, ``MOODLE_BODIES``,
``QTI_BODIES``); a shape a writer lacks is an error that says so, never a guess. A format is one
entry of ``LMS_FORMATS``.

=========  ========================  ==========================  ==============================
tipcourse  GIFT                      Moodle XML                  QTI (Canvas question type)
=========  ========================  ==========================  ==============================
single     multiple choice, ``=``    multichoice, one answer     multiple_choice_question
multiple   multiple choice, ``~%``   multichoice, many answers   multiple_answers_question
truefalse  ``{TRUE}``/``{FALSE}``    truefalse                   true_false_question
numeric    ``{#answer:tolerance}``   numerical with tolerance    numerical_question
text       short answer              shortanswer, any case       short_answer_question
order      matching                  matching                    matching_question
=========  ========================  ==========================  ==============================

Where the formats cannot do what tipcourse does:

* **multiple**: a right option is worth 1/n of the points (n right options) and a wrong one
  takes 1/n away, never below 0 — tipcourse's rule exactly, in Moodle (up to 10 right options,
  the finest share Moodle accepts) and in Canvas, which applies this same rule to "multiple
  answers" itself. Other QTI players read the package's rule: full marks for the exact set only.
* **order** has no native type in any of the three formats. It becomes a matching question that
  pairs each position ("Position 1", "Position 2", …) with the item that belongs there. Moodle
  and Canvas give credit per position that holds the right item; tipcourse gives the share of
  neighbouring pairs in the right order, so b, c, d, a (for a, b, c, d) scores 0 in the LMS and
  2/3 in tipcourse. GIFT cannot keep the positions in order (Moodle's "shuffle" setting applies)
  nor give feedback per item, so the items' feedback is listed in the general feedback; Moodle
  XML lists it in the feedback for partly right and wrong answers; QTI shows each item's
  feedback when its position holds another item.
* **numeric**: a relative tolerance becomes the absolute tolerance it amounts to. Feedback for
  a range of wrong numbers is an answer worth 0 % in Moodle; Canvas counts every numerical
  answer as right, so in QTI those feedbacks are listed in the feedback for wrong answers.
  Only Moodle XML accepts "37.9%" where the unit is percent (a "%" unit, optional); elsewhere
  learners type the number alone.
* **text**: tipcourse ignores case, accents, dashes and spacing. Moodle ("case unimportant":
  set in Moodle XML, GIFT's default) and Canvas compare what is typed, ignoring case and
  surrounding spaces, with each accepted answer, so every accepted answer is listed as written
  and in tipcourse's folded form ("Yucatán" and "yucatan"); other spellings of accents, dashes
  or inner spaces are refused. Feedback for likely wrong answers is an answer worth 0 % in
  Moodle, and listed in the feedback for wrong answers in QTI (Canvas counts every short answer
  as right). A ``*`` in an answer is escaped for Moodle; in GIFT a ``->`` is written ``-*>`` (a
  literal ``->`` would make Moodle read a matching question), which still matches.
* **points**: GIFT has no syntax for a question's mark, so Moodle imports every GIFT question
  worth 1; the points are in the comment line above each question. Moodle XML and QTI keep them.
* **re-importing**: Canvas keeps each item's identifier as its migration id. Moodle always adds
  new copies on import and wants ID numbers unique within a category, so re-import into a new
  category (or delete the old copies first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ...engine._questions import Question, QuestionBankError
from ...engine._questions import questions as course_questions
from ...report._parse import SECTION_NAMES
from ...report.messages import message
from ._gift import to_gift
from ._moodle import MOODLE_TYPES, to_moodle_xml
from ._qti import ASSESSMENT_ID, CANVAS_TYPES, to_qti

__all__ = [
    "ASSESSMENT_ID",
    "CANVAS_TYPES",
    "FORMATS",
    "LMS_FORMATS",
    "MOODLE_TYPES",
    "SUFFIXES",
    "ExportError",
    "ExportUsageError",
    "LmsFormat",
    "Written",
    "export",
    "export_file",
    "to_gift",
    "to_moodle_xml",
    "to_qti",
]


@dataclass(frozen=True)
class LmsFormat:
    """One export format: its name, its usual file ending and the writer of its bytes."""

    name: str
    suffix: str
    write: Callable[[list[Question]], bytes]


#: Every export format by name; adding a format is adding its entry here.
LMS_FORMATS: Mapping[str, LmsFormat] = MappingProxyType(
    {
        entry.name: entry
        for entry in (
            LmsFormat("gift", ".gift.txt", lambda bank: to_gift(bank).encode("utf-8")),
            LmsFormat("moodle", ".xml", lambda bank: to_moodle_xml(bank).encode("utf-8")),
            LmsFormat("qti", ".zip", to_qti),
        )
    }
)
FORMATS = tuple(LMS_FORMATS)
#: The usual file ending of each format.
SUFFIXES = {name: entry.suffix for name, entry in LMS_FORMATS.items()}


class ExportError(Exception):
    """The export could not be written; the message says why, in one line."""


class ExportUsageError(ExportError):
    """The export was asked for wrongly (a format, a section or a path); the message says how."""


@dataclass(frozen=True)
class Written:
    """What :func:`export_file` wrote: how many questions, in which format, where."""

    count: int
    file_format: str
    path: Path


def export(bank: Iterable[Question], file_format: str) -> bytes:
    """The file's bytes for ``file_format`` ("gift", "moodle" or "qti")."""
    if file_format not in LMS_FORMATS:
        raise ValueError(
            message("export.unknown_format", format=file_format, formats=", ".join(FORMATS))
        )
    return LMS_FORMATS[file_format].write(list(bank))


def export_file(out: Path, file_format: str, sections: Sequence[str] | None = None) -> Written:
    """Write the course's questions of ``sections`` (default: every section) to ``out``.

    Raises :class:`ExportUsageError` for an unknown format or section or a folder as ``out``,
    and :class:`ExportError` when the file cannot be written or there is nothing to write.
    """
    chosen_format = file_format.strip().lower()
    if chosen_format not in FORMATS:
        raise ExportUsageError(
            message("export.unknown_format", format=file_format, formats=", ".join(FORMATS))
        )
    chosen = list(dict.fromkeys(sections or SECTION_NAMES))
    for section in chosen:
        if section not in SECTION_NAMES:
            raise ExportUsageError(
                message(
                    "export.unknown_section", section=section, sections=", ".join(SECTION_NAMES)
                )
            )
    if out.is_dir():
        example = out / f"tipcourse-questions{SUFFIXES[chosen_format]}"
        raise ExportUsageError(message("export.out_is_directory", path=out, example=example))
    folder = out.absolute().parent
    if not folder.is_dir():  # say so before the slow part: loading and exporting the bank
        raise ExportError(message("export.no_folder", path=out, folder=folder))
    try:
        bank = [question for question in course_questions() if question.section in chosen]
    except QuestionBankError as error:
        raise ExportError(str(error)) from None
    if not bank:
        raise ExportError(message("export.no_questions"))
    data = export(bank, chosen_format)
    try:
        out.write_bytes(data)
    except OSError as error:
        raise ExportError(
            message("export.cannot_write", path=out, reason=error.strerror or error)
        ) from None
    return Written(len(bank), chosen_format, out.absolute())
