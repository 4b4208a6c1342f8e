"""The outbox: every e-mail the application sends, and what became of it."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import insert, select, update

from server.db.engine import Database
from server.db.schema import outbox


async def add(db: Database, recipient: str, subject: str, body: str) -> int:
    async with db.begin() as conn:
        result = await conn.execute(
            insert(outbox).values(
                recipient=recipient, subject=subject, body=body, created_at=time.time()
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


async def mark(db: Database, message_id: int, *, error: str | None = None) -> None:
    values: dict[str, Any] = {"error": error} if error else {"sent_at": time.time()}
    async with db.begin() as conn:
        await conn.execute(update(outbox).where(outbox.c.id == message_id).values(**values))


async def recent(db: Database, limit: int = 200) -> list[dict[str, Any]]:
    async with db.read() as conn:
        rows = await conn.execute(select(outbox).order_by(outbox.c.id.desc()).limit(limit))
        return [dict(r._mapping) for r in rows.all()]
