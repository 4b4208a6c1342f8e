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

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from server.db.appender import INSERT
from server.db.engine import Database
from server.db.schema import changes, checkpoints
from server.sync.persistence import NewChange, StoredDocument


def _merged(state: bytes, stored: StoredDocument, document_id: int) -> bytes:
    """`state` plus the stored checkpoint and changes (applying what it has is a no-op)."""
    doc = stored.replay(document_id)
    doc.apply_update(state)
    return doc.get_update()


LOCK_SPACE = 0x574D  # first key of our advisory locks ("WM")

# Every room load runs these two; built once (a reconnecting office loads many rooms).
_NEWEST_CHECKPOINT = (
    select(checkpoints.c.upto_change_id, checkpoints.c.state)
    .where(checkpoints.c.document_id == bindparam("document_id"))
    .order_by(checkpoints.c.upto_change_id.desc())
    .limit(1)
)
_CHANGES_AFTER = (
    select(changes.c.id, changes.c.data)
    .where(changes.c.document_id == bindparam("document_id"), changes.c.id > bindparam("after"))
    .order_by(changes.c.id)
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
        """The hot path: one transaction per batch, on the change log's own connection
        (`server/db/appender.py`), under the process-wide write lock."""
        rows = [(c.document_id, c.author_id, c.created_ms, c.data) for c in batch]
        appender = self.db.appender()
        if appender is not None:
            async with self.db.write_lock():
                return await appender.append(rows)
        async with self.db.begin() as conn:  # an in-memory database has no second connection
            await conn.exec_driver_sql(INSERT, rows)  # type: ignore[arg-type]
            last = int((await conn.exec_driver_sql("SELECT last_insert_rowid()")).scalar_one())
        return list(range(last - len(rows) + 1, last + 1))

    async def load(self, document_id: int) -> StoredDocument:
        async with self.db.read() as conn:
            return await self._load(conn, document_id)

    async def _load(self, conn: AsyncConnection, document_id: int) -> StoredDocument:
        stored = StoredDocument()
        row = (await conn.execute(_NEWEST_CHECKPOINT, {"document_id": document_id})).first()
        if row is not None:
            stored.checkpoint_upto = int(row[0])
            stored.checkpoint = bytes(row[1])
            stored.stored_bytes = len(stored.checkpoint)
        result = await conn.execute(
            _CHANGES_AFTER, {"document_id": document_id, "after": stored.checkpoint_upto}
        )
        stored.last_change_id = stored.checkpoint_upto
        for change_id, data in result:
            stored.changes.append(bytes(data))
            stored.last_change_id = int(change_id)
            stored.stored_bytes += len(data)
        return stored

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
