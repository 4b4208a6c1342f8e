"""Invitation links: hashed single-use tokens bound to a tender and a role."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from server.db.engine import Database
from server.db.schema import invitations, tenders


@dataclass(frozen=True)
class Invitation:
    id: int
    tender_id: int
    tender_title: str
    role: str
    email: str | None
    expires_at: float


async def create_invitation(
    db: Database,
    *,
    tender_id: int,
    token_hash: str,
    role: str,
    email: str | None,
    created_by: int,
    lifetime: float,
) -> tuple[int, float]:
    now = time.time()
    async with db.begin() as conn:
        result = await conn.execute(
            insert(invitations).values(
                tender_id=tender_id,
                token_hash=token_hash,
                role=role,
                email=email,
                created_by=created_by,
                created_at=now,
                expires_at=now + lifetime,
            )
        )
        return int(result.inserted_primary_key[0]), now + lifetime  # type: ignore[index]


async def find_valid(db: Database, token_hash: str) -> Invitation | None:
    """The invitation behind a token if it is unused, unrevoked and unexpired."""
    query = (
        select(invitations, tenders.c.title)
        .join(tenders, tenders.c.id == invitations.c.tender_id)
        .where(
            invitations.c.token_hash == token_hash,
            invitations.c.accepted_at.is_(None),
            invitations.c.revoked_at.is_(None),
            invitations.c.expires_at > time.time(),
            tenders.c.deleted_at.is_(None),
        )
    )
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    if row is None:
        return None
    m = row._mapping
    return Invitation(m["id"], m["tender_id"], m["title"], m["role"], m["email"], m["expires_at"])


async def mark_accepted(db: Database, invitation_id: int, user_id: int) -> bool:
    """Consume the invitation; False if someone else consumed it first."""
    async with db.begin() as conn:
        result = await conn.execute(
            update(invitations)
            .where(
                invitations.c.id == invitation_id,
                invitations.c.accepted_at.is_(None),
                invitations.c.revoked_at.is_(None),
            )
            .values(accepted_at=time.time(), accepted_by=user_id)
        )
        return bool(result.rowcount)


async def revoke(db: Database, tender_id: int, invitation_id: int) -> bool:
    async with db.begin() as conn:
        result = await conn.execute(
            update(invitations)
            .where(
                invitations.c.id == invitation_id,
                invitations.c.tender_id == tender_id,
                invitations.c.accepted_at.is_(None),
                invitations.c.revoked_at.is_(None),
            )
            .values(revoked_at=time.time())
        )
        return bool(result.rowcount)


async def pending(db: Database, tender_id: int) -> list[dict[str, Any]]:
    query = (
        select(
            invitations.c.id,
            invitations.c.role,
            invitations.c.email,
            invitations.c.created_at,
            invitations.c.expires_at,
        )
        .where(
            invitations.c.tender_id == tender_id,
            invitations.c.accepted_at.is_(None),
            invitations.c.revoked_at.is_(None),
            invitations.c.expires_at > time.time(),
        )
        .order_by(invitations.c.id)
    )
    async with db.read() as conn:
        return [dict(r._mapping) for r in (await conn.execute(query)).all()]
