"""The SQLite change log's appends, on one connection and one thread of their own.

Every keystroke ends in an append. Through the async engine a batch costs about six
round trips between the event loop and aiosqlite's thread (checkout, BEGIN, the insert,
reading the ids, COMMIT, the reset on checkin), each paid on the event loop. Here the
thread owns the connection, with the same pragmas as every other one (WAL,
synchronous=FULL: a commit survives power loss), and pulls work itself: whenever it is
free it commits everything submitted meanwhile as one transaction (group commit), then
hands the ids back to the event loop in one call. It never waits for the loop between two
commits, so an update waits for at most the commit in progress and its own.

Other writers hold the database's write lock, which takes the thread out of the way
(`exclusive()`): a pause joins the queue, the thread stops there once everything before it
is committed, and resumes when the lock is released. One writing connection at a time, as
everywhere else.

A batch of up to `ONE_STATEMENT_ROWS` rows is a single multi-row INSERT in autocommit mode
(atomic on its own): the thread takes the GIL back once, after the commit, instead of after
each of BEGIN, the insert, reading the ids and COMMIT — each time waiting for the event
loop's thread to let go of it, up to its 5 ms switch interval.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

from server.sync.persistence import (
    MAX_BATCH,
    RETRY_DELAYS,
    NewChange,
    OnCommit,
    Submitted,
    run_commit_callbacks,
)

log = logging.getLogger("wikimarche.writer")

INSERT = "INSERT INTO changes (document_id, author_id, created_ms, data) VALUES (?, ?, ?, ?)"
ONE_STATEMENT_ROWS = 200  # 800 bound values, far below SQLite's smallest limit (999)

Row = tuple[int, int | None, int, bytes]


def row_of(change: NewChange) -> Row:
    """A change as the values of one `INSERT` row."""
    return (change.document_id, change.author_id, change.created_ms, change.data)


def sqlite_pragmas(dbapi_connection: Any, _record: Any = None) -> None:
    """The settings of every SQLite connection (an engine "connect" listener too)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: a commit survives power loss, not only a process crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@functools.lru_cache(maxsize=ONE_STATEMENT_ROWS)
def _insert_rows(count: int) -> str:
    return INSERT + ", (?, ?, ?, ?)" * (count - 1)


@dataclass(slots=True)
class _Pause:
    """Another writer's turn: `reached` once the thread stands still, until `resume`."""

    reached: asyncio.Future[None]
    resume: threading.Event


class _Stop:
    """The end of the queue: close the connection and end the thread."""


Job = Submitted | _Pause | _Stop


class SqliteAppender:
    """The change log's connection and thread; `submit` and `exclusive` run on the loop."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._jobs: list[Job] = []
        self._wakeup = threading.Condition()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Future[None] | None = None
        self._conn: sqlite3.Connection | None = None
        self.pending = 0  # changes and barriers submitted whose callback has not run

    def submit(self, change: NewChange | None, on_commit: OnCommit) -> None:
        """Commit `change` (None: nothing, a barrier); then `on_commit(id)` runs on the
        loop, after the callbacks of everything submitted before it."""
        self.pending += 1
        self._push((change, on_commit))

    async def append(self, changes: Sequence[NewChange]) -> list[int]:
        """Commit these changes and wait for their ids, in order."""
        ids: list[int] = []
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        for change in changes:
            self.submit(change, ids.append)
        self.submit(None, lambda _id: _reach(done))
        await done
        return ids

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Keep the thread from writing: for the holder of the database's write lock."""
        pause = _Pause(asyncio.get_running_loop().create_future(), threading.Event())
        self._push(pause)
        try:
            await pause.reached
            yield
        finally:
            pause.resume.set()  # also when cancelled before the thread got there

    async def close(self) -> None:
        """Commit what is queued, deliver it, then end the thread and the connection."""
        if self._thread is None:
            return
        assert self._loop is not None
        self._stopped = self._loop.create_future()
        self._push(_Stop())
        await self._stopped
        self._thread.join()
        self._thread = None

    def _push(self, job: Job) -> None:
        if self._thread is None:
            self._start()
        with self._wakeup:
            self._jobs.append(job)
            self._wakeup.notify()

    def _start(self) -> None:
        # asyncio.get_running_loop() costs a getpid() system call on Python 3.11: once.
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="change-log", daemon=True)
        self._thread.start()

    def _deliver(self, jobs: list[Submitted], ids: list[int]) -> None:
        """On the loop: the callbacks of one transaction, in submission order."""
        self.pending -= len(jobs)
        run_commit_callbacks(jobs, ids)

    # -- the thread ------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._serve()
        except BaseException:
            # Nothing can be committed any more: say so loudly rather than hang quietly.
            log.critical("the change log's thread stopped", exc_info=True)
            raise

    def _serve(self) -> None:
        while True:
            job = self._next()
            if isinstance(job, list):
                self._commit(job)
            elif isinstance(job, _Pause):
                self._stand_still(job)
            else:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None
                assert self._loop is not None
                self._loop.call_soon_threadsafe(_reach, self._stopped)
                return

    def _next(self) -> list[Submitted] | _Pause | _Stop:
        """The changes at the head of the queue (one transaction), or the pause or the
        stop there: what was submitted after a pause waits for it."""
        with self._wakeup:
            while not self._jobs:
                self._wakeup.wait()
            jobs = self._jobs
            head = jobs[0]
            if not isinstance(head, tuple):
                del jobs[0]
                return head
            end, limit = 1, min(len(jobs), MAX_BATCH)
            while end < limit and isinstance(jobs[end], tuple):
                end += 1
            batch = cast(list[Submitted], jobs[:end])
            del jobs[:end]
            return batch

    def _commit(self, batch: list[Submitted]) -> None:
        rows = [row_of(change) for change, _ in batch if change is not None]
        ids = self._append_with_retry(rows) if rows else []
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._deliver, batch, ids)

    def _append_with_retry(self, rows: list[Row]) -> list[int]:
        # A failing disk must not drop updates: keep retrying; meanwhile nothing is
        # broadcast, so no client is shown an update that is not stored.
        attempt = 0
        while True:
            try:
                return self._append(rows)
            except Exception:
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                log.exception("change log commit failed; retrying in %.2fs", delay)
                attempt += 1
                self._let_others_write(delay)

    def _stand_still(self, pause: _Pause) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(_reach, pause.reached)
        pause.resume.wait()

    def _let_others_write(self, seconds: float) -> None:
        """Wait before retrying a failed commit; other writers may write meanwhile (what
        they fix may be what made it fail, and they must not wait for a failing disk)."""
        deadline = time.monotonic() + seconds
        while True:
            with self._wakeup:
                pauses = [job for job in self._jobs if isinstance(job, _Pause)]
                if not pauses:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return
                    self._wakeup.wait(remaining)
                    continue
                self._jobs = [job for job in self._jobs if not isinstance(job, _Pause)]
            for pause in pauses:
                self._stand_still(pause)

    def _append(self, rows: Sequence[Row]) -> list[int]:
        # Under the single-writer discipline, an INTEGER PRIMARY KEY without AUTOINCREMENT
        # gives one batch consecutive rowids: the last one names them all.
        conn = self._conn or self._open()
        if len(rows) <= ONE_STATEMENT_ROWS:
            values = [value for row in rows for value in row]
            last = conn.execute(_insert_rows(len(rows)), values).lastrowid
            assert last is not None
            return list(range(last - len(rows) + 1, last + 1))
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(INSERT, rows)
            last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return list(range(last - len(rows) + 1, last + 1))

    def _open(self) -> sqlite3.Connection:
        # Autocommit mode: a statement alone is a transaction, larger batches take an
        # explicit BEGIN/COMMIT.
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        sqlite_pragmas(conn)
        self._conn = conn
        return conn


def _reach(future: asyncio.Future[None] | None) -> None:
    if future is not None and not future.done():
        future.set_result(None)
