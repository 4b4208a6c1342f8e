"""Comments, annotations and notifications."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import func, insert, or_, select, update

from server.db.engine import Database
from server.db.schema import comments, documents, notifications, unsubscribed, users

_FIELDS = (comments, users.c.name.label("author_name"))


def _row(r: Any) -> dict[str, Any]:
    item = dict(r._mapping)
    item["mentions"] = json.loads(item["mentions"] or "[]")
    return item


async def document_of(db: Database, comment_id: int) -> int | None:
    async with db.read() as conn:
        value = await conn.scalar(
            select(comments.c.document_id).where(
                comments.c.id == comment_id, comments.c.deleted_at.is_(None)
            )
        )
    return None if value is None else int(value)


async def get(db: Database, comment_id: int) -> dict[str, Any] | None:
    query = (
        select(*_FIELDS)
        .join(users, users.c.id == comments.c.author_id)
        .where(comments.c.id == comment_id, comments.c.deleted_at.is_(None))
    )
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    return None if row is None else _row(row)


async def for_document(db: Database, document_id: int) -> list[dict[str, Any]]:
    """Every live comment of a document, oldest first (visibility is the caller's job)."""
    query = (
        select(*_FIELDS)
        .join(users, users.c.id == comments.c.author_id)
        .where(comments.c.document_id == document_id, comments.c.deleted_at.is_(None))
        .order_by(comments.c.id)
    )
    async with db.read() as conn:
        return [_row(r) for r in (await conn.execute(query)).all()]


async def for_tender_feed(db: Database, tender_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """Public, approved comments of a tender's documents, newest first."""
    query = (
        select(*_FIELDS, documents.c.title.label("document_title"))
        .join(users, users.c.id == comments.c.author_id)
        .join(documents, documents.c.id == comments.c.document_id)
        .where(
            documents.c.tender_id == tender_id,
            documents.c.deleted_at.is_(None),
            comments.c.deleted_at.is_(None),
            comments.c.private.is_(False),
            comments.c.moderation == "visible",
        )
        .order_by(comments.c.id.desc())
        .limit(limit)
    )
    async with db.read() as conn:
        return [_row(r) for r in (await conn.execute(query)).all()]


async def create(db: Database, **values: Any) -> int:
    now = time.time()
    values["mentions"] = json.dumps(values.get("mentions") or [])
    async with db.begin() as conn:
        result = await conn.execute(
            insert(comments).values(**values, created_at=now, updated_at=now)
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


async def change(db: Database, comment_id: int, **values: Any) -> None:
    if "mentions" in values:
        values["mentions"] = json.dumps(values["mentions"])
    async with db.begin() as conn:
        await conn.execute(
            update(comments)
            .where(comments.c.id == comment_id)
            .values(**values, updated_at=time.time())
        )


async def set_anchor(db: Database, comment_id: int, start: str, end: str) -> None:
    """Move a comment's anchor (its passage came back) without marking it edited."""
    async with db.begin() as conn:
        await conn.execute(
            update(comments)
            .where(comments.c.id == comment_id)
            .values(anchor_start=start, anchor_end=end)
        )


async def delete(db: Database, comment_id: int) -> None:
    """Hide a comment and its replies (kept in the database as a record)."""
    now = time.time()
    async with db.begin() as conn:
        await conn.execute(
            update(comments)
            .where(or_(comments.c.id == comment_id, comments.c.parent_id == comment_id))
            .values(deleted_at=now)
        )


async def notify(db: Database, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    now = time.time()
    async with db.begin() as conn:
        await conn.execute(insert(notifications), [{**r, "created_at": now} for r in rows])


async def unread_count(db: Database, user_id: int) -> int:
    async with db.read() as conn:
        return int(
            await conn.scalar(
                select(func.count())
                .select_from(notifications)
                .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
            )
            or 0
        )


async def list_notifications(db: Database, user_id: int, limit: int = 100) -> list[dict[str, Any]]:
    query = (
        select(notifications)
        .where(notifications.c.user_id == user_id)
        .order_by(notifications.c.id.desc())
        .limit(limit)
    )
    async with db.read() as conn:
        return [dict(r._mapping) for r in (await conn.execute(query)).all()]


async def mark_read(db: Database, user_id: int) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(notifications)
            .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
            .values(read_at=time.time())
        )


async def is_unsubscribed(db: Database, user_id: int) -> bool:
    async with db.read() as conn:
        return (
            await conn.scalar(
                select(unsubscribed.c.user_id).where(unsubscribed.c.user_id == user_id)
            )
        ) is not None


async def unsubscribe(db: Database, user_id: int) -> None:
    async with db.begin() as conn:
        exists = await conn.scalar(
            select(unsubscribed.c.user_id).where(unsubscribed.c.user_id == user_id)
        )
        if exists is None:
            await conn.execute(insert(unsubscribed).values(user_id=user_id, created_at=time.time()))
