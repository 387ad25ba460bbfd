"""Answers rebuilt in the grader from a kernel's read-out: plain data, checked before it is built.

:func:`decode` turns the JSON that :mod:`tipcourse.instructor.grading._readout` wrote in the kernel
back into Python values, pandas and numpy objects. Nothing the kernel sends is trusted: a kernel's
code may have replaced the read-out, so every array's dtype and size are checked before anything is
allocated (a claimed dtype of gigabytes per element, or millions of elements, is an unusable answer
and never the grader's memory), and pandas only gets dtypes it rebuilds as such. No code of the
notebook runs here: pickle is never used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...report.messages import message

__all__ = ["MAX_ARRAY_BYTES", "Missing", "Unreadable", "decode"]

#: The most an array rebuilt in the grader may weigh (bytes), whatever its dtype claims.
MAX_ARRAY_BYTES = 64 * 1024 * 1024
#: The most bytes one element of an array may claim (text of 1,024 characters).
MAX_ITEM_BYTES = 4096
#: The dtype kinds rebuilt: bool, integers, floats, complex, text, bytes, objects, dates, spans.
KINDS = "biufcUSOMm"


class Unreadable:
    """A learner's value the grader cannot rebuild (an object of an unknown kind)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"<{self.kind}>"


class Missing:
    """The learner never set the answer variable."""


def decode(data: Any) -> Any:
    """Plain data from the kernel's JSON, rebuilt in the grader (no code from the notebook runs)."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    rebuild = _DECODERS.get(str(data.get("__t")))
    if rebuild is None:
        return Unreadable(str(data.get("type", "object")))
    return rebuild(data, data.get("v"))


def _collection(data: dict[str, Any], values: Any) -> Any:
    items = [decode(item) for item in values]
    tag = data["__t"]
    kind = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag]
    return kind(items if tag in ("list", "tuple") else _hashable(items))


def _index(data: dict[str, Any], values: Any) -> Any:
    import pandas

    items = decode(values)
    names = decode(data["names"])
    if data.get("multi"):
        return pandas.MultiIndex.from_tuples([tuple(item) for item in items], names=names)
    return pandas.Index(items, name=names[0] if names else None, dtype=_dtype(data["dtype"]))


def _series(data: dict[str, Any], values: Any) -> Any:
    import pandas

    return pandas.Series(
        decode(values),
        index=decode(data["index"]),
        name=decode(data["name"]),
        dtype=_dtype(data["dtype"]),
    )


def _dataframe(data: dict[str, Any], values: Any) -> Any:
    import pandas

    columns = decode(data["columns"])
    frame = pandas.DataFrame(
        {position: decode(column) for position, column in enumerate(values)},
        index=decode(data["index"]),
    )
    for position, dtype in enumerate(data["dtypes"]):
        if _dtype(dtype) is not None:
            frame[position] = frame[position].astype(dtype)
    frame.columns = columns
    return frame


def _calls(data: dict[str, Any], values: Any) -> Any:
    return _Replay(
        [
            {"raised": str(result["raised"])}
            if "raised" in result
            else {"ok": decode(result.get("ok"))}
            for result in values
        ]
    )


#: How each tag the kernel's read-out writes (see ``_readout``) is rebuilt: one entry a tag.
_DECODERS: dict[str, Callable[[dict[str, Any], Any], Any]] = {
    "ellipsis": lambda data, values: ...,
    "missing": lambda data, values: Missing(),
    "float": lambda data, values: float(values),
    "list": _collection,
    "tuple": _collection,
    "set": _collection,
    "frozenset": _collection,
    "dict": lambda data, values: {
        _hashable([decode(key)])[0]: decode(value) for key, value in values
    },
    "npscalar": lambda data, values: _array(decode(values), data.get("dtype"), scalar=True),
    "ndarray": lambda data, values: _array(decode(values), data.get("dtype")),
    "index": _index,
    "series": _series,
    "dataframe": _dataframe,
    "calls": _calls,
    "function": lambda data, values: _Replay([]),
}


def _dtype(text: str) -> str | None:
    """A dtype the grader rebuilds as such; others are left to pandas to infer."""
    simple = re.fullmatch(r"(u?int|float)(8|16|32|64)|bool|object|category|string", text)
    return text if simple else None


def _hashable(items: list) -> list:
    return [tuple(_hashable(item)) if isinstance(item, list) else item for item in items]


class _Replay:
    """A learner's function, replayed: its results for the bank's calls, computed in the kernel."""

    def __init__(self, results: list) -> None:
        self._results = results
        self._next = 0

    def __call__(self, *args: Any) -> Any:
        if self._next >= len(self._results):
            raise TypeError(message("grade.not_a_function"))
        result = self._results[self._next]
        self._next += 1
        if "raised" in result:
            raise RuntimeError(result["raised"])
        return result["ok"]


def _count(values: Any, limit: int) -> int:
    """How many scalars the nested lists ``values`` hold, counting no further than ``limit``."""
    count, stack = 0, [values]
    while stack and count <= limit:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            count += 1
    return count


def _array(values: Any, dtype_text: Any, scalar: bool = False) -> Any:
    """A numpy array (or scalar) of ``values``, only when its dtype is a plain one and the whole
    stays under MAX_ARRAY_BYTES; otherwise an Unreadable answer, nothing allocated."""
    import numpy

    if not isinstance(dtype_text, str) or len(dtype_text) > 40:
        return Unreadable("array")
    try:
        dtype = numpy.dtype(dtype_text)
    except (TypeError, ValueError, SyntaxError, MemoryError, OverflowError):
        return Unreadable("array")
    if (
        dtype.kind not in KINDS
        or dtype.subdtype is not None
        or dtype.names is not None
        or dtype.itemsize > MAX_ITEM_BYTES
    ):
        return Unreadable("array of " + dtype.kind)
    # A text or bytes dtype of size 0 grows to fit its values: count what it will hold.
    itemsize = dtype.itemsize or MAX_ITEM_BYTES
    if _count(values, MAX_ARRAY_BYTES // itemsize) * itemsize > MAX_ARRAY_BYTES:
        return Unreadable("large array")
    made = numpy.array(values, dtype=dtype)
    if made.nbytes > MAX_ARRAY_BYTES:
        return Unreadable("large array")
    return made[()] if scalar else made
