"""Progress that is never lost: every checked answer is an attempt, kept in SQLite.

Each usable answer a learner checks, right or wrong, becomes one row of ``attempts.db`` in
``$TIPCOURSE_HOME`` (default ``~/.tipcourse``): learner, item id, kind, section, correct, score
and the time in UTC. The store is built to survive real conditions:

* every attempt is committed at once (WAL journal, ``synchronous=FULL``), so a restarted kernel
  or a killed process loses nothing already recorded;
* several notebooks may write at the same time: SQLite serialises them and waits up to 30 s;
* a damaged database file is moved aside as ``attempts.db.corrupt-<time>`` (never deleted), with
  a one-line warning, and a fresh one is started;
* a home that cannot be written keeps the attempts in memory for the rest of the process, with a
  one-line warning; a database that is only busy keeps them in memory until the next write.

Warnings are printed as one line on standard error (not ``warnings.warn``, whose output adds a
file name and a source line and which can be turned into exceptions): learner code never sees
an exception from :func:`record_attempt`.

Rules, chosen once:

* **Learner**: :func:`set_learner`'s choice, else ``$TIPCOURSE_LEARNER``, else the operating
  system's user name, else ``"learner"``. ``attempts(learner="all")`` means every learner, so
  ``"all"`` cannot be a learner's name.
* **Correct**: an item counts as correct when its *best* attempt is correct (later wrong tries
  do not take a success away).
* **Score**: each item is worth 1 point and earns its best score (0 to 1); a section's score is
  the sum of those best scores over the items answered.

Importing this module loads only the standard library; pandas and ipywidgets load when used.
Note that ``tipcourse.progress`` is the *function* :func:`progress`; reach this module with
``from tipcourse.progress import record_attempt`` or ``importlib.import_module``.
"""

from __future__ import annotations

import atexit
import getpass
import html
import math
import os
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import kernel
from .messages import message
from .report import SECTION_NAMES

__all__ = [
    "ALL_LEARNERS",
    "ProgressReport",
    "attempts",
    "course_totals",
    "current_learner",
    "database_path",
    "home",
    "progress",
    "record_attempt",
    "reset",
    "set_learner",
    "summary",
]

#: Pass as ``learner`` to :func:`attempts` or :func:`summary` to include every learner.
ALL_LEARNERS = "all"
COLUMNS = ("learner", "item_id", "kind", "section", "correct", "score", "time")
DATABASE_NAME = "attempts.db"
BUSY_TIMEOUT_SECONDS = 30.0
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS attempts ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, learner TEXT NOT NULL, item_id TEXT NOT NULL,"
    " kind TEXT NOT NULL, section TEXT NOT NULL, correct INTEGER NOT NULL,"
    " score REAL NOT NULL, time TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS attempts_by_learner ON attempts (learner, time)",
)
_INSERT = (
    "INSERT INTO attempts (learner, item_id, kind, section, correct, score, time)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_SELECT = "SELECT learner, item_id, kind, section, correct, score, time FROM attempts"
# SQLite's primary result codes, by kind of failure.
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_UNWRITABLE_CODES = {3, 8, 14, 23}  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_AUTH

_lock = threading.RLock()
_chosen_learner: str | None = None


# -- where and who ------------------------------------------------------------------------------


def home() -> Path:
    """The folder that holds the learner's progress: ``$TIPCOURSE_HOME``, else ``~/.tipcourse``."""
    chosen = os.environ.get("TIPCOURSE_HOME", "").strip()
    return Path(chosen).expanduser() if chosen else Path.home() / ".tipcourse"


def database_path() -> Path:
    """The attempts database inside :func:`home`."""
    return home() / DATABASE_NAME


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
        _say(message("progress.learner_invalid", given=repr(name), learner=current_learner()))
        return
    _chosen_learner = cleaned


# -- the store of one home, in this process -----------------------------------------------------


@dataclass
class _Store:
    """The attempts database of one home as this process sees it, and what it could not save."""

    path: Path
    pid: int = field(default_factory=os.getpid)
    connection: sqlite3.Connection | None = None
    identity: tuple[int, int] | None = None  # (device, inode) of the open file
    signature: tuple[int, int] | None = None  # (size, mtime) after this process last used it
    memory_only: bool = False
    pending: list[tuple] = field(default_factory=list)  # attempts not yet in the database
    warned: set[str] = field(default_factory=set)

    def close(self) -> None:
        if self.connection is not None and self.pid == os.getpid():
            try:
                self.connection.close()
            except sqlite3.Error:
                pass
        self.connection = None
        self.identity = self.signature = None


_stores: dict[Path, _Store] = {}


def _store() -> _Store:
    """The store for the current home; a forked child starts its own, without the parent's."""
    path = database_path()
    store = _stores.get(path)
    if store is None or store.pid != os.getpid():
        if store is not None:
            store.connection = None  # a connection must not cross a fork; the parent keeps it
        for other in _stores.values():
            if other is not store:
                other.close()  # the home changed: keep only one connection open
        store = _stores[path] = _Store(path)
    return store


@atexit.register
def _close_all() -> None:
    for store in _stores.values():
        store.close()


def _say(text: str) -> None:
    """Print one line on standard error; never fail."""
    try:
        print(" ".join(text.split()), file=sys.stderr, flush=True)
    except Exception:  # a closed or broken stderr must not break the learner's code
        pass


def _warn_once(store: _Store, key: str, **values: object) -> None:
    if key not in store.warned:
        store.warned.add(key)
        _say(message(key, **values))


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _failure(error: BaseException) -> str:
    """What a failure means for the store: "corrupt", "unwritable" or "busy" (try again later)."""
    if isinstance(error, OSError):
        return "unwritable"
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        code &= 0xFF
        if code in _CORRUPT_CODES:
            return "corrupt"
        if code in _UNWRITABLE_CODES:
            return "unwritable"
        return "busy"
    text = str(error).lower()  # Python 3.10 has no sqlite_errorcode
    if type(error) is sqlite3.DatabaseError or "malformed" in text or "not a database" in text:
        return "corrupt"
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return "unwritable"
    return "busy"


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _looks_sound(path: Path) -> bool:
    """Whether the file at ``path`` is a readable SQLite database that passes a quick check."""
    try:
        with open(path, "rb") as file:
            header = file.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return True
    if header and header != _SQLITE_MAGIC:
        return False
    try:
        checker = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            return checker.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        finally:
            checker.close()
    except sqlite3.DatabaseError as error:
        return _failure(error) != "corrupt"  # busy or unopenable: opening it says what to do


def _timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _free_name(folder: Path, stem: str, ending: str = "") -> Path:
    """``folder/stem+ending``, or with -2, -3, ... after ``stem``, whichever does not exist yet."""
    candidate, number = folder / f"{stem}{ending}", 1
    while candidate.exists() or Path(f"{candidate}-wal").exists():
        number += 1
        candidate = folder / f"{stem}-{number}{ending}"
    return candidate


def _move_aside(store: _Store, identity: tuple[int, int] | None) -> None:
    """Rename a damaged database and its journal files aside, unless another process did."""
    store.close()
    now = _stat(store.path)
    if now is None or (identity is not None and (now.st_dev, now.st_ino) != identity):
        return  # someone else moved it aside already; the file there now is another one
    moved = _free_name(store.path.parent, f"{store.path.name}.corrupt-{_timestamp()}")
    try:
        os.rename(store.path, moved)
    except FileNotFoundError:
        return  # another process moved it aside a moment ago
    for suffix in ("-wal", "-shm"):
        journal = Path(f"{store.path}{suffix}")
        if journal.exists():
            os.rename(journal, Path(f"{moved}{suffix}"))
    _say(message("progress.corrupt_moved", moved=moved))


def _go_memory(store: _Store, error: BaseException) -> None:
    store.close()
    store.memory_only = True
    _warn_once(store, "progress.unwritable", folder=store.path.parent, error=_one_line(error))


def _open(path: Path) -> sqlite3.Connection:
    """Connect, switch to WAL and make sure the table exists.

    Two processes creating the database at once can get "database is locked" from the switch to
    WAL without SQLite's busy timeout applying, so the set-up is retried until that timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.005
    while True:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            for statement in _SCHEMA:
                connection.execute(statement)
            return connection
        except sqlite3.OperationalError as error:
            connection.close()
            if _failure(error) != "busy" or time.monotonic() + pause > deadline:
                raise
        except BaseException:
            connection.close()
            raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _connect(store: _Store) -> sqlite3.Connection | None:
    """An open connection to a sound database, or None when the home cannot be written.

    The file is checked again whenever it changed behind this process's back: replaced (moved
    aside by another process) or rewritten (a checkpoint, or damage).
    """
    if store.memory_only:
        return None
    for _ in range(3):
        identity = store.identity
        try:
            store.path.parent.mkdir(parents=True, exist_ok=True)
            now = _stat(store.path)
            identity = (now.st_dev, now.st_ino) if now else None
            signature = (now.st_size, now.st_mtime_ns) if now else None
            if store.connection is not None and identity == store.identity:
                if signature == store.signature:
                    return store.connection
                if _looks_sound(store.path):
                    store.signature = signature
                    return store.connection
                _move_aside(store, identity)
                continue
            store.close()
            if now is not None and not _looks_sound(store.path):
                _move_aside(store, identity)
                continue
            store.connection = _open(store.path)
            now = _stat(store.path)
            store.identity = (now.st_dev, now.st_ino) if now else None
            store.signature = (now.st_size, now.st_mtime_ns) if now else None
            return store.connection
        except (OSError, sqlite3.Error) as error:
            kind = _failure(error)
            if kind == "corrupt":
                _move_aside(store, identity)
                continue
            if kind == "unwritable":
                _go_memory(store, error)
                return None
            store.close()
            raise
    raise sqlite3.OperationalError("the progress database failed its check three times in a row")


def _note_own_change(store: _Store) -> None:
    """Remember the file as this process left it, so only others' changes trigger a check."""
    now = _stat(store.path)
    store.signature = (now.st_size, now.st_mtime_ns) if now else None


def _flush(store: _Store) -> None:
    """Write the pending attempts in one transaction; on failure keep them and say why, once."""
    for _ in range(3):
        if not store.pending or store.memory_only:
            return
        try:
            connection = _connect(store)
            if connection is None:
                return
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany(_INSERT, store.pending)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            store.pending.clear()
            store.warned.discard("progress.not_saved_yet")
            _note_own_change(store)
            return
        except (OSError, sqlite3.Error) as error:
            kind = _failure(error)
            if kind == "corrupt":
                _move_aside(store, store.identity)
                continue
            if kind == "unwritable":
                _go_memory(store, error)
                return
            store.close()
            _warn_once(store, "progress.not_saved_yet", path=store.path, error=_one_line(error))
            return


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
            store = _store()
            store.pending.append(row)
            _flush(store)
    except Exception as error:  # anything unforeseen: the attempt, if made, stays in memory
        if store is None:
            _say(message("progress.not_saved_yet", path=database_path(), error=_one_line(error)))
        else:
            _warn_once(store, "progress.not_saved_yet", path=store.path, error=_one_line(error))


def _read_only_rows(path: Path) -> list[tuple]:
    """The rows of a database this process cannot write, if it can at least read them."""
    try:
        if _stat(path) is None:
            return []
        reader = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            return reader.execute(_SELECT + " ORDER BY time, id").fetchall()
        finally:
            reader.close()
    except (OSError, sqlite3.Error, ValueError):
        return []


def _stored_rows(store: _Store) -> list[tuple]:
    """Every attempt in the database followed by those still in memory, oldest first."""
    _flush(store)
    if store.memory_only:
        return _read_only_rows(store.path) + list(store.pending)
    for _ in range(3):
        try:
            connection = _connect(store)
            if connection is None:
                return _read_only_rows(store.path) + list(store.pending)
            rows = connection.execute(_SELECT + " ORDER BY time, id").fetchall()
            return rows + list(store.pending)
        except (OSError, sqlite3.Error) as error:
            if _failure(error) == "corrupt":
                _move_aside(store, store.identity)
                continue
            store.close()
            _warn_once(store, "progress.cannot_read", path=store.path, error=_one_line(error))
            break
    return list(store.pending)


def _rows(learner: str | None) -> list[tuple]:
    who = current_learner() if learner is None else str(learner).strip()
    with _lock:
        store = _store()
        try:
            rows = _stored_rows(store)
        except Exception as error:  # reading progress must not break the learner's notebook
            _warn_once(store, "progress.cannot_read", path=store.path, error=_one_line(error))
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


# -- showing progress ---------------------------------------------------------------------------


def _section_title(section: str) -> str:
    return message(f"progress.section.{section}") if section in SECTION_NAMES else section


def _number(value: float) -> str:
    return f"{value:.1f}"


def _known(value: object) -> bool:
    """Whether a count from the ``available`` column is there (not missing)."""
    import pandas as pd

    return value is not None and not pd.isna(value)


class ProgressReport:
    """A snapshot of a learner's progress: a dashboard in a notebook, a table elsewhere.

    The text and Markdown forms hold no time, address or random id, so a notebook's saved
    output is the same on every run.
    """

    def __init__(self, table, learner: str, own: bool = False) -> None:
        self.table = table
        self.learner = learner
        self.own = own  # the current learner's own progress: titled "Your progress"

    def title(self) -> str:
        if self.own:
            return message("progress.title_own")
        if self.learner.lower() == ALL_LEARNERS:
            return message("progress.title_all")
        return message("progress.title", learner=self.learner)

    def _has_totals(self) -> bool:
        return bool(self.table["available"].notna().any())

    def rows(self) -> list[list[str]]:
        """The table's cells as text: a header row, then one row per section."""
        keys = ["section", "answered", "correct", "score"]
        keys += ["available"] if self._has_totals() else []
        header = [message(f"progress.column.{key}") for key in keys]
        body = []
        for record in self.table.itertuples(index=False):
            cells = [_section_title(record.section), str(record.answered), str(record.correct),
                     _number(record.score)]
            if self._has_totals():
                cells.append(str(record.available) if _known(record.available) else "-")
            body.append(cells)
        return [header] + body

    def _footer(self) -> list[str]:
        return [] if self.table["answered"].sum() else [message("progress.none_yet")]

    def text(self) -> str:
        """A plain-text table with aligned columns, for a terminal."""
        rows = self.rows()
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        lines = [self.title(), ""]
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [
                cell.rjust(width) for cell, width in zip(row[1:], widths[1:])
            ]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines + ["", *self._footer()]).rstrip()

    def markdown(self) -> str:
        """A Markdown table, for a notebook without widgets."""
        rows = self.rows()
        escape = str.maketrans({char: "\\" + char for char in "\\|*_`[]<>#"})
        lines = [f"**{self.title().translate(escape)}**", ""]
        lines.append("| " + " | ".join(cell.translate(escape) for cell in rows[0]) + " |")
        lines.append("|:--|" + "--:|" * (len(rows[0]) - 1))
        lines += [
            "| " + " | ".join(cell.translate(escape) for cell in row) + " |" for row in rows[1:]
        ]
        footer = self._footer()
        return "\n".join(lines + (["", *footer] if footer else []))

    def bar_label(self, record) -> str:
        """In words, what one section's bar shows."""
        values = {
            "answered": record.answered, "correct": record.correct, "score": _number(record.score)
        }
        if _known(record.available):
            return message("progress.bar_label_of", available=record.available, **values)
        return message("progress.bar_label", **values)

    def widget(self):
        """The dashboard: one labeled bar per section, with its numbers written beside it.

        A bar shows the section's score out of the items available, or out of the items
        answered until the number available is known.
        """
        import ipywidgets as widgets

        heading = widgets.HTML(value=f"<strong>{html.escape(self.title())}</strong>")
        lines = [heading]
        for record in self.table.itertuples(index=False):
            most = float(record.available if _known(record.available) else record.answered) or 1.0
            bar = widgets.FloatProgress(
                value=min(float(record.score), most),
                min=0.0,
                max=most,
                description=_section_title(record.section),
                tooltip=self.bar_label(record),  # else the label's hover text reads "null"
                style={"description_width": "11em"},
                layout=widgets.Layout(width="28em"),
            )
            words = widgets.Label(value=self.bar_label(record))
            lines.append(widgets.HBox([bar, words]))
        lines += [widgets.Label(value=line) for line in self._footer()]
        return widgets.VBox(lines)

    def __repr__(self) -> str:
        return self.text()

    def __str__(self) -> str:
        return self.text()

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/plain": self.text(), "text/markdown": self.markdown()}
        if kernel.in_kernel():
            try:
                view = self.widget()._repr_mimebundle_()
            except Exception:  # no ipywidgets, or no frontend for it: the table still shows
                view = {}
            bundle.update({kind: data for kind, data in view.items() if kind != "text/plain"})
        return bundle


def progress(learner: str | None = None, totals: dict[str, int] | None = None) -> ProgressReport:
    """Your progress per section: a dashboard in a notebook, a table in text.

    ``learner`` is the current learner by default (``"all"`` for everyone); ``totals`` gives
    the number of items available per section, by default the course's questions and exercises.
    """
    who = current_learner() if learner is None else str(learner).strip()
    table = summary(who, course_totals() if totals is None else totals)
    return ProgressReport(table, who, own=learner is None)


def course_totals() -> dict[str, int] | None:
    """How many questions and exercises each section has, or None when a bank cannot be read."""
    from .banks import BankError
    from .exercises import exercises
    from .questions import questions

    try:
        items = [*questions(), *exercises()]
    except BankError:  # the bank's own error shows when a question is used; progress still shows
        return None
    totals: dict[str, int] = {}
    for item in items:
        totals[item.section] = totals.get(item.section, 0) + 1
    return totals


# -- starting again -----------------------------------------------------------------------------


def _write_backup(target: Path, rows: list[tuple]) -> None:
    backup = sqlite3.connect(target, isolation_level=None)
    try:
        for statement in _SCHEMA:
            backup.execute(statement)
        backup.execute("BEGIN")
        backup.executemany(_INSERT, rows)
        backup.execute("COMMIT")
    finally:
        backup.close()


def reset(backup: bool = True) -> Path | None:
    """Start everyone's progress in this home again, keeping the old attempts in a backup.

    The attempts are copied into ``attempts-backup-<time>.db`` beside the database (same
    table, readable with sqlite3) and then removed, in one write transaction, so a notebook
    recording at that moment loses nothing. Returns the backup's path, or None when there was
    nothing to reset or ``backup`` is False. Raises OSError, with a message saying what to do,
    when the home cannot be written; then nothing changes.
    """
    with _lock:
        store = _store()
        _flush(store)
        if store.memory_only:
            raise OSError(message("progress.reset_unwritable", folder=store.path.parent))
        if store.pending:
            raise OSError(message("progress.reset_busy", path=store.path))
        try:
            target = _empty_into_backup(store, backup)
        except (OSError, sqlite3.Error) as error:
            store.close()
            said = message("progress.reset_failed", path=store.path, error=_one_line(error))
            raise OSError(said) from error
        if store.memory_only:  # the database could not be opened for writing after all
            raise OSError(message("progress.reset_unwritable", folder=store.path.parent))
        _note_own_change(store)
        return target


def _empty_into_backup(store: _Store, backup: bool) -> Path | None:
    """Copy every attempt into a new backup file and delete them, in one write transaction."""
    connection = _connect(store)
    if connection is None:
        return None
    target = None
    connection.execute("BEGIN IMMEDIATE")
    try:
        rows = connection.execute(_SELECT + " ORDER BY id").fetchall()
        if rows and backup:
            target = _free_name(store.path.parent, f"attempts-backup-{_timestamp()}", ".db")
            _write_backup(target, rows)
        if rows:
            connection.execute("DELETE FROM attempts")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        if target is not None and target.exists():
            target.unlink()  # our own half-written copy; the attempts are still in place
        raise
    return target
