"""The attempts database of one home, built to survive real conditions.

The file is ``attempts.db`` in ``$TIPCOURSE_HOME`` (default ``~/.tipcourse``):

* every attempt is committed at once (WAL journal, ``synchronous=FULL``), so a restarted kernel
  or a killed process loses nothing already recorded;
* several notebooks may write at the same time: SQLite serializes them and waits up to 30 s;
* a damaged database file is moved aside as ``attempts.db.corrupt-<time>`` (never deleted), with
  a one-line warning, and a fresh one is started;
* a home that cannot be written keeps the attempts in memory for the rest of the process, with a
  one-line warning; a database that is only busy keeps them in memory until the next write.

Warnings are printed as one line on standard error (not ``warnings.warn``, whose output adds a
file name and a source line and which can be turned into exceptions). This module uses only the
standard library; :mod:`tipcourse.engine._store` records and reads attempts through it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..report._text import one_line
from ..report.messages import message

__all__ = [
    "INSERT",
    "SCHEMA",
    "Store",
    "current_store",
    "database_path",
    "empty_into_backup",
    "flush",
    "home",
    "insert_new",
    "note_own_change",
    "one_line_error",
    "say",
    "told",
    "stored_rows",
    "warn_once",
]

DATABASE_NAME = "attempts.db"
BUSY_TIMEOUT_SECONDS = 30.0
_SQLITE_MAGIC = b"SQLite format 3\x00"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS attempts ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, learner TEXT NOT NULL, item_id TEXT NOT NULL,"
    " kind TEXT NOT NULL, section TEXT NOT NULL, correct INTEGER NOT NULL,"
    " score REAL NOT NULL, time TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS attempts_by_learner ON attempts (learner, time)",
)
INSERT = (
    "INSERT INTO attempts (learner, item_id, kind, section, correct, score, time)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_SELECT = "SELECT learner, item_id, kind, section, correct, score, time FROM attempts"
# SQLite's primary result codes, by kind of failure.
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_UNWRITABLE_CODES = {3, 8, 14, 23}  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_AUTH


# -- where --------------------------------------------------------------------------------------


def home() -> Path:
    """The folder that holds the learner's progress: ``$TIPCOURSE_HOME``, else ``~/.tipcourse``."""
    chosen = os.environ.get("TIPCOURSE_HOME", "").strip()
    return Path(chosen).expanduser() if chosen else Path.home() / ".tipcourse"


def database_path() -> Path:
    """The attempts database inside :func:`home`."""
    return home() / DATABASE_NAME


# -- the store of one home, in this process -----------------------------------------------------


@dataclass
class Store:
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


_stores: dict[Path, Store] = {}


def current_store() -> Store:
    """The store for the current home; a forked child starts its own, without the parent's."""
    path = database_path()
    store = _stores.get(path)
    if store is None or store.pid != os.getpid():
        if store is not None:
            store.connection = None  # a connection must not cross a fork; the parent keeps it
        for other in _stores.values():
            if other is not store:
                other.close()  # the home changed: keep only one connection open
        store = _stores[path] = Store(path)
    return store


@atexit.register
def _close_all() -> None:
    for store in _stores.values():
        store.close()


# What say() says in each thread while told() listens there.
_listening = threading.local()


@contextlib.contextmanager
def told() -> Iterator[list[str]]:
    """The lines say() says in this thread while the block runs (printed as well): a caller
    whose standard error no learner sees (a widget's message handler) can show them."""
    heard: list[str] = []
    before = getattr(_listening, "heard", None)
    _listening.heard = heard
    try:
        yield heard
    finally:
        _listening.heard = before


def say(text: str) -> None:
    """Print one line on standard error (and hand it to told() where it listens); never fail."""
    line = one_line(text)
    heard = getattr(_listening, "heard", None)
    if heard is not None:
        heard.append(line)
    try:
        print(line, file=sys.stderr, flush=True)
    except Exception:  # a closed or broken stderr must not break the learner's code
        pass


def warn_once(store: Store, key: str, **values: object) -> None:
    if key not in store.warned:
        store.warned.add(key)
        say(message(key, **values))


def one_line_error(error: BaseException) -> str:
    """An error's text on one line, or its type's name when it has no text."""
    return one_line(error) or type(error).__name__


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


def _move_aside(store: Store, identity: tuple[int, int] | None) -> None:
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
    say(message("progress.corrupt_moved", moved=moved))


def _go_memory(store: Store, error: BaseException) -> None:
    store.close()
    store.memory_only = True
    warn_once(store, "progress.unwritable", folder=store.path.parent, error=one_line_error(error))


def _open(path: Path) -> sqlite3.Connection:
    """Connect, switch to WAL and make sure the table exists.

    Two processes creating the database at once can get "database is locked" from the switch to
    WAL without SQLite's busy timeout applying, so the set-up is retried until that timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.005
    while True:
        # Any thread may use the connection: a kernel handles a widget's messages in another
        # thread than the cells', and every use is under _store's lock.
        connection = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            for statement in SCHEMA:
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


def _connect(store: Store) -> sqlite3.Connection | None:
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


def note_own_change(store: Store) -> None:
    """Remember the file as this process left it, so only others' changes trigger a check."""
    now = _stat(store.path)
    store.signature = (now.st_size, now.st_mtime_ns) if now else None


def flush(store: Store) -> None:
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
                connection.executemany(INSERT, store.pending)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            store.pending.clear()
            store.warned.discard("progress.not_saved_yet")
            note_own_change(store)
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
            warn_once(store, "progress.not_saved_yet", path=store.path, error=one_line_error(error))
            return


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


def stored_rows(store: Store) -> list[tuple]:
    """Every attempt in the database followed by those still in memory, oldest first."""
    flush(store)
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
            warn_once(store, "progress.cannot_read", path=store.path, error=one_line_error(error))
            break
    return list(store.pending)


def insert_new(store: Store, rows: list[tuple]) -> int:
    """Add the rows the database does not hold yet (same learner, item, time and score), in one
    write transaction: all of them, or none when anything fails. Returns how many were added."""
    connection = _connect(store)
    if connection is None:
        return 0
    connection.execute("BEGIN IMMEDIATE")
    try:
        held: set[tuple] = set()
        for learner in sorted({row[0] for row in rows}):
            held.update(
                connection.execute(
                    "SELECT learner, item_id, time, score FROM attempts WHERE learner = ?",
                    (learner,),
                )
            )
        new = []
        for row in rows:
            key = (row[0], row[1], row[6], row[5])
            if key not in held:
                held.add(key)
                new.append(row)
        connection.executemany(INSERT, new)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return len(new)


def _write_backup(target: Path, rows: list[tuple]) -> None:
    backup = sqlite3.connect(target, isolation_level=None)
    try:
        for statement in SCHEMA:
            backup.execute(statement)
        backup.execute("BEGIN")
        backup.executemany(INSERT, rows)
        backup.execute("COMMIT")
    finally:
        backup.close()


def empty_into_backup(store: Store, backup: bool) -> Path | None:
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
