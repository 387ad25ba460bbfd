"""Progress files from the course website, read without trusting them, and imported.

The static website edition of the course keeps a learner's checked answers in the browser and
offers "download my progress": a JSON file whose format is written down in
``docs/progress-file.md``. A learner can edit that file, so what it says is self-reported:
:func:`read_progress_file` checks everything before anything is used (its size before it is read,
UTF-8 JSON, the exact fields and their types, the format's name and version, how many attempts,
bounded texts, times, a status that goes with its score) and refuses a file that fails any check
with one :class:`ProgressFileError` whose message names the file and says what to do. An attempt
of an item the course bank does not have (a newer edition of the site) is skipped and counted,
never fatal. :func:`import_progress` merges a file's attempts into the attempts store
(:mod:`tipcourse.engine._store`), keeping their times; ``tipcourse analyze --receipts`` reads a
folder of them (:mod:`tipcourse.instructor._analyze`).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NoReturn

from ..report.messages import LANGUAGES, message
from ._questions import questions
from ._store import add_attempts, current_learner
from .compare import MAX_TEXT_LENGTH

__all__ = [
    "FORMAT",
    "MAX_ATTEMPTS",
    "MAX_BYTES",
    "VERSION",
    "Imported",
    "PracticeAttempt",
    "ProgressFile",
    "ProgressFileError",
    "import_progress",
    "read_progress_file",
]

FORMAT = "tipcourse-progress"
VERSION = 1
MAX_BYTES = 20 * 1024 * 1024
MAX_ATTEMPTS = 100_000
MAX_NAME = 200  # characters of the learner's name
MAX_ID = 100  # characters of an item id, a section or a kind
MAX_ANSWER = MAX_TEXT_LENGTH  # characters of a typed answer: the longest a check reads
MAX_LETTERS = 50  # option letters in one answer
MAX_LETTER = 10  # characters of one option letter
FIELDS = ("format", "version", "language", "learner", "exported", "attempts")
ATTEMPT_FIELDS = ("item", "section", "kind", "time", "status", "score", "answer")
KINDS = ("question",)  # the website has no Python: it checks questions only
STATUSES = ("correct", "partial", "incorrect")
#: ISO 8601 with an offset, as JavaScript's ``Date.toISOString()`` writes it (and a bit more).
_TIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)", re.ASCII
)

Answer = str | bool | tuple[str, ...]


class ProgressFileError(ValueError):
    """A progress file that cannot be used; the message names the file and says what to do."""


@dataclass(frozen=True)
class PracticeAttempt:
    """One checked answer from a progress file; ``section`` is the course bank's, ``time`` UTC."""

    item: str
    section: str
    kind: str
    time: datetime
    status: str
    score: float
    answer: Answer

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def stored_time(self) -> str:
        """The time as the attempts store writes its own: UTC, to the microsecond."""
        return self.time.isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ProgressFile:
    """A progress file that passed every check: its attempts of the course's items, in order."""

    path: Path
    language: str
    learner: str  # "" when the learner typed no name
    exported: datetime
    attempts: tuple[PracticeAttempt, ...]
    unknown: int  # attempts of items the course bank does not have, skipped


@dataclass(frozen=True)
class Imported:
    """What :func:`import_progress` did: attempts added, already in the store, skipped."""

    path: Path
    learner: str
    added: int
    present: int
    unknown: int


# -- reading ------------------------------------------------------------------------------------


class _Checker:
    """The checks of one file, each failure raised as a ProgressFileError that names it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, **values: object) -> NoReturn:
        raise ProgressFileError(message(key, path=self.path, **values))

    def where(self, number: int | None) -> str:
        if number is None:
            return message("receipt.where.file", path=self.path)
        return message("receipt.where.attempt", path=self.path, number=number)

    def bad(self, number: int | None, field: str, expected: str, **values: object) -> NoReturn:
        wanted = message("receipt.expect." + expected, **values)
        self.fail("receipt.bad_field", where=self.where(number), field=field, expected=wanted)

    def fields(self, data: Any, names: tuple[str, ...], number: int | None) -> dict[str, Any]:
        """``data`` as a JSON object with exactly the fields ``names``."""
        if not isinstance(data, dict):
            if number is None:
                self.fail("receipt.not_progress")
            self.fail("receipt.not_an_attempt", where=self.where(number), fields=", ".join(names))
        missing = [name for name in names if name not in data]
        if missing:
            self.fail("receipt.missing_field", where=self.where(number), field=missing[0])
        extra = sorted(name for name in data if name not in names)
        if extra:
            shown = extra[0][:MAX_ID]
            self.fail("receipt.unknown_field", where=self.where(number), field=shown)
        return data

    def text(self, value: Any, number: int | None, field: str, limit: int) -> str:
        if not isinstance(value, str) or len(value) > limit:
            self.bad(number, field, "text", limit=limit)
        return value

    def one_of(self, value: Any, number: int | None, field: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in choices:
            shown = ", ".join(f'"{choice}"' for choice in choices)
            self.bad(number, field, "choice", choices=shown)
        return value

    def time(self, value: Any, number: int | None, field: str) -> datetime:
        found = _TIME.fullmatch(value) if isinstance(value, str) and len(value) <= 40 else None
        try:
            if found is None:
                raise ValueError(value)
            year, month, day, hour, minute, second = (int(part) for part in found.groups()[:6])
            fraction = int((found.group(7) or "0").ljust(6, "0")[:6])
            zone = found.group(8)
            offset = (
                timedelta(0)
                if zone == "Z"
                else (1 if zone[0] == "+" else -1)
                * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
            )
            moment = datetime(year, month, day, hour, minute, second, fraction, timezone(offset))
            return moment.astimezone(timezone.utc)
        except (ValueError, OverflowError):
            self.bad(number, field, "time")

    def score(self, value: Any, number: int, status: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.bad(number, "score", "score")
        score = float(value)
        if not math.isfinite(score) or not 0 <= score <= 1:
            self.bad(number, "score", "score")
        consistent = {"correct": score == 1, "incorrect": score == 0}.get(status, 0 < score < 1)
        if not consistent:
            self.fail(
                "receipt.inconsistent", where=self.where(number), status=status, score=f"{score:g}"
            )
        return score

    def answer(self, value: Any, number: int) -> Answer:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and len(value) <= MAX_ANSWER:
            return value
        if (
            isinstance(value, list)
            and len(value) <= MAX_LETTERS
            and all(isinstance(part, str) and len(part) <= MAX_LETTER for part in value)
        ):
            return tuple(value)
        self.bad(number, "answer", "answer", limit=MAX_ANSWER, letters=MAX_LETTERS)

    def attempt(self, data: Any, number: int, sections: dict[str, str]) -> PracticeAttempt | None:
        """One attempt, or None when its item is not in the course bank."""
        entry = self.fields(data, ATTEMPT_FIELDS, number)
        item = self.text(entry["item"], number, "item", MAX_ID)
        self.text(entry["section"], number, "section", MAX_ID)
        kind = self.one_of(entry["kind"], number, "kind", KINDS)
        when = self.time(entry["time"], number, "time")
        status = self.one_of(entry["status"], number, "status", STATUSES)
        score = self.score(entry["score"], number, status)
        answer = self.answer(entry["answer"], number)
        if item not in sections:
            return None
        return PracticeAttempt(item, sections[item], kind, when, status, score, answer)


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a field appears twice in one object")
    return found


def _content(checker: _Checker) -> Any:
    """The file's JSON, read only if it is a regular file of at most MAX_BYTES."""
    path = checker.path
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            checker.fail("receipt.not_a_file")
        if info.st_size > MAX_BYTES:
            checker.fail("receipt.too_big", limit=MAX_BYTES // (1024 * 1024))
        with open(path, "rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        checker.fail("receipt.missing")
    except OSError as error:
        checker.fail("receipt.unreadable", error=error.strerror or type(error).__name__)
    if len(raw) > MAX_BYTES:  # grew after it was measured
        checker.fail("receipt.too_big", limit=MAX_BYTES // (1024 * 1024))
    try:
        return json.loads(
            raw.decode("utf-8-sig"),
            parse_constant=_refuse_constant,
            object_pairs_hook=_no_duplicates,
        )
    except UnicodeDecodeError:
        checker.fail("receipt.not_utf8")
    except (ValueError, RecursionError) as error:
        checker.fail("receipt.not_json", error=str(error)[:120])


def _course_sections() -> dict[str, str]:
    """The section of each question of the course bank, by id."""
    return {question.id: question.section for question in questions()}


def read_progress_file(path: str | Path) -> ProgressFile:
    """The attempts of one progress file, every field checked (``docs/progress-file.md``).

    Raises ProgressFileError, naming the file and what to do, for anything that is not a
    version-1 progress file as the course website writes it. Attempts of items the course bank
    does not have are skipped and counted in ``unknown``.
    """
    checker = _Checker(Path(path))
    data = _content(checker)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        checker.fail("receipt.not_progress")
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        checker.fail("receipt.newer_version", version=version, supported=VERSION)
    entries = checker.fields(data, FIELDS, None)
    if type(version) is not int or version != VERSION:
        checker.bad(None, "version", "version", version=VERSION)
    language = checker.one_of(entries["language"], None, "language", LANGUAGES)
    learner = checker.text(entries["learner"], None, "learner", MAX_NAME).strip()
    exported = checker.time(entries["exported"], None, "exported")
    listed = entries["attempts"]
    if not isinstance(listed, list):
        checker.bad(None, "attempts", "list")
    if len(listed) > MAX_ATTEMPTS:
        checker.fail("receipt.too_many", count=len(listed), limit=MAX_ATTEMPTS)
    sections = _course_sections()
    read = [checker.attempt(entry, number, sections) for number, entry in enumerate(listed, 1)]
    kept = tuple(attempt for attempt in read if attempt is not None)
    return ProgressFile(checker.path, language, learner, exported, kept, len(read) - len(kept))


# -- importing ----------------------------------------------------------------------------------


def import_progress(path: str | Path, learner: str | None = None) -> Imported:
    """Merge a progress file's attempts into ``learner``'s progress (default: the current
    learner's), each with its own time; attempts already stored are not added again.

    Raises ProgressFileError for a file that cannot be used, ValueError for a name that cannot
    be a learner's, and OSError when the store cannot be written; then nothing is imported.
    """
    progress = read_progress_file(path)
    rows = [
        (
            attempt.item,
            attempt.kind,
            attempt.section,
            attempt.correct,
            attempt.score,
            attempt.stored_time(),
        )
        for attempt in progress.attempts
    ]
    who = current_learner() if learner is None else learner
    added, present = add_attempts(rows, who)
    return Imported(progress.path, who.strip(), added, present, progress.unknown)
