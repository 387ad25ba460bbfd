"""The shape of an exercise's answer: what kind of value it is, and of what items.

An exercise's grader compares a learner's value with the reference solution's (see
:func:`tipcourse.engine.compare.compare`); before that, :func:`check_shape` says whether the value
can be compared at all — the same check :func:`tipcourse.check_form` makes in a sealed handout,
where the reference is not available. So the shape is written into the handout as text: ``number``,
``series``, ``list[number]``, ``dict[number|str]``, ``list[list[number]]``. Text is written ``str``:
the question type ``text`` has rules of its own (a few words, not a page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..report.messages import message
from .compare import (
    COMPATIBLE,
    InputError,
    as_list,
    check_length,
    describe,
    finite,
    kind_of,
    mismatch_tip,
    short,
)

__all__ = ["MAX_ITEMS", "SEQUENCES", "Shape", "check_shape", "parse_shape", "shape_of"]

SEQUENCES = ("list", "tuple", "set", "array")
#: A list longer than this is not an answer to anything in the course.
MAX_ITEMS = 100_000


@dataclass(frozen=True)
class Shape:
    """A kind of value (as :func:`~tipcourse.engine.compare.kind_of` names it) and, for lists and
    dictionaries, the shapes of their items (one per kind of item)."""

    kind: str
    items: tuple[Shape, ...] = ()

    def __str__(self) -> str:
        inside = "|".join(map(str, self.items))
        name = "str" if self.kind == "text" else self.kind
        return f"{name}[{inside}]" if inside else name


def shape_of(value: Any) -> Shape:
    """The shape of a reference answer."""
    kind = kind_of(value)
    if kind in SEQUENCES:
        members = as_list(value)
    elif kind == "dict":
        members = list(value.values())
    else:
        return Shape(kind)
    # As compare pairs a learner's item with an expected item of a compatible kind.
    by_kind = {kind_of(member): member for member in members}
    return Shape(kind, tuple(shape_of(member) for member in by_kind.values()))


def parse_shape(text: str) -> Shape:
    """A shape from its text, e.g. ``list[number]``; ValueError for text that is not one."""
    shape, rest = _parse(text.replace(" ", ""))
    if rest:
        raise ValueError(text)
    return shape


def _parse(text: str) -> tuple[Shape, str]:
    kind = text.split("[", 1)[0].split("|", 1)[0].split("]", 1)[0]
    if not kind:
        raise ValueError(text)
    rest = text[len(kind) :]
    kind = "text" if kind == "str" else kind
    if not rest.startswith("["):
        return Shape(kind), rest
    items = []
    rest = rest[1:]
    while True:
        item, rest = _parse(rest)
        items.append(item)
        if rest.startswith("|"):
            rest = rest[1:]
        elif rest.startswith("]"):
            return Shape(kind, tuple(items)), rest[1:]
        else:
            raise ValueError(text)


def check_shape(value: Any, shape: Shape) -> None:
    """Raise InputError when ``value`` cannot be compared with a value of ``shape``: the wrong
    kind, NaN, text without letters, an item of a list or a dictionary's value that is one of
    these. Every item is inspected."""
    got = kind_of(value)
    if got == "text":
        check_length(value)
    if got == "bytes" and shape.kind != "function":  # bytes for a function: the wrong kind
        raise InputError("compare.bytes")
    if shape.kind == "number" and got == "bool":
        raise InputError("compare.bool_not_number")
    if got not in COMPATIBLE.get(shape.kind, {shape.kind}):
        raise InputError(
            "compare.type_mismatch",
            expected=message(f"compare.expected.{shape.kind}", name=shape.kind),
            got=describe(value),
            tip=mismatch_tip(shape.kind, value),
        )
    if shape.kind == "number":
        finite(value)
    elif shape.kind == "text" and not any(char.isalnum() for char in value):
        raise InputError("compare.no_letters")
    elif shape.items and shape.kind in SEQUENCES:
        _check_members(as_list(value), shape.items, "compare.item_problem")
    elif shape.items and shape.kind == "dict":
        entries = dict(value) if got == "dict" else value.to_dict()
        _check_members(list(entries.values()), shape.items, "compare.entry_problem", entries)


def _check_members(members: list, shapes: tuple[Shape, ...], key: str, entries: Any = None) -> None:
    if len(members) > MAX_ITEMS:
        raise InputError("compare.too_many_items", count=len(members))
    names = list(entries) if entries is not None else []
    for position, member in enumerate(members):
        got = kind_of(member)
        partner = next((s for s in shapes if got in COMPATIBLE.get(s.kind, {s.kind})), shapes[0])
        try:
            check_shape(member, partner)
        except InputError as error:
            where = {"entry": short(names[position])} if names else {"position": position + 1}
            raise InputError(key, problem=error.message, **where) from None
