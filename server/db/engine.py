"""The database handle: engine, SQLite pragmas, one writer at a time, migrations.

SQLite gets WAL, foreign keys, synchronous=FULL and a busy timeout on every connection.
Writes go through `Database.begin()`, which on SQLite also takes a process-wide lock:
one writing connection at a time avoids SQLite's WAL-reset corruption class and turns
"database is locked" into orderly queueing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from server.db.appender import SqliteAppender, sqlite_pragmas

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be opened or migrated."""


class Database:
    """One engine plus the write discipline every query module uses."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30}
            # WAL readers run side by side, each on its own thread: when a whole office
            # reconnects at once, a pool of 5 (the default) queues them, and the overflow
            # connections beyond it are opened and closed for every burst.
            kwargs["pool_size"] = 20
            kwargs["max_overflow"] = 20
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        # The change log's own connection, for SQLite files (opened on the first append).
        self._appender: SqliteAppender | None = None
        if self.is_sqlite:
            path = make_url(url).database
            if path and path != ":memory:" and not path.startswith("file:"):
                self._appender = SqliteAppender(path)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", sqlite_pragmas)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction (committed on success, rolled back on error)."""
        async with self.write_lock(), self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def write_lock(self) -> AsyncIterator[None]:
        """The process-wide SQLite write lock alone, for writers with their own connection
        (no-op on PostgreSQL). Its holder also has the change log's thread stand still."""
        if self._write_lock is None:
            yield
            return
        async with self._write_lock:
            if self._appender is None:
                yield
                return
            async with self._appender.exclusive():
                yield

    def appender(self) -> SqliteAppender | None:
        """The change log's own connection (SQLite files only; None otherwise)."""
        return self._appender

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only connection (no lock: WAL readers never block the writer)."""
        async with self.engine.connect() as conn:
            yield conn

    async def migrate(self) -> None:
        """Apply every Alembic migration (the first start creates all tables)."""
        try:
            async with self.begin() as conn:
                if not self.is_sqlite:
                    # Processes starting together: one migrates, the others then see it done.
                    await conn.exec_driver_sql("SELECT pg_advisory_xact_lock(22349, 0)")
                await conn.run_sync(_upgrade)
        except Exception as exc:  # any driver error means "unusable database"
            raise DatabaseUnavailable(str(exc)) from exc

    async def integrity_check(self) -> str:
        """SQLite's own check ("ok" when sound); PostgreSQL checks its pages itself, so
        there it reads the change log end to end, which fails on a damaged table."""
        async with self.read() as conn:
            if not self.is_sqlite:
                await conn.exec_driver_sql("SELECT count(*), sum(length(data)) FROM changes")
                return "ok"
            result = await conn.exec_driver_sql("PRAGMA integrity_check")
            return str(result.scalar())

    async def close(self) -> None:
        if self._appender is not None:
            await self._appender.close()
        await self.engine.dispose()


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
