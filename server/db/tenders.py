"""Tenders, their members and their documents."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, insert, select, update

from roles import effective_role
from server.db.engine import Database
from server.db.schema import document_roles, documents, members, tenders


@dataclass(frozen=True)
class Tender:
    id: int
    title: str
    reference: str
    purchase_category: str
    estimated_value: float | None
    launch_date: dt.date | None
    status: str
    created_at: float
    updated_at: float
    moderation: bool = False
    comment_categories: str | None = None
    procedure: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "reference": self.reference,
            "purchase_category": self.purchase_category,
            "estimated_value": self.estimated_value,
            "launch_date": self.launch_date.isoformat() if self.launch_date else None,
            "status": self.status,
            "procedure": self.procedure,
            "moderation": self.moderation,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Document:
    id: int
    tender_id: int
    title: str
    kind: str
    created_at: float
    updated_at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tender_id": self.tender_id,
            "title": self.title,
            "kind": self.kind,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Membership:
    """A user's view of one tender: the tender and the role they hold on it."""

    tender: Tender
    role: str


def _tender(m: Any) -> Tender:
    return Tender(
        id=m["id"],
        title=m["title"],
        reference=m["reference"],
        purchase_category=m["purchase_category"],
        estimated_value=m["estimated_value"],
        launch_date=m["launch_date"],
        status=m["status"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        moderation=bool(m["moderation"]),
        comment_categories=m["comment_categories"],
        procedure=m["procedure"],
    )


def _document(m: Any) -> Document:
    return Document(
        m["id"], m["tender_id"], m["title"], m["kind"], m["created_at"], m["updated_at"]
    )


_live_tender = tenders.c.deleted_at.is_(None)
_live_document = documents.c.deleted_at.is_(None)


async def create_tender(db: Database, *, creator_id: int, fields: dict[str, Any]) -> Tender:
    """Create a tender; its creator becomes its manager in the same transaction."""
    now = time.time()
    async with db.begin() as conn:
        result = await conn.execute(
            insert(tenders).values(
                **fields, status="draft", created_by=creator_id, created_at=now, updated_at=now
            )
        )
        tender_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        await conn.execute(
            insert(members).values(
                tender_id=tender_id, user_id=creator_id, role="manager", created_at=now
            )
        )
        row = (await conn.execute(select(tenders).where(tenders.c.id == tender_id))).one()
    return _tender(row._mapping)


async def list_memberships(db: Database, user_id: int) -> list[Membership]:
    query = (
        select(tenders, members.c.role)
        .join(members, members.c.tender_id == tenders.c.id)
        .where(members.c.user_id == user_id, _live_tender)
        .order_by(tenders.c.updated_at.desc())
    )
    async with db.read() as conn:
        rows = (await conn.execute(query)).all()
    return [Membership(_tender(r._mapping), r._mapping["role"]) for r in rows]


async def get_membership(db: Database, tender_id: int, user_id: int) -> Membership | None:
    """The tender as seen by this user, or None when it does not exist for them."""
    query = (
        select(tenders, members.c.role)
        .join(members, and_(members.c.tender_id == tenders.c.id, members.c.user_id == user_id))
        .where(tenders.c.id == tender_id, _live_tender)
    )
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    return None if row is None else Membership(_tender(row._mapping), row._mapping["role"])


async def update_tender(db: Database, tender_id: int, fields: dict[str, Any]) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(tenders)
            .where(tenders.c.id == tender_id)
            .values(**fields, updated_at=time.time())
        )


async def delete_tender(db: Database, tender_id: int) -> None:
    now = time.time()
    async with db.begin() as conn:
        await conn.execute(update(tenders).where(tenders.c.id == tender_id).values(deleted_at=now))


async def list_members(db: Database, tender_id: int) -> list[dict[str, Any]]:
    from server.db.schema import users

    query = (
        select(
            members.c.user_id,
            members.c.role,
            members.c.created_at.label("joined_at"),
            users.c.email,
            users.c.name,
        )
        .join(users, users.c.id == members.c.user_id)
        .where(members.c.tender_id == tender_id)
        .order_by(users.c.name)
    )
    async with db.read() as conn:
        return [dict(r._mapping) for r in (await conn.execute(query)).all()]


async def create_document(
    db: Database, *, tender_id: int, creator_id: int, title: str, kind: str
) -> Document:
    now = time.time()
    async with db.begin() as conn:
        result = await conn.execute(
            insert(documents).values(
                tender_id=tender_id,
                title=title,
                kind=kind,
                created_by=creator_id,
                created_at=now,
                updated_at=now,
            )
        )
        document_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        await conn.execute(update(tenders).where(tenders.c.id == tender_id).values(updated_at=now))
    return Document(document_id, tender_id, title, kind, now, now)


async def list_documents(db: Database, tender_id: int) -> list[Document]:
    query = (
        select(documents)
        .where(documents.c.tender_id == tender_id, _live_document)
        .order_by(documents.c.id)
    )
    async with db.read() as conn:
        return [_document(r._mapping) for r in (await conn.execute(query)).all()]


async def get_document_access(
    db: Database, document_id: int, user_id: int
) -> tuple[Document, Membership] | None:
    """A live document and the user's membership of its tender, with the role that
    applies on this document (its override, else the tender role), or None (unknown or
    not visible to this user: callers answer 404 either way)."""
    query = (
        select(documents, tenders, members.c.role, document_roles.c.role.label("override"))
        .join(tenders, tenders.c.id == documents.c.tender_id)
        .join(members, and_(members.c.tender_id == tenders.c.id, members.c.user_id == user_id))
        .outerjoin(
            document_roles,
            and_(
                document_roles.c.document_id == documents.c.id,
                document_roles.c.user_id == user_id,
            ),
        )
        .where(documents.c.id == document_id, _live_document, _live_tender)
    )
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    if row is None:
        return None
    m = row._mapping
    document = Document(
        m[documents.c.id],
        m[documents.c.tender_id],
        m[documents.c.title],
        m[documents.c.kind],
        m[documents.c.created_at],
        m[documents.c.updated_at],
    )
    tender = Tender(
        id=m[tenders.c.id],
        title=m[tenders.c.title],
        reference=m[tenders.c.reference],
        purchase_category=m[tenders.c.purchase_category],
        estimated_value=m[tenders.c.estimated_value],
        launch_date=m[tenders.c.launch_date],
        status=m[tenders.c.status],
        created_at=m[tenders.c.created_at],
        updated_at=m[tenders.c.updated_at],
        moderation=bool(m[tenders.c.moderation]),
        comment_categories=m[tenders.c.comment_categories],
    )
    role = effective_role(m["role"], m["override"])
    return document, Membership(tender, role.value if role else "")


async def update_document(db: Database, document_id: int, *, title: str) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(documents)
            .where(documents.c.id == document_id)
            .values(title=title, updated_at=time.time())
        )


async def delete_document(db: Database, document_id: int) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(documents).where(documents.c.id == document_id).values(deleted_at=time.time())
        )


async def add_member(db: Database, tender_id: int, user_id: int, role: str) -> None:
    async with db.begin() as conn:
        await conn.execute(
            insert(members).values(
                tender_id=tender_id, user_id=user_id, role=role, created_at=time.time()
            )
        )


async def set_comment_settings(
    db: Database, tender_id: int, *, moderation: bool, categories_json: str
) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(tenders)
            .where(tenders.c.id == tender_id)
            .values(moderation=moderation, comment_categories=categories_json)
        )


async def set_feed_token(db: Database, tender_id: int, token_hash: str) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(tenders).where(tenders.c.id == tender_id).values(feed_token_hash=token_hash)
        )


async def tender_by_feed(db: Database, token_hash: str) -> Tender | None:
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(tenders).where(tenders.c.feed_token_hash == token_hash, _live_tender)
            )
        ).first()
    return None if row is None else _tender(row._mapping)
