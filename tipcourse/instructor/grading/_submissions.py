"""The submissions of a grading run: the notebooks named or found in a folder, read safely.

A submission is a regular file. A symbolic link, a named pipe, a device, a socket or a folder
among them is refused with a row that says why, without being followed or opened in a way that
could block (``O_NOFOLLOW | O_NONBLOCK``, then ``fstat``); a file is read only up to the size
limit, so a huge file costs no memory.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ...report.messages import message

__all__ = ["MAX_SUBMISSION_BYTES", "Submission", "read_submission", "submissions_in"]

MAX_SUBMISSION_BYTES = 20 * 1024 * 1024
_KINDS = (
    (stat.S_ISLNK, "link"),
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "device"),
    (stat.S_ISBLK, "device"),
)


@dataclass
class Submission:
    """A submission's bytes (None when it cannot be graded), why not, and when it was changed."""

    content: bytes | None
    problem: str = ""
    modified: float = 0.0


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "other")


def read_submission(path: Path, limit: int = MAX_SUBMISSION_BYTES) -> Submission:
    """The bytes of the regular file at ``path``, at most ``limit`` of them; never follows a
    link, never blocks on a pipe or a device."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            return Submission(
                None, message(f"grade.detail.not_a_file.{_kind(info.st_mode)}"), info.st_mtime
            )
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        return Submission(
            None, message("grade.detail.unreadable", error=error.strerror or type(error).__name__)
        )
    with os.fdopen(handle, "rb") as stream:
        opened = os.fstat(stream.fileno())
        if not stat.S_ISREG(opened.st_mode):  # replaced between the two looks
            return Submission(None, message(f"grade.detail.not_a_file.{_kind(opened.st_mode)}"))
        if opened.st_size > limit:
            return Submission(None, message("grade.detail.too_large"), opened.st_mtime)
        try:
            content = stream.read(limit + 1)
        except OSError as error:
            return Submission(
                None,
                message("grade.detail.unreadable", error=error.strerror or type(error).__name__),
            )
    if len(content) > limit:
        return Submission(None, message("grade.detail.too_large"), opened.st_mtime)
    return Submission(content, "", opened.st_mtime)


def submissions_in(paths: list[Path]) -> list[Path]:
    """The submissions that ``paths`` name: a folder stands for the ``.ipynb`` entries in it
    (sorted by name, whatever kind of file each is: each gets its row), anything else for
    itself."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            with os.scandir(path) as entries:
                found += sorted(
                    (
                        Path(entry.path)
                        for entry in entries
                        if entry.name.lower().endswith(".ipynb")
                    ),
                    key=str,
                )
        else:
            found.append(path)
    return found
