"""The instructor's files as text: one CSV reader, one learner key, and writes that complete.

Every CSV that ``tipcourse`` reads back (the gradebook and its responses for ``analyze``, the
manual-grading sheet for ``grade --manual``, an LMS export for ``--lms-gradebook``) goes through
:func:`read_rows`: UTF-8 with or without a byte-order mark, any field length the writers can
write, and one :class:`CsvProblem` that says why a file cannot be read. Every file the grader
writes goes through :func:`write_text`: the text is escaped where UTF-8 cannot hold it (a lone
surrogate, a file name that was not UTF-8), written to a temporary name beside the target and
renamed into place, so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from ..report._text import one_line

__all__ = ["CsvProblem", "csv_text", "learner_key", "read_rows", "safe_text", "shown", "write_text"]

#: What a CSV field may hold when read back: far more than any text a writer puts in one.
FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class CsvProblem(ValueError):
    """A CSV file that cannot be read: ``reason`` is "missing", "unreadable" or "not_csv"."""

    def __init__(self, reason: str, path: Path, error: object = "") -> None:
        super().__init__(f"{path}: {reason} {error}".strip())
        self.reason = reason
        self.path = path
        self.error = error


def safe_text(text: str) -> str:
    """``text`` with what UTF-8 cannot hold (lone surrogates) written as ``\\udXXX`` escapes."""
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def shown(name: object) -> str:
    """A name as printed: surrogates and control characters (a terminal's escapes, new lines,
    direction marks) written as escapes, so a file name cannot draw on the instructor's screen."""
    return _CONTROL.sub(
        lambda found: (
            f"\\x{ord(found.group()):02x}"
            if ord(found.group()) < 256
            else f"\\u{ord(found.group()):04x}"
        ),
        safe_text(str(name)),
    )


def learner_key(learner: str) -> str:
    """The form in which two learner ids are the same learner: Unicode NFKC, spaces trimmed and
    collapsed, case folded (``" S0042@UNI.EXAMPLE "`` is ``s0042@uni.example``)."""
    return one_line(unicodedata.normalize("NFKC", learner)).casefold()


def read_rows(path: Path) -> tuple[list[list[str]], bool]:
    """The rows of the CSV at ``path`` and whether it began with a byte-order mark.

    Raises :class:`CsvProblem` for a file that is missing, cannot be read, is not UTF-8 text
    or is not CSV (a NUL byte, a broken quote).
    """
    csv.field_size_limit(FIELD_LIMIT)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise CsvProblem("missing", path, error) from None
    except OSError as error:
        raise CsvProblem("unreadable", path, error.strerror or error) from None
    try:
        text = raw.decode("utf-8-sig")
        if "\0" in text:
            raise csv.Error("a NUL byte")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error) as error:
        raise CsvProblem("not_csv", path, error) from None
    return rows, raw.startswith(b"\xef\xbb\xbf")


def csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV text, every field made writable (see :func:`safe_text`)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([[safe_text(str(cell)) for cell in row] for row in rows])
    return buffer.getvalue()


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` whole or not at all: a temporary file beside it, then a rename.

    What the encoding cannot hold is escaped. Raises OSError (the target left as it was).
    """
    data = safe_text(text).encode(encoding, "backslashreplace")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name[:80]}.", suffix=".part", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
