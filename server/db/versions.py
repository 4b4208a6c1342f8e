"""Stored versions of documents, and who changed what between them."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, distinct, func, insert, select, update

from server.db.engine import Database
from server.db.schema import changes, document_visits, users, versions


@dataclass(frozen=True)
class Version:
    number: int
    created_at: float
    kind: str
    label: str
    authors: list[str]
    upto_change_id: int
    words_added: int
    words_removed: int

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "created_at": self.created_at,
            "kind": self.kind,
            "label": self.label,
            "authors": self.authors,
            "words_added": self.words_added,
            "words_removed": self.words_removed,
        }


_SUMMARY = (
    versions.c.number,
    versions.c.created_at,
    versions.c.kind,
    versions.c.label,
    versions.c.author_ids,
    versions.c.upto_change_id,
    versions.c.words_added,
    versions.c.words_removed,
)


async def _names(conn: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await conn.execute(select(users.c.id, users.c.name).where(users.c.id.in_(ids)))
    return {r[0]: r[1] for r in rows.all()}


def _version(m: Any, names: dict[int, str]) -> Version:
    ids = json.loads(m["author_ids"])
    return Version(
        m["number"],
        m["created_at"],
        m["kind"],
        m["label"],
        [names.get(i, "?") for i in ids],
        m["upto_change_id"],
        m["words_added"],
        m["words_removed"],
    )


async def list_versions(db: Database, document_id: int) -> list[Version]:
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(*_SUMMARY)
                .where(versions.c.document_id == document_id)
                .order_by(versions.c.number.desc())
            )
        ).all()
        ids = {i for r in rows for i in json.loads(r._mapping["author_ids"])}
        names = await _names(conn, ids)
    return [_version(r._mapping, names) for r in rows]


async def latest(db: Database, document_id: int) -> tuple[Version, str] | None:
    """The newest version and its text."""
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(*_SUMMARY, versions.c.text)
                .where(versions.c.document_id == document_id)
                .order_by(versions.c.number.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return None
        names = await _names(conn, set(json.loads(row._mapping["author_ids"])))
    return _version(row._mapping, names), row._mapping["text"]


async def get_version(db: Database, document_id: int, number: int) -> tuple[Version, bytes] | None:
    """A version and its encoded state."""
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(*_SUMMARY, versions.c.state).where(
                    versions.c.document_id == document_id, versions.c.number == number
                )
            )
        ).first()
        if row is None:
            return None
        names = await _names(conn, set(json.loads(row._mapping["author_ids"])))
    return _version(row._mapping, names), bytes(row._mapping["state"])


async def authors_between(db: Database, document_id: int, after: int, upto: int) -> list[int]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(distinct(changes.c.author_id)).where(
                changes.c.document_id == document_id,
                changes.c.id > after,
                changes.c.id <= upto,
                changes.c.author_id.is_not(None),
            )
        )
        return sorted(int(r[0]) for r in rows.all())


async def add_version(
    db: Database,
    *,
    document_id: int,
    kind: str,
    label: str,
    created_by: int | None,
    author_ids: list[int],
    upto_change_id: int,
    state: bytes,
    text: str,
    words_added: int,
    words_removed: int,
) -> int:
    """Store a version with the next number of its document; return that number."""
    async with db.begin() as conn:
        number = 1 + int(
            await conn.scalar(
                select(func.coalesce(func.max(versions.c.number), 0)).where(
                    versions.c.document_id == document_id
                )
            )
            or 0
        )
        await conn.execute(
            insert(versions).values(
                document_id=document_id,
                number=number,
                created_at=time.time(),
                kind=kind,
                label=label,
                created_by=created_by,
                author_ids=json.dumps(author_ids),
                upto_change_id=upto_change_id,
                state=state,
                text=text,
                words_added=words_added,
                words_removed=words_removed,
            )
        )
    return number


async def texts(db: Database, document_id: int) -> list[tuple[int, str, list[int], float]]:
    """(number, text, author ids, created_at) of every version, oldest first."""
    async with db.read() as conn:
        rows = await conn.execute(
            select(versions.c.number, versions.c.text, versions.c.author_ids, versions.c.created_at)
            .where(versions.c.document_id == document_id)
            .order_by(versions.c.number)
        )
        return [(r[0], r[1], json.loads(r[2]), r[3]) for r in rows.all()]


async def record_visit(db: Database, document_id: int, user_id: int, latest_number: int) -> int:
    """Remember that the user saw `latest_number`; return the version seen on the visit
    before (0 if none)."""
    now = time.time()
    key = and_(document_visits.c.document_id == document_id, document_visits.c.user_id == user_id)
    async with db.begin() as conn:
        row = (await conn.execute(select(document_visits).where(key))).first()
        if row is None:
            await conn.execute(
                insert(document_visits).values(
                    document_id=document_id,
                    user_id=user_id,
                    seen_version=latest_number,
                    previous_version=0,
                    visited_at=now,
                )
            )
            return 0
        seen, previous = row._mapping["seen_version"], row._mapping["previous_version"]
        if seen != latest_number:
            previous, seen = seen, latest_number
        await conn.execute(
            update(document_visits)
            .where(key)
            .values(seen_version=seen, previous_version=previous, visited_at=now)
        )
        return int(previous)
