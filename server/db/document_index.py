"""What each document currently says, kept for search across tenders and for compliance.

A row per document: its plain text (accent-folded copy for LIKE search), the change it was
read at, and its clause blocks (`clause_uses`). SQLite also keeps an FTS5 index of the text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, delete, func, insert, select, text, update

import clauses
from server.db.clause_library import replace_uses
from server.db.engine import Database
from server.db.schema import document_index, documents, members, tenders


@dataclass(frozen=True)
class DocumentHit:
    document_id: int
    document_title: str
    document_kind: str
    tender_id: int
    tender_title: str
    tender_reference: str
    text: str


async def store(
    db: Database,
    *,
    document_id: int,
    tender_id: int,
    plain: str,
    upto_change_id: int,
    uses: list[dict[str, Any]],
) -> None:
    """Replace what the index knows about one document."""
    values = {
        "tender_id": tender_id,
        "text": plain,
        "search_text": clauses.fold(plain),
        "upto_change_id": upto_change_id,
        "indexed_at": time.time(),
    }
    async with db.begin() as conn:
        found = await conn.scalar(
            select(func.count()).where(document_index.c.document_id == document_id)
        )
        if found:
            await conn.execute(
                update(document_index)
                .where(document_index.c.document_id == document_id)
                .values(**values)
            )
        else:
            await conn.execute(insert(document_index).values(document_id=document_id, **values))
        if conn.dialect.name == "sqlite":
            await conn.execute(
                text("DELETE FROM document_fts WHERE document_id = :d"), {"d": document_id}
            )
            await conn.execute(
                text("INSERT INTO document_fts (text, document_id) VALUES (:t, :d)"),
                {"t": plain, "d": document_id},
            )
        await replace_uses(conn, document_id, tender_id, uses)


async def indexed_upto(db: Database, document_ids: list[int]) -> dict[int, int]:
    """The change each document was last indexed at (absent: never indexed)."""
    if not document_ids:
        return {}
    query = select(document_index.c.document_id, document_index.c.upto_change_id).where(
        document_index.c.document_id.in_(document_ids)
    )
    async with db.read() as conn:
        return {int(r[0]): int(r[1]) for r in (await conn.execute(query)).all()}


async def unindexed(db: Database, limit: int = 1000) -> list[tuple[int, int]]:
    """(document id, tender id) of live documents the index has never read."""
    query = (
        select(documents.c.id, documents.c.tender_id)
        .outerjoin(document_index, document_index.c.document_id == documents.c.id)
        .where(document_index.c.document_id.is_(None), documents.c.deleted_at.is_(None))
        .limit(limit)
    )
    async with db.read() as conn:
        return [(int(r[0]), int(r[1])) for r in (await conn.execute(query)).all()]


async def forget(db: Database, document_id: int) -> None:
    async with db.begin() as conn:
        await conn.execute(
            delete(document_index).where(document_index.c.document_id == document_id)
        )
        if conn.dialect.name == "sqlite":
            await conn.execute(
                text("DELETE FROM document_fts WHERE document_id = :d"), {"d": document_id}
            )


async def search(db: Database, user_id: int, terms: list[str], limit: int) -> list[DocumentHit]:
    """Live documents of the user's tenders whose text holds every term (prefixes)."""
    readable = and_(
        members.c.user_id == user_id,
        tenders.c.deleted_at.is_(None),
        documents.c.deleted_at.is_(None),
    )
    query = (
        select(
            documents.c.id,
            documents.c.title,
            documents.c.kind,
            tenders.c.id,
            tenders.c.title,
            tenders.c.reference,
            document_index.c.text,
        )
        .select_from(document_index)
        .join(documents, documents.c.id == document_index.c.document_id)
        .join(tenders, tenders.c.id == documents.c.tender_id)
        .join(members, members.c.tender_id == tenders.c.id)
        .where(readable)
    )
    params: dict[str, Any] = {}
    async with db.read() as conn:
        if conn.dialect.name == "sqlite":
            hits = text(
                "SELECT document_id, bm25(document_fts) AS rank FROM document_fts "
                "WHERE document_fts MATCH :q"
            ).columns(document_id=Integer())
            sub = hits.subquery("hits")
            query = query.join(sub, sub.c.document_id == documents.c.id).order_by(text("hits.rank"))
            params["q"] = " ".join(f'"{term}"*' for term in terms)
        else:
            for term in terms:
                query = query.where(document_index.c.search_text.contains(term, autoescape=True))
            query = query.order_by(tenders.c.updated_at.desc())
        rows = (await conn.execute(query.limit(limit), params)).all()
    return [DocumentHit(int(r[0]), r[1], r[2], int(r[3]), r[4], r[5], r[6]) for r in rows]


async def tender_of(db: Database, document_id: int) -> int | None:
    async with db.read() as conn:
        value = await conn.scalar(
            select(documents.c.tender_id).where(documents.c.id == document_id)
        )
    return None if value is None else int(value)


async def tender_texts(db: Database, tender_id: int) -> dict[int, str]:
    """Indexed text of each live document of a tender."""
    query = (
        select(document_index.c.document_id, document_index.c.text)
        .join(documents, documents.c.id == document_index.c.document_id)
        .where(document_index.c.tender_id == tender_id, documents.c.deleted_at.is_(None))
    )
    async with db.read() as conn:
        return {int(r[0]): r[1] for r in (await conn.execute(query)).all()}
