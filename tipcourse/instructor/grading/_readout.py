"""The read-out that runs inside a grading kernel: answer values turned into plain JSON text.

The kernel never imports this module: the grader sends its source
(:data:`tipcourse.instructor.grading._kernel.READOUT`), runs it in a namespace of its own and calls
:func:`encode_answers` with the learner's globals. It uses only the standard library, reads values
and never changes them. What it produces is bounded (text, lists, arrays and tables over their
limits become a short "other" record), but the grader trusts none of it: the kernel's code may have
replaced it, so :func:`tipcourse.instructor.grading._decode.decode` checks again what it rebuilds.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["MAX_ITEMS", "MAX_TEXT", "MAX_VALUES", "encode", "encode_answers"]

MAX_TEXT = 100_000
MAX_ITEMS = 100_000
MAX_VALUES = 1_000_000
MAX_DEPTH = 30
INDEXES = ("Index", "RangeIndex", "MultiIndex", "DatetimeIndex", "CategoricalIndex")


def _other(kind: str) -> dict[str, Any]:
    return {"__t": "other", "type": kind[:60]}


def _plain(value: Any, depth: int) -> Any:
    """None, bool, text, numbers and Python containers; ``...`` (Ellipsis) when not one."""
    kind = type(value)
    if value is None or kind is bool:
        return value
    if kind is str:
        return value if len(value) <= MAX_TEXT else _other("long text")
    if kind is int:
        return value if abs(value) < 2**63 else {"__t": "float", "v": str(float(value))}
    if kind is float:
        return value if math.isfinite(value) else {"__t": "float", "v": str(value)}
    if value is Ellipsis:
        return {"__t": "ellipsis"}
    if kind in (list, tuple, set, frozenset):
        items = list(value)
        if len(items) > MAX_ITEMS:
            return _other("long " + kind.__name__)
        if kind in (set, frozenset):
            items = sorted(items, key=repr)
        return {"__t": kind.__name__, "v": [encode(item, depth + 1) for item in items]}
    if kind is dict:
        pairs = list(value.items())[:MAX_ITEMS]
        return {
            "__t": "dict",
            "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in pairs],
        }
    return ...


def _numpy(value: Any, depth: int) -> Any:
    if getattr(value, "ndim", 0) == 0:
        return {"__t": "npscalar", "dtype": str(value.dtype), "v": encode(value.item(), depth + 1)}
    if value.size > MAX_VALUES:
        return _other("large array")
    return {"__t": "ndarray", "dtype": str(value.dtype), "v": encode(value.tolist(), depth + 1)}


def _pandas(value: Any, depth: int) -> Any:
    name = type(value).__name__
    if name in INDEXES:
        return {
            "__t": "index",
            "multi": name == "MultiIndex",
            "names": encode(list(value.names), depth + 1),
            "dtype": str(value.dtype),
            "v": encode(list(value), depth + 1),
        }
    if name == "Series" and len(value) <= MAX_VALUES:
        return {
            "__t": "series",
            "name": encode(value.name, depth + 1),
            "dtype": str(value.dtype),
            "index": encode(value.index, depth + 1),
            "v": encode(value.tolist(), depth + 1),
        }
    if name == "DataFrame" and value.size <= MAX_VALUES:
        return {
            "__t": "dataframe",
            "columns": encode(value.columns, depth + 1),
            "index": encode(value.index, depth + 1),
            "dtypes": [str(dtype) for dtype in value.dtypes],
            "v": [
                encode(value.iloc[:, position].tolist(), depth + 1)
                for position in range(value.shape[1])
            ],
        }
    return ...


def encode(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data, tagged with its kind where JSON alone would lose it."""
    if depth > MAX_DEPTH:
        return _other("too deep")
    found = _plain(value, depth)
    module = getattr(type(value), "__module__", "") or ""
    if found is ... and module.startswith("numpy") and hasattr(value, "dtype"):
        found = _numpy(value, depth)
    if found is ... and module.startswith("pandas"):
        found = _pandas(value, depth)
    if found is ... and callable(value):
        found = {"__t": "function"}
    return _other(type(value).__name__) if found is ... else found


def _called(function: Any, calls: list[list[Any]]) -> dict[str, Any]:
    """A learner's function replayed in the kernel on the bank's argument lists."""
    results: list[dict[str, Any]] = []
    for args in calls:
        try:
            results.append({"ok": encode(function(*args))})
        except Exception as error:  # the learner's function raising is part of its answer
            results.append({"raised": type(error).__name__ + ": " + str(error)[:300]})
    return {"__t": "calls", "v": results}


def encode_answers(
    wanted: dict[str, str], calls: dict[str, list[list[Any]]], namespace: dict[str, Any]
) -> str:
    """The JSON text of each wanted item's variable (item id → variable name) in ``namespace``."""
    found: dict[str, Any] = {}
    for item_id, name in wanted.items():
        if name not in namespace:
            found[item_id] = {"__t": "missing"}
            continue
        value = namespace[name]
        try:
            if item_id in calls and callable(value):
                found[item_id] = _called(value, calls[item_id])
            else:
                found[item_id] = encode(value)
        except Exception as error:  # a value that breaks while being read: an unusable answer
            found[item_id] = _other(type(error).__name__)
    return json.dumps(found, allow_nan=False)
