"""The clause library in SQL: stored versions, seeding, curation, usage and search.

Each row holds one clause version as its catalogue JSON entry (`clauses` parses it exactly
like a shipped one). Only validated versions are in the full-text index, so a search never
offers a draft or a deprecated text. SQLite uses FTS5 (accent-folding `unicode61`); other
databases fall back to an accent-folded LIKE over `search_text` until they get their own
full-text index.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, and_, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

import clauses
from server.db.engine import Database
from server.db.schema import clause_uses, clause_versions, tenders, users


@dataclass(frozen=True)
class StoredVersion:
    clause_id: str
    version: int
    family: str
    status: str
    entry: dict[str, Any]
    origin: str
    proposed_by: int | None
    proposer_name: str | None
    review_note: str
    created_at: float
    updated_at: float


def _body(entry: dict[str, Any]) -> str:
    text = entry.get("text", "")
    text = "\n\n".join(text) if isinstance(text, list) else str(text)
    return "\n".join([text, str(entry.get("usage_notes", "")), *entry.get("tags", [])])


def _search_text(entry: dict[str, Any]) -> str:
    parts = [entry.get("title", ""), _body(entry)]
    parts += [p.get("label", "") for p in entry.get("parameters", [])]
    return clauses.fold("\n".join(str(part) for part in parts))


def _row_values(family: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "family": family,
        "kind": entry["kind"],
        "status": entry["status"],
        "title": entry["title"],
        "pieces": "|" + "|".join(entry.get("pieces", [])) + "|",
        "ccag": "|" + "|".join(entry.get("ccag", [])) + "|",
        "search_text": _search_text(entry),
        "data": json.dumps(entry, ensure_ascii=False, sort_keys=True),
    }


async def _reindex(conn: AsyncConnection, clause_id: str, version: int, entry: dict[str, Any]):
    if conn.dialect.name != "sqlite":
        return
    await conn.execute(
        text("DELETE FROM clause_fts WHERE clause_id = :c AND version = :v"),
        {"c": clause_id, "v": version},
    )
    if entry["status"] == clauses.Status.VALIDATED.value:
        body = _body(entry)
        await conn.execute(
            text("INSERT INTO clause_fts (title, body, clause_id, version) VALUES (:t,:b,:c,:v)"),
            {"t": entry["title"], "b": body, "c": clause_id, "v": version},
        )


async def seed(db: Database, entries: Iterable[tuple[str, dict[str, Any]]]) -> int:
    """Store the shipped catalogue versions the database does not hold yet; returns how many.

    A version already stored is never overwritten: curators may have deprecated it."""
    async with db.read() as conn:
        held = {
            tuple(r)
            for r in (
                await conn.execute(select(clause_versions.c.clause_id, clause_versions.c.version))
            ).all()
        }
    missing = [(f, e) for f, e in entries if (e["id"], e["version"]) not in held]
    if not missing:
        return 0
    now = time.time()
    async with db.begin() as conn:
        for family, entry in missing:
            await conn.execute(
                insert(clause_versions).values(
                    clause_id=entry["id"],
                    version=entry["version"],
                    origin="catalogue",
                    review_note="",
                    created_at=now,
                    updated_at=now,
                    **_row_values(family, entry),
                )
            )
            await _reindex(conn, entry["id"], entry["version"], entry)
    return len(missing)


async def generation(db: Database) -> tuple[int, float]:
    """Changes whenever a version is added or curated (cache key of the in-memory library)."""
    query = select(func.count(), func.max(clause_versions.c.updated_at))
    async with db.read() as conn:
        count, latest = (await conn.execute(query)).one()
    return int(count), float(latest or 0.0)


async def all_versions(db: Database) -> list[StoredVersion]:
    query = (
        select(clause_versions, users.c.name.label("proposer_name"))
        .outerjoin(users, users.c.id == clause_versions.c.proposed_by)
        .order_by(clause_versions.c.clause_id, clause_versions.c.version)
    )
    async with db.read() as conn:
        rows = (await conn.execute(query)).all()
    return [
        StoredVersion(
            m["clause_id"],
            m["version"],
            m["family"],
            m["status"],
            json.loads(m["data"]),
            m["origin"],
            m["proposed_by"],
            m["proposer_name"],
            m["review_note"],
            m["created_at"],
            m["updated_at"],
        )
        for m in (r._mapping for r in rows)
    ]


async def add_version(
    db: Database, family: str, entry: dict[str, Any], *, proposed_by: int | None
) -> bool:
    """Store a proposed version; False if that (clause, version) already exists."""
    now = time.time()
    key = and_(
        clause_versions.c.clause_id == entry["id"], clause_versions.c.version == entry["version"]
    )
    async with db.begin() as conn:
        if await conn.scalar(select(func.count()).where(key)):
            return False
        await conn.execute(
            insert(clause_versions).values(
                clause_id=entry["id"],
                version=entry["version"],
                origin="proposal",
                proposed_by=proposed_by,
                review_note="",
                created_at=now,
                updated_at=now,
                **_row_values(family, entry),
            )
        )
        await _reindex(conn, entry["id"], entry["version"], entry)
    return True


async def curate(
    db: Database, family: str, entry: dict[str, Any], *, reviewer: int, note: str
) -> None:
    """Store a curator's decision on a version (its entry with the new status)."""
    key = and_(
        clause_versions.c.clause_id == entry["id"], clause_versions.c.version == entry["version"]
    )
    async with db.begin() as conn:
        await conn.execute(
            update(clause_versions)
            .where(key)
            .values(
                reviewed_by=reviewer,
                review_note=note,
                updated_at=time.time(),
                **_row_values(family, entry),
            )
        )
        await _reindex(conn, entry["id"], entry["version"], entry)


async def search(
    db: Database, terms: list[str], filters: dict[str, str], limit: int
) -> list[tuple[str, int]]:
    """(clause id, version) of validated versions matching every term, best first."""
    conditions = [clause_versions.c.status == clauses.Status.VALIDATED.value]
    for column in ("family", "kind"):
        if filters.get(column):
            conditions.append(clause_versions.c[column] == filters[column])
    if filters.get("piece"):
        conditions.append(clause_versions.c.pieces.contains(f"|{filters['piece']}|"))
    if filters.get("ccag"):
        ccag = clause_versions.c.ccag
        conditions.append((ccag == "||") | ccag.contains(f"|{filters['ccag']}|"))
    key = (clause_versions.c.clause_id, clause_versions.c.version)
    async with db.read() as conn:
        if not terms:
            query = select(*key).where(*conditions).order_by(clause_versions.c.title)
        elif conn.dialect.name == "sqlite":
            fts = text(
                "SELECT clause_id, version, bm25(clause_fts, 8.0, 1.0) AS rank "
                "FROM clause_fts WHERE clause_fts MATCH :q"
            ).columns(clause_id=String(), version=Integer())
            hits = fts.subquery("hits")
            query = (
                select(*key)
                .join(
                    hits,
                    and_(
                        hits.c.clause_id == clause_versions.c.clause_id,
                        hits.c.version == clause_versions.c.version,
                    ),
                )
                .where(*conditions)
                .order_by(text("hits.rank"))
            )
            match = " ".join(f'"{term}"*' for term in terms)
            rows = (await conn.execute(query.limit(limit), {"q": match})).all()
            return [(r[0], int(r[1])) for r in rows]
        else:
            for term in terms:
                conditions.append(clause_versions.c.search_text.contains(term, autoescape=True))
            query = select(*key).where(*conditions).order_by(clause_versions.c.title)
        rows = (await conn.execute(query.limit(limit))).all()
    return [(r[0], int(r[1])) for r in rows]


async def usage_counts(db: Database) -> dict[str, int]:
    """Number of live tenders using each clause."""
    query = (
        select(clause_uses.c.clause_id, func.count(func.distinct(clause_uses.c.tender_id)))
        .join(tenders, tenders.c.id == clause_uses.c.tender_id)
        .where(tenders.c.deleted_at.is_(None))
        .group_by(clause_uses.c.clause_id)
    )
    async with db.read() as conn:
        return {r[0]: int(r[1]) for r in (await conn.execute(query)).all()}


async def tender_uses(db: Database, tender_id: int) -> list[dict[str, Any]]:
    """The clause blocks of a tender's documents, as last indexed."""
    query = select(clause_uses).where(clause_uses.c.tender_id == tender_id)
    async with db.read() as conn:
        return [dict(r._mapping) for r in (await conn.execute(query)).all()]


async def replace_uses(
    conn: AsyncConnection, document_id: int, tender_id: int, uses: list[dict[str, Any]]
) -> None:
    await conn.execute(delete(clause_uses).where(clause_uses.c.document_id == document_id))
    if uses:
        rows = [{"document_id": document_id, "tender_id": tender_id, **use} for use in uses]
        await conn.execute(insert(clause_uses), rows)
