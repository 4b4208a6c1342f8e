"""The change log and checkpoints of documents (the SQL side of `server.sync.persistence`).

On PostgreSQL several processes append at once and a sequence does not commit in order, so
a room's state may lack a change below its position (committed by another process, not yet
received). There a checkpoint takes a per-document advisory lock that appends share, so
every change at or below its position is committed, and merges what the database holds
into the room's state: nothing below the position can be missing from it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    bindparam,
    column,
    delete,
    func,
    insert,
    select,
    text,
    values,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from server.db.appender import INSERT, SqliteAppender, row_of
from server.db.engine import Database
from server.db.schema import changes, checkpoints
from server.sync.persistence import NewChange, StoredDocument


def _merged(state: bytes, stored: StoredDocument, document_id: int) -> bytes:
    """`state` plus the stored checkpoint and changes (applying what it has is a no-op)."""
    doc = stored.replay(document_id)
    doc.apply_update(state)
    return doc.get_update()


LOCK_SPACE = 0x574D  # first key of our advisory locks ("WM")

# Room loads run these two, for all the documents opened together; built once.
_newer = checkpoints.alias("newer")
_NEWEST_CHECKPOINTS = select(
    checkpoints.c.document_id, checkpoints.c.upto_change_id, checkpoints.c.state
).where(
    checkpoints.c.document_id.in_(bindparam("ids", expanding=True)),
    checkpoints.c.upto_change_id
    == select(func.max(_newer.c.upto_change_id))
    .where(_newer.c.document_id == checkpoints.c.document_id)
    .scalar_subquery(),
)


def _changes_after(after: dict[int, int]) -> Select[Any]:
    """The changes of each document after its checkpoint, in order (an index range each)."""
    # A CTE: SQLite has no `(VALUES …) AS t (cols)` alias.
    wanted = (
        values(column("document_id", Integer), column("after", BigInteger), name="wanted")
        .data(sorted(after.items()))
        .cte("wanted")
    )
    return (
        select(changes.c.document_id, changes.c.id, changes.c.data)
        .select_from(wanted)
        .join(
            changes,
            (changes.c.document_id == wanted.c.document_id) & (changes.c.id > wanted.c.after),
        )
        .order_by(changes.c.document_id, changes.c.id)
    )


class SqlChangeLog:
    """Append-only change log with checkpoints, on any SQLAlchemy database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def append(self, batch: Sequence[NewChange]) -> list[int]:
        if self.db.is_sqlite:
            return await self._append_sqlite(batch)
        rows = [
            {
                "document_id": c.document_id,
                "author_id": c.author_id,
                "created_ms": c.created_ms,
                "data": c.data,
            }
            for c in batch
        ]
        async with self.db.begin() as conn:
            # Shared: appends never wait for each other, only for a checkpoint being built.
            # One round trip for the whole batch, locks taken in document order.
            await conn.execute(
                text(
                    "SELECT pg_advisory_xact_lock_shared(:space, d) "
                    "FROM unnest(CAST(:docs AS integer[])) AS d"
                ),
                {"space": LOCK_SPACE, "docs": sorted({c.document_id for c in batch})},
            )
            result = await conn.execute(
                insert(changes).returning(changes.c.id, sort_by_parameter_order=True), rows
            )
            return [int(r[0]) for r in result.all()]

    async def _append_sqlite(self, batch: Sequence[NewChange]) -> list[int]:
        """On the change log's own connection and thread (`server/db/appender.py`)."""
        appender = self.db.appender()
        if appender is not None:
            return await appender.append(batch)
        rows = [row_of(change) for change in batch]
        async with self.db.begin() as conn:  # an in-memory database has no second connection
            await conn.exec_driver_sql(INSERT, rows)  # type: ignore[arg-type]
            last = int((await conn.exec_driver_sql("SELECT last_insert_rowid()")).scalar_one())
        return list(range(last - len(rows) + 1, last + 1))

    def direct_appends(self) -> SqliteAppender | None:
        """The change log's own thread, which commits changes as they are submitted
        (SQLite files); None where appends go through `append`."""
        return self.db.appender()

    async def load(self, document_id: int) -> StoredDocument:
        return (await self.load_many([document_id]))[document_id]

    async def load_many(self, document_ids: Sequence[int]) -> dict[int, StoredDocument]:
        """Several documents' checkpoints and tails, in two queries for all."""
        async with self.db.read() as conn:
            return await self._load_many(conn, document_ids)

    async def _load(self, conn: AsyncConnection, document_id: int) -> StoredDocument:
        return (await self._load_many(conn, [document_id]))[document_id]

    async def _load_many(
        self, conn: AsyncConnection, document_ids: Sequence[int]
    ) -> dict[int, StoredDocument]:
        loaded = {document_id: StoredDocument() for document_id in document_ids}
        for document_id, upto, state in await conn.execute(
            _NEWEST_CHECKPOINTS, {"ids": list(loaded)}
        ):
            stored = loaded[document_id]
            stored.checkpoint_upto = stored.last_change_id = int(upto)
            stored.checkpoint = bytes(state)
            stored.stored_bytes = len(stored.checkpoint)
        after = {document_id: stored.checkpoint_upto for document_id, stored in loaded.items()}
        for document_id, change_id, data in await conn.execute(_changes_after(after)):
            stored = loaded[document_id]
            stored.changes.append(bytes(data))
            stored.last_change_id = int(change_id)
            stored.stored_bytes += len(data)
        return loaded

    async def save_checkpoint(self, document_id: int, upto_change_id: int, state: bytes) -> None:
        async with self.db.begin() as conn:
            if not self.db.is_sqlite:
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:space, :doc)"),
                    {"space": LOCK_SPACE, "doc": document_id},
                )
                state = _merged(state, await self._load(conn, document_id), document_id)
            exists = await conn.scalar(
                select(func.count())
                .select_from(checkpoints)
                .where(
                    checkpoints.c.document_id == document_id,
                    checkpoints.c.upto_change_id == upto_change_id,
                )
            )
            if exists:
                return
            await conn.execute(
                insert(checkpoints).values(
                    document_id=document_id,
                    upto_change_id=upto_change_id,
                    state=state,
                    created_at=time.time(),
                )
            )
            # Checkpoints are derived data (the change log is the record): keep the newest
            # two, so a long-edited document does not pile up full states.
            keep = (
                select(checkpoints.c.id)
                .where(checkpoints.c.document_id == document_id)
                .order_by(checkpoints.c.upto_change_id.desc())
                .limit(2)
            )
            await conn.execute(
                delete(checkpoints).where(
                    checkpoints.c.document_id == document_id,
                    checkpoints.c.id.not_in(keep.scalar_subquery()),
                )
            )

    async def change_count(self, document_id: int) -> int:
        async with self.db.read() as conn:
            return int(
                await conn.scalar(
                    select(func.count())
                    .select_from(changes)
                    .where(changes.c.document_id == document_id)
                )
                or 0
            )
