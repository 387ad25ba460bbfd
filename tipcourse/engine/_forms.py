"""The form of an answer to a graded item, checked without saying whether it is right.

In a sealed assignment (``tipcourse assign`` without ``--self-check``) a graded item has no Check
button. ``tipcourse.check_form(value, form)`` tells a learner only whether their answer has the
form the grader reads: one option letter among those shown, a number, a pandas Series, ... The
form comes from the handout itself (``form``, ``letters`` and ``unit`` are written into its
cell), so the check knows nothing of the key and works for an instructor's own items as well.

It is the grader's own first step: a question's form is read by its type's ``parse`` (see
:mod:`tipcourse.engine.types._base`), an exercise's by :func:`tipcourse.engine._shapes.check_shape`,
exactly as ``Question.evaluate`` and ``Exercise.evaluate`` read them. So an answer is well formed
here exactly when the grader neither refuses it as unreadable nor counts it as unanswered.

Forms: the question types' names (``single``, ``multiple``, ``order`` with ``letters`` such as
"abcd", ``truefalse``, ``numeric`` with ``unit="percent"`` where a percentage is asked for,
``text``), and the shapes of an exercise's answer: a kind as
:func:`tipcourse.engine.compare.kind_of` names it (``number``, ``bool``, ``list``, ``dict``,
``series``, ``dataframe``, ``function``, ...; text is ``str``), with its items' shapes in
brackets where it has items (``list[number]``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from ..report.messages import message
from ._shapes import Shape, check_shape, parse_shape
from .compare import InputError, is_unanswered
from .types._base import Form
from .types._registry import QUESTION_TYPES

__all__ = ["FORMS", "FormCheck", "check_form"]

#: The kinds of an exercise's answer that a form may name.
SHAPES = (
    "number",
    "str",
    "bool",
    "list",
    "tuple",
    "set",
    "dict",
    "series",
    "dataframe",
    "function",
    "array",
)
FORMS = (*QUESTION_TYPES, *SHAPES)


@dataclass(frozen=True)
class FormCheck:
    """Whether an answer has the form its item asks for, and what to change if not."""

    valid: bool
    text: str

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return escape(self.text, quote=False)


def _reader(form: str, letters: str, unit: str) -> tuple[str, Callable[[Any], object]]:
    """The name of ``form``'s kind and the grader's own first step for it; ValueError for a
    form that is neither a question type nor the shape of an exercise's answer."""
    if form in QUESTION_TYPES:
        return form, functools.partial(QUESTION_TYPES[form].parse, form=Form(letters, unit))
    try:
        shape = parse_shape(form)
    except ValueError:
        shape = None
    if shape is None or not _known(shape):
        raise ValueError(message("form.unknown", form=form, forms=", ".join(FORMS)))
    return form.split("[", 1)[0], functools.partial(check_shape, shape=shape)


def _known(shape: Shape) -> bool:
    name = "str" if shape.kind == "text" else shape.kind
    return name in SHAPES and all(_known(item) for item in shape.items)


def check_form(value: Any, form: str, letters: str = "", unit: str = "") -> FormCheck:
    """Whether ``value`` is a well-formed answer of ``form`` (never whether it is right).

    ``letters`` are the option letters shown, for ``single``, ``multiple`` and ``order``;
    ``unit="percent"`` lets a ``numeric`` answer be a percentage such as "92.5%".
    """
    kind, read = _reader(form, letters, unit)
    what = message(f"form.what.{kind}", letters=", ".join(letters))
    if is_unanswered(value):
        return FormCheck(False, message("form.unanswered", what=what))
    try:
        read(value)
    except InputError as error:
        problem = error.message.rstrip(".")
        return FormCheck(False, message("form.invalid", what=what, problem=problem))
    return FormCheck(True, message("form.valid", what=what))
