"""Memberships: adding, changing and removing members, per-document roles, activity log."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from server.db.engine import Database
from server.db.schema import activity, document_roles, documents, members, users


class LastManager(Exception):
    """The change would leave the tender without a manager."""


async def get_member(db: Database, tender_id: int, user_id: int) -> dict[str, Any] | None:
    query = (
        select(members.c.user_id, members.c.role, users.c.email, users.c.name)
        .join(users, users.c.id == members.c.user_id)
        .where(members.c.tender_id == tender_id, members.c.user_id == user_id)
    )
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    return None if row is None else dict(row._mapping)


async def add_or_keep_member(db: Database, tender_id: int, user_id: int, role: str) -> bool:
    """Add the member with this role; False (and nothing changed) if already a member."""
    async with db.begin() as conn:
        exists = await conn.scalar(
            select(members.c.role).where(
                members.c.tender_id == tender_id, members.c.user_id == user_id
            )
        )
        if exists is not None:
            return False
        await conn.execute(
            insert(members).values(
                tender_id=tender_id, user_id=user_id, role=role, created_at=time.time()
            )
        )
    return True


async def _managers_left(conn: Any, tender_id: int, excluding: int) -> int:
    return int(
        await conn.scalar(
            select(func.count())
            .select_from(members)
            .where(
                members.c.tender_id == tender_id,
                members.c.role == "manager",
                members.c.user_id != excluding,
            )
        )
        or 0
    )


async def change_role(db: Database, tender_id: int, user_id: int, role: str) -> None:
    async with db.begin() as conn:
        if role != "manager" and await _managers_left(conn, tender_id, user_id) == 0:
            raise LastManager()
        await conn.execute(
            update(members)
            .where(members.c.tender_id == tender_id, members.c.user_id == user_id)
            .values(role=role)
        )


async def remove_member(db: Database, tender_id: int, user_id: int) -> None:
    async with db.begin() as conn:
        if await _managers_left(conn, tender_id, user_id) == 0:
            raise LastManager()
        await conn.execute(
            delete(members).where(members.c.tender_id == tender_id, members.c.user_id == user_id)
        )
        doc_ids = select(documents.c.id).where(documents.c.tender_id == tender_id)
        await conn.execute(
            delete(document_roles).where(
                document_roles.c.user_id == user_id, document_roles.c.document_id.in_(doc_ids)
            )
        )


async def set_document_role(db: Database, document_id: int, user_id: int, role: str | None) -> None:
    """Give a member another role on one document (None removes the override)."""
    async with db.begin() as conn:
        await conn.execute(
            delete(document_roles).where(
                document_roles.c.document_id == document_id, document_roles.c.user_id == user_id
            )
        )
        if role is not None:
            await conn.execute(
                insert(document_roles).values(document_id=document_id, user_id=user_id, role=role)
            )


async def document_overrides(db: Database, tender_id: int) -> list[dict[str, Any]]:
    query = (
        select(document_roles.c.document_id, document_roles.c.user_id, document_roles.c.role)
        .join(documents, documents.c.id == document_roles.c.document_id)
        .where(documents.c.tender_id == tender_id)
    )
    async with db.read() as conn:
        return [dict(r._mapping) for r in (await conn.execute(query)).all()]


async def touch_activity(db: Database, tender_id: int, user_id: int) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(members)
            .where(and_(members.c.tender_id == tender_id, members.c.user_id == user_id))
            .values(last_activity_at=time.time())
        )


async def member_activity(db: Database, tender_id: int) -> dict[int, float | None]:
    query = select(members.c.user_id, members.c.last_activity_at).where(
        members.c.tender_id == tender_id
    )
    async with db.read() as conn:
        return {r[0]: r[1] for r in (await conn.execute(query)).all()}


async def log_activity(
    db: Database, tender_id: int, actor_id: int | None, kind: str, **details: Any
) -> None:
    async with db.begin() as conn:
        await conn.execute(
            insert(activity).values(
                tender_id=tender_id,
                actor_id=actor_id,
                kind=kind,
                details=json.dumps(details, ensure_ascii=False),
                created_at=time.time(),
            )
        )


async def list_activity(db: Database, tender_id: int, limit: int = 200) -> list[dict[str, Any]]:
    query = (
        select(activity, users.c.name.label("actor_name"))
        .outerjoin(users, users.c.id == activity.c.actor_id)
        .where(activity.c.tender_id == tender_id)
        .order_by(activity.c.id.desc())
        .limit(limit)
    )
    async with db.read() as conn:
        rows = (await conn.execute(query)).all()
    out = []
    for r in rows:
        item = dict(r._mapping)
        item["details"] = json.loads(item["details"] or "{}")
        out.append(item)
    return out
