"""The instructor's tools: assignments, grading, item analysis and the LMS.

The names below are the instructor's API, the functions the ``tipcourse`` command line calls::

    from tipcourse.instructor import assign, grade, analysis, export_file

They load on first use (``import tipcourse.instructor`` is light); the modules that hold them
are private: ``_assign`` (handouts and keys), ``grading/`` (grading submissions), ``_analyze``
(item analysis) and ``lms/`` (question banks for an LMS, and filling its gradebook).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Each public name and the module (below this package) that defines it.
API = {
    "AssignError": "._assign",
    "assign": "._assign",
    "plan": "._assign",
    "Key": ".grading._grade",
    "Result": ".grading._grade",
    "grade": ".grading._grade",
    "ClusterError": ".grading._cluster",
    "grade_on_dask": ".grading._cluster",
    "write_gradebook": ".grading._gradebook",
    "write_feedback": ".grading._gradebook",
    "write_responses": ".grading._gradebook",
    "ManualError": ".grading._manual",
    "read_manual": ".grading._manual",
    "write_manual": ".grading._manual",
    "merge_manual": ".grading._manual",
    "AnalyzeError": "._analyze",
    "analysis": "._analyze",
    "receipts_analysis": "._analyze",
    "ExportError": ".lms._export",
    "export": ".lms._export",
    "export_file": ".lms._export",
    "LmsGradebookError": ".lms._fill",
    "fill_lms_gradebook": ".lms._fill",
}
__all__ = sorted(API)


def __getattr__(name: str) -> Any:
    if name not in API:
        raise AttributeError(f"module 'tipcourse.instructor' has no attribute {name!r}")
    return getattr(import_module(API[name], __name__), name)


def __dir__() -> list[str]:
    return __all__
