"""The form of an answer to a graded item, checked without saying whether it is right.

In a sealed assignment (``tipcourse assign`` without ``--self-check``) a graded item has no Check
button. ``tipcourse.check_form(value, form)`` tells a learner only whether their answer has the
form the grader reads: one option letter among those shown, a number, a pandas Series, ... The
form comes from the handout itself (``form`` and ``letters`` are written into its cell), so the
check knows nothing of the key and works for an instructor's own items as well.

Forms: the question types ``single``, ``multiple``, ``order`` (with ``letters``, e.g. "abcd"),
``truefalse``, ``numeric``, ``text``, and the kinds of an exercise's answer as
:func:`tipcourse.compare.kind_of` names them (``number``, ``text``, ``bool``, ``list``, ``dict``,
``series``, ``dataframe``, ``function``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ._text import typed_letter, typed_letters
from .compare import InputError, describe, is_unanswered, kind_of, parse_number
from .messages import message

__all__ = ["FORMS", "FormCheck", "check_form"]

CHOICES = ("single", "multiple", "order")
FORMS = (*CHOICES, "truefalse", "numeric", "text", "number", "bool", "list", "tuple", "set",
         "dict", "series", "dataframe", "function", "array")
_TRUTH = {"true", "false", "t", "f", "yes", "no", "verdadero", "falso", "v", "si", "sí"}
#: Kinds of value that the grader's comparison reads as the same form.
_SAME = {"list": ("list", "tuple", "array"), "tuple": ("list", "tuple"), "number": ("number",),
         "set": ("set", "list", "tuple")}


@dataclass(frozen=True)
class FormCheck:
    """Whether an answer has the form its item asks for, and what to change if not."""

    valid: bool
    text: str

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return escape(self.text, quote=False)


def _what(form: str, letters: str) -> str:
    shown = ", ".join(letters)
    return message(f"form.what.{form}", letters=shown)


def _letters(value: Any, form: str, letters: str) -> str:
    """Why ``value`` is not a well-formed choice answer, or ""."""
    if form == "single":
        if not isinstance(value, str):
            return message("form.got", got=describe(value))
        return "" if typed_letter(value) in letters else message("form.not_a_letter",
                                                                   given=value.strip()[:20])
    collections = ("list", "tuple", "set") if form == "multiple" else ("list", "tuple")
    if isinstance(value, str):
        picks = typed_letters(value)
    elif kind_of(value) in collections:
        picks = [typed_letter(pick) if isinstance(pick, str) else pick for pick in value]
    else:
        return message("form.got", got=describe(value))
    strange = [str(pick)[:20] for pick in picks if pick not in letters]
    if strange:
        return message("form.not_a_letter", given=", ".join(strange))
    if len(set(picks)) != len(picks):
        return message("form.repeated")
    if form == "order" and len(picks) != len(letters):
        return message("form.not_every_letter", count=len(letters))
    return "" if picks else message("form.none_chosen")


def _problem(value: Any, form: str, letters: str) -> str:
    """Why ``value`` is not well formed for ``form``, or "" when it is."""
    if form in CHOICES:
        return _letters(value, form, letters)
    if form == "truefalse":
        good = kind_of(value) == "bool" or (
            isinstance(value, str) and value.strip().lower() in _TRUTH)
        return "" if good else message("form.got", got=describe(value))
    if form == "numeric" or form == "number" and isinstance(value, str):
        try:
            parse_number(value)
        except InputError as error:
            return error.message
        return ""
    if form == "text":
        return "" if isinstance(value, str) else message("form.got", got=describe(value))
    return "" if kind_of(value) in _SAME.get(form, (form,)) else message(
        "form.got", got=describe(value))


def check_form(value: Any, form: str, letters: str = "") -> FormCheck:
    """Whether ``value`` is a well-formed answer of ``form`` (never whether it is right).

    ``letters`` are the option letters shown, for ``single``, ``multiple`` and ``order``.
    """
    if form not in FORMS:
        raise ValueError(message("form.unknown", form=form, forms=", ".join(FORMS)))
    what = _what(form, letters)
    if is_unanswered(value):
        return FormCheck(False, message("form.unanswered", what=what))
    problem = _problem(value, form, letters)
    if problem:
        return FormCheck(False, message("form.invalid", what=what, problem=problem.rstrip(".")))
    return FormCheck(True, message("form.valid", what=what))
