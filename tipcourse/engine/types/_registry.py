"""The registry of question types: each type's object by the name the bank's schema uses.

To add a type, write its module (a :class:`~tipcourse.engine.types._base.QuestionType`), list it
here, add its name to ``data/questions/schema.json`` and its messages to both catalogues.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeVar

from ...report.messages import message
from ._base import QuestionType, UnknownQuestionTypeError
from ._multiple import Multiple
from ._numeric import Numeric
from ._order import Order
from ._short_text import ShortText
from ._single import Single
from ._truefalse import TrueFalse

__all__ = ["QUESTION_TYPES", "question_type", "shape_handler"]

Handler = TypeVar("Handler")

QUESTION_TYPES: Mapping[str, QuestionType] = MappingProxyType(
    {
        kind.name: kind
        for kind in (Single(), Multiple(), TrueFalse(), Numeric(), ShortText(), Order())
    }
)


def question_type(name: str) -> QuestionType:
    """The type registered as ``name``; an unknown name is an error that lists the known ones."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise UnknownQuestionTypeError(
            message("question.type.unknown", type=name, types=", ".join(QUESTION_TYPES))
        ) from None


def shape_handler(handlers: Mapping[str, Handler], shape: str, user: str) -> Handler:
    """What ``user`` (a view or an export) does for ``shape``; one it lacks is a clear error,
    never a silent fallback."""
    try:
        return handlers[shape]
    except KeyError:
        raise UnknownQuestionTypeError(
            message("question.type.no_handler", user=user, shape=shape, shapes=", ".join(handlers))
        ) from None
