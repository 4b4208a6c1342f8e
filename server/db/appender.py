"""The SQLite change log's appends, on one connection and one thread of their own.

Every keystroke ends in an append. Through the async engine a batch costs about six
round trips between the event loop and aiosqlite's thread (checkout, BEGIN, the insert,
reading the ids, COMMIT, the reset on checkin), each paid on the event loop. Here the whole
transaction is one call on a dedicated thread, with the same pragmas as every other
connection (WAL, synchronous=FULL: a commit survives power loss). Callers hold the
database's write lock, as every writer does.

A batch of up to `ONE_STATEMENT_ROWS` rows is a single multi-row INSERT in autocommit
mode (atomic on its own): the thread takes the GIL back once, after the commit, instead
of after each of BEGIN, the insert, reading the ids and COMMIT — each time waiting for the
event loop's thread to let go of it, up to its 5 ms switch interval.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def sqlite_pragmas(dbapi_connection: Any, _record: Any = None) -> None:
    """The settings of every SQLite connection (an engine "connect" listener too)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: a commit survives power loss, not only a process crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


Row = tuple[int, int | None, int, bytes]

INSERT = "INSERT INTO changes (document_id, author_id, created_ms, data) VALUES (?, ?, ?, ?)"
ONE_STATEMENT_ROWS = 200  # 800 bound values, far below SQLite's smallest limit (999)


@functools.lru_cache(maxsize=ONE_STATEMENT_ROWS)
def _insert_rows(count: int) -> str:
    return INSERT + ", (?, ?, ?, ?)" * (count - 1)


class SqliteAppender:
    def __init__(self, path: str) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="change-log")
        self._conn: sqlite3.Connection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def append(self, rows: Sequence[Row]) -> list[int]:
        """Insert the rows in one transaction; their ids, in order."""
        # Kept: asyncio.get_running_loop() costs a getpid() system call on Python 3.11.
        self._loop = self._loop or asyncio.get_running_loop()
        return await self._loop.run_in_executor(self._executor, self._append, rows)

    def _append(self, rows: Sequence[Row]) -> list[int]:
        # Under the single-writer lock, an INTEGER PRIMARY KEY without AUTOINCREMENT gives
        # one batch consecutive rowids: the last one names them all.
        conn = self._conn or self._open()
        if 0 < len(rows) <= ONE_STATEMENT_ROWS:
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

    async def close(self) -> None:
        def close() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        if self._conn is not None:  # never used: no thread was started
            await asyncio.get_running_loop().run_in_executor(self._executor, close)
        self._executor.shutdown(wait=True)
