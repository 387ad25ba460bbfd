"""Progress that is never lost: every checked answer is an attempt, kept in SQLite.

Each usable answer a learner checks, right or wrong, becomes one row of the attempts database (see
:mod:`tipcourse.engine._sqlite`, which keeps it safe): learner, item id, kind, section, correct,
score and the time in UTC. Learner code never sees an exception from :func:`record_attempt`.

Rules, chosen once:

* **Learner**: :func:`set_learner`'s choice, else ``$TIPCOURSE_LEARNER``, else the operating
  system's user name, else ``"learner"``. ``attempts(learner="all")`` means every learner, so
  ``"all"`` cannot be a learner's name.
* **Correct**: an item counts as correct when its *best* attempt is correct (later wrong tries
  do not take a success away).
* **Score**: each item is worth 1 point and earns its best score (0 to 1); a section's score is
  the sum of those best scores over the items answered.

Importing this module loads only the standard library; pandas loads when a table is asked for.
The dashboard that shows this progress is :mod:`tipcourse.views.dashboard`.
"""

from __future__ import annotations

import getpass
import math
import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from ..report._parse import SECTION_NAMES
from ..report.messages import message
from ._sqlite import (
    Store,
    current_store,
    database_path,
    empty_into_backup,
    flush,
    home,
    insert_new,
    note_own_change,
    one_line_error,
    say,
    stored_rows,
    warn_once,
)

__all__ = [
    "ALL_LEARNERS",
    "add_attempts",
    "attempts",
    "current_learner",
    "database_path",
    "home",
    "record_attempt",
    "reset",
    "set_learner",
    "summary",
]

#: Pass as ``learner`` to :func:`attempts` or :func:`summary` to include every learner.
ALL_LEARNERS = "all"
COLUMNS = ("learner", "item_id", "kind", "section", "correct", "score", "time")

Done = TypeVar("Done")
_lock = threading.RLock()
_chosen_learner: str | None = None


# -- who ----------------------------------------------------------------------------------------


def current_learner() -> str:
    """Who is answering: set_learner's choice, else $TIPCOURSE_LEARNER, else the OS user."""
    if _chosen_learner:
        return _chosen_learner
    from_environment = os.environ.get("TIPCOURSE_LEARNER", "").strip()
    if from_environment:
        return from_environment
    try:
        user = getpass.getuser().strip()
    except Exception:  # no user name in the environment or the password database
        user = ""
    return user or "learner"


def set_learner(name: str | None) -> None:
    """Record and show attempts under ``name`` from now on; ``None`` goes back to the default."""
    global _chosen_learner
    if name is None:
        _chosen_learner = None
        return
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned or cleaned.lower() == ALL_LEARNERS:
        say(message("progress.learner_invalid", given=repr(name), learner=current_learner()))
        return
    _chosen_learner = cleaned


# -- recording and reading ----------------------------------------------------------------------


def _row(item_id: Any, section: Any, correct: Any, score: Any, kind: Any, learner: Any) -> tuple:
    """One attempt as stored, with every field made usable whatever the caller passed."""
    is_correct = bool(correct)
    try:
        points = float(score)
    except (TypeError, ValueError):
        points = math.nan
    if not math.isfinite(points):
        points = 1.0 if is_correct else 0.0
    points = min(1.0, max(0.0, points))
    who = (str(learner).strip() if learner is not None else "") or current_learner()
    when = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    return (who, str(item_id), str(kind), str(section), int(is_correct), points, when)


def record_attempt(
    item_id: str,
    section: str,
    correct: bool,
    score: float,
    kind: str = "question",
    learner: str | None = None,
) -> None:
    """Record one checked answer. Never raises: a failure warns once and keeps it in memory."""
    store = None
    try:
        row = _row(item_id, section, correct, score, kind, learner)
        with _lock:
            store = current_store()
            store.pending.append(row)
            flush(store)
    except Exception as error:  # anything unforeseen: the attempt, if made, stays in memory
        if store is None:
            error_text = one_line_error(error)
            say(message("progress.not_saved_yet", path=database_path(), error=error_text))
        else:
            warn_once(store, "progress.not_saved_yet", path=store.path, error=one_line_error(error))


def _rows(learner: str | None) -> list[tuple]:
    who = current_learner() if learner is None else str(learner).strip()
    with _lock:
        store = current_store()
        try:
            rows = stored_rows(store)
        except Exception as error:  # reading progress must not break the learner's notebook
            warn_once(store, "progress.cannot_read", path=store.path, error=one_line_error(error))
            rows = list(store.pending)
    if who.lower() != ALL_LEARNERS:
        rows = [row for row in rows if row[0] == who]
    return sorted(rows, key=lambda row: row[6])


def attempts(learner: str | None = None):
    """The recorded attempts as a pandas DataFrame, oldest first.

    The current learner's by default; ``learner="all"`` gives every learner's. Columns:
    learner, item_id, kind, section, correct (bool), score (float, 0 to 1), time (UTC).
    """
    import pandas as pd

    frame = pd.DataFrame(_rows(learner), columns=list(COLUMNS))
    frame = frame.astype({"correct": bool, "score": float})
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame


def summary(learner: str | None = None, totals: dict[str, int] | None = None):
    """One row per section, in course order: items answered, items correct, score, available.

    ``answered`` counts distinct items with at least one attempt; ``correct`` the items whose
    best attempt is correct; ``score`` adds up each answered item's best score (1 point per
    item); ``available`` is taken from ``totals`` ({section: number of items}) when given.
    Sections outside the course's six come last, so no attempt is hidden.
    """
    import pandas as pd

    frame = attempts(learner)
    best = frame.groupby(["section", "item_id"]).agg(
        correct=("correct", "max"), score=("score", "max")
    )
    per_section = best.groupby(level="section").agg(
        answered=("correct", "size"), correct=("correct", "sum"), score=("score", "sum")
    )
    extra = sorted(set(per_section.index) - set(SECTION_NAMES))
    table = per_section.reindex(list(SECTION_NAMES) + extra, fill_value=0)
    table.index.name = "section"
    table = table.reset_index().astype({"answered": int, "correct": int, "score": float})
    available = [(totals or {}).get(section) for section in table["section"]]
    table["available"] = pd.array(available, dtype="Int64")
    return table


# -- attempts made elsewhere --------------------------------------------------------------------


def add_attempts(rows: list[tuple], learner: str) -> tuple[int, int]:
    """Add attempts made elsewhere (the course website), each keeping its own time.

    ``rows`` are ``(item_id, kind, section, correct, score, time)`` with the time as the store
    writes it (UTC ISO 8601, to the microsecond). An attempt already stored for ``learner``
    (same item, time and score) is not added again, so adding the same rows twice adds nothing.
    All are written in one transaction, or none. Returns (added, already there). Raises
    ValueError for a name that cannot be a learner's and OSError, with a message saying what
    to do, when the home cannot be written; then nothing changes.
    """
    who = learner.strip() if isinstance(learner, str) else ""
    if not who or who.lower() == ALL_LEARNERS:
        raise ValueError(message("progress.import_learner_invalid", given=repr(learner)))
    stored = [
        (who, str(item), str(kind), str(section), int(bool(correct)), float(score), str(when))
        for item, kind, section, correct, score, when in rows
    ]
    added = _in_one_transaction("import", lambda store: insert_new(store, stored))
    return added, len(stored) - added


# -- starting again -----------------------------------------------------------------------------


def reset(backup: bool = True) -> Path | None:
    """Start everyone's progress in this home again, keeping the old attempts in a backup.

    The attempts are copied into ``attempts-backup-<time>.db`` beside the database (same
    table, readable with sqlite3) and then removed, in one write transaction, so a notebook
    recording at that moment loses nothing. Returns the backup's path, or None when there was
    nothing to reset or ``backup`` is False. Raises OSError, with a message saying what to do,
    when the home cannot be written; then nothing changes.
    """
    return _in_one_transaction("reset", lambda store: empty_into_backup(store, backup))


def _in_one_transaction(action: str, write: Callable[[Store], Done]) -> Done:
    """``write(store)``, one write transaction on the database, or an OSError saying why not.

    ``action`` ("reset", "import") names the messages ``progress.<action>_unwritable``,
    ``_busy`` and ``_failed``, each saying that nothing was changed.
    """
    with _lock:
        store = current_store()
        flush(store)
        if store.memory_only:
            raise OSError(message(f"progress.{action}_unwritable", folder=store.path.parent))
        if store.pending:
            raise OSError(message(f"progress.{action}_busy", path=store.path))
        try:
            done = write(store)
        except (OSError, sqlite3.Error) as error:
            store.close()
            reason = one_line_error(error)
            raise OSError(
                message(f"progress.{action}_failed", path=store.path, error=reason)
            ) from error
        if store.memory_only:  # the database could not be opened for writing after all
            raise OSError(message(f"progress.{action}_unwritable", folder=store.path.parent))
        note_own_change(store)
        return done
