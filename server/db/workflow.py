"""Storage of the validation workflow: reviewers, their answers, document positions."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from server.db.engine import Database
from server.db.schema import changes, documents, reviews, tenders, users


async def positions(db: Database, tender_id: int) -> dict[int, int]:
    """Document id → id of its newest change, for every live document of the tender."""
    query = (
        select(documents.c.id, func.coalesce(func.max(changes.c.id), 0))
        .outerjoin(changes, changes.c.document_id == documents.c.id)
        .where(documents.c.tender_id == tender_id, documents.c.deleted_at.is_(None))
        .group_by(documents.c.id)
    )
    async with db.read() as conn:
        return {int(r[0]): int(r[1]) for r in (await conn.execute(query)).all()}


async def list_reviews(db: Database, tender_id: int) -> list[dict[str, Any]]:
    query = (
        select(reviews, users.c.name, users.c.email)
        .join(users, users.c.id == reviews.c.user_id)
        .where(reviews.c.tender_id == tender_id)
        .order_by(users.c.name)
    )
    async with db.read() as conn:
        rows = (await conn.execute(query)).all()
    out = []
    for r in rows:
        item = dict(r._mapping)
        item["positions"] = {int(k): int(v) for k, v in json.loads(item["positions"]).items()}
        out.append(item)
    return out


async def request(db: Database, tender_id: int, user_ids: list[int], by: int) -> None:
    """Ask these members to validate (again): their answer goes back to pending."""
    now = time.time()
    async with db.begin() as conn:
        await conn.execute(
            delete(reviews).where(reviews.c.tender_id == tender_id, reviews.c.user_id.in_(user_ids))
        )
        for user_id in user_ids:
            await conn.execute(
                insert(reviews).values(
                    tender_id=tender_id,
                    user_id=user_id,
                    requested_by=by,
                    requested_at=now,
                    decision="pending",
                    comment="",
                    positions="{}",
                )
            )


async def remove(db: Database, tender_id: int, user_id: int) -> bool:
    async with db.begin() as conn:
        result = await conn.execute(
            delete(reviews).where(reviews.c.tender_id == tender_id, reviews.c.user_id == user_id)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def decide(
    db: Database,
    tender_id: int,
    user_id: int,
    decision: str,
    comment: str,
    at: dict[int, int],
) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(reviews)
            .where(reviews.c.tender_id == tender_id, reviews.c.user_id == user_id)
            .values(
                decision=decision,
                comment=comment,
                positions=json.dumps({str(k): v for k, v in at.items()}),
                decided_at=time.time(),
            )
        )


async def set_status(db: Database, tender_id: int, status: str) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(tenders)
            .where(tenders.c.id == tender_id)
            .values(status=status, updated_at=time.time())
        )


async def get_status(db: Database, tender_id: int) -> str | None:
    async with db.read() as conn:
        return await conn.scalar(select(tenders.c.status).where(tenders.c.id == tender_id))
