"""The SQLite change log's appends, on one connection and one thread of their own.

Every keystroke ends in an append. Through the async engine a batch costs about six
round trips between the event loop and aiosqlite's thread (checkout, BEGIN, the insert,
reading the ids, COMMIT, the reset on checkin), each paid on the event loop. Here the whole
transaction is one call on a dedicated thread, with the same pragmas as every other
connection (WAL, synchronous=FULL: a commit survives power loss). Callers hold the
database's write lock, as every writer does.
"""

from __future__ import annotations

import asyncio
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


class SqliteAppender:
    def __init__(self, path: str) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="change-log")
        self._conn: sqlite3.Connection | None = None

    async def append(self, rows: Sequence[Row]) -> list[int]:
        """Insert the rows in one transaction; their ids, in order."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._append, rows)

    def _append(self, rows: Sequence[Row]) -> list[int]:
        conn = self._conn or self._open()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(INSERT, rows)
            # Under the single-writer lock, an INTEGER PRIMARY KEY without AUTOINCREMENT
            # gives one batch consecutive rowids.
            last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return list(range(last - len(rows) + 1, last + 1))

    def _open(self) -> sqlite3.Connection:
        # Autocommit mode: transactions are the explicit BEGIN/COMMIT above.
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
