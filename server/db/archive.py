"""Every stored row of one tender, read out and written back under new ids (archives).

`dump` reads the tender, its members and document roles, documents (deleted ones too:
they are part of the history), the full change log, versions, comments, activity and
reviews. `load` inserts them into another database in one transaction, mapping every id
(users by e-mail address) and every change-log position that points into the history.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import time
from typing import Any

from sqlalchemy import Table, insert, select

from server.db.engine import Database
from server.db.schema import (
    activity,
    changes,
    comments,
    document_roles,
    documents,
    members,
    reviews,
    tenders,
    users,
    versions,
)

Dump = dict[str, Any]
NO_PASSWORD = "!archived"  # noqa: S105 - never a valid hash: such accounts sign in only after a reset


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in result.all()]


async def dump(db: Database, tender_id: int) -> Dump:
    async with db.read() as conn:
        tender = (await conn.execute(select(tenders).where(tenders.c.id == tender_id))).first()
        if tender is None:
            raise LookupError(tender_id)
        docs = _rows(
            await conn.execute(
                select(documents).where(documents.c.tender_id == tender_id).order_by(documents.c.id)
            )
        )
        ids = [d["id"] for d in docs]

        async def of_documents(table: Table, order: Any) -> list[dict[str, Any]]:
            query = select(table).where(table.c.document_id.in_(ids)).order_by(*order)
            return _rows(await conn.execute(query))

        out: Dump = {
            "tender": dict(tender._mapping),
            "members": _rows(
                await conn.execute(select(members).where(members.c.tender_id == tender_id))
            ),
            "documents": docs,
            "document_roles": await of_documents(document_roles, [document_roles.c.document_id]),
            "changes": await of_documents(changes, [changes.c.id]),
            "versions": await of_documents(versions, [versions.c.document_id, versions.c.number]),
            "comments": await of_documents(comments, [comments.c.id]),
            "activity": _rows(
                await conn.execute(
                    select(activity)
                    .where(activity.c.tender_id == tender_id)
                    .order_by(activity.c.id)
                )
            ),
            "reviews": _rows(
                await conn.execute(select(reviews).where(reviews.c.tender_id == tender_id))
            ),
        }
        user_ids = _user_ids(out)
        out["users"] = _rows(
            await conn.execute(
                select(users.c.id, users.c.email, users.c.name).where(users.c.id.in_(user_ids))
            )
        )
    launch = out["tender"].get("launch_date")
    if isinstance(launch, dt.date):
        out["tender"]["launch_date"] = launch.isoformat()
    return out


def _user_ids(out: Dump) -> set[int]:
    found = {out["tender"]["created_by"]}
    for key, fields in {
        "members": ("user_id",),
        "documents": ("created_by",),
        "document_roles": ("user_id",),
        "changes": ("author_id",),
        "versions": ("created_by",),
        "comments": ("author_id",),
        "activity": ("actor_id",),
        "reviews": ("user_id", "requested_by"),
    }.items():
        for row in out[key]:
            found.update(row[f] for f in fields if row[f] is not None)
    for row in out["versions"]:
        found.update(json.loads(row["author_ids"]))
    return found


class _Positions:
    """Maps change-log positions of the archive (per document) to the new ones."""

    def __init__(self) -> None:
        self.old: dict[int, list[int]] = {}
        self.new: dict[int, list[int]] = {}

    def add(self, document: int, old: int, new: int) -> None:
        self.old.setdefault(document, []).append(old)
        self.new.setdefault(document, []).append(new)

    def map(self, document: int, old: int) -> int:
        olds = self.old.get(document, [])
        index = bisect.bisect_right(olds, old) - 1  # the newest change at or before `old`
        return self.new[document][index] if index >= 0 else 0


async def load(db: Database, data: Dump, owner_id: int) -> int:
    """Insert the archive as a new tender managed (also) by `owner_id`; its new id."""
    async with db.begin() as conn:
        user_map: dict[int, int] = {}
        for row in data["users"]:
            found = await conn.scalar(select(users.c.id).where(users.c.email == row["email"]))
            if found is None:
                result = await conn.execute(
                    insert(users).values(
                        email=row["email"],
                        name=row["name"],
                        password_hash=NO_PASSWORD,
                        is_admin=False,
                        is_active=False,
                        created_at=time.time(),
                    )
                )
                found = result.inserted_primary_key[0]  # type: ignore[index]
            user_map[row["id"]] = int(found)

        def user(old: int | None) -> int | None:
            return None if old is None else user_map[old]

        tender = {k: v for k, v in data["tender"].items() if k != "id"}
        if tender.get("launch_date"):
            tender["launch_date"] = dt.date.fromisoformat(tender["launch_date"])
        tender["created_by"] = user(tender["created_by"])
        tender["feed_token_hash"] = None  # a secret of the other instance
        tender_id = int(
            (await conn.execute(insert(tenders).values(**tender))).inserted_primary_key[0]  # type: ignore[index]
        )
        for row in data["members"]:
            uid = user(row["user_id"])
            if uid == owner_id:
                continue
            await conn.execute(
                insert(members).values({**row, "tender_id": tender_id, "user_id": uid})
            )
        await conn.execute(
            insert(members).values(
                tender_id=tender_id, user_id=owner_id, role="manager", created_at=time.time()
            )
        )
        doc_map: dict[int, int] = {}
        for row in data["documents"]:
            values = {k: v for k, v in row.items() if k != "id"}
            values.update(tender_id=tender_id, created_by=user(row["created_by"]))
            result = await conn.execute(insert(documents).values(**values))
            doc_map[row["id"]] = int(result.inserted_primary_key[0])  # type: ignore[index]
        for row in data["document_roles"]:
            await conn.execute(
                insert(document_roles).values(
                    document_id=doc_map[row["document_id"]],
                    user_id=user(row["user_id"]),
                    role=row["role"],
                )
            )
        positions = _Positions()
        for row in data["changes"]:
            result = await conn.execute(
                insert(changes).values(
                    document_id=doc_map[row["document_id"]],
                    author_id=user(row["author_id"]),
                    created_ms=row["created_ms"],
                    data=row["data"],
                )
            )
            positions.add(row["document_id"], row["id"], int(result.inserted_primary_key[0]))  # type: ignore[index]
        for row in data["versions"]:
            values = {k: v for k, v in row.items() if k != "id"}
            values.update(
                document_id=doc_map[row["document_id"]],
                created_by=user(row["created_by"]),
                author_ids=json.dumps([user_map[a] for a in json.loads(row["author_ids"])]),
                upto_change_id=positions.map(row["document_id"], row["upto_change_id"]),
            )
            await conn.execute(insert(versions).values(**values))
        comment_map: dict[int, int] = {}
        for row in data["comments"]:
            values = {k: v for k, v in row.items() if k != "id"}
            values.update(
                document_id=doc_map[row["document_id"]],
                author_id=user(row["author_id"]),
                parent_id=comment_map.get(row["parent_id"]) if row["parent_id"] else None,
                mentions=json.dumps(
                    [user_map.get(m) for m in json.loads(row["mentions"]) if m in user_map]
                ),
            )
            result = await conn.execute(insert(comments).values(**values))
            comment_map[row["id"]] = int(result.inserted_primary_key[0])  # type: ignore[index]
        for row in data["activity"]:
            values = {k: v for k, v in row.items() if k != "id"}
            values.update(tender_id=tender_id, actor_id=user(row["actor_id"]))
            await conn.execute(insert(activity).values(**values))
        for row in data["reviews"]:
            old = {int(k): v for k, v in json.loads(row["positions"]).items()}
            mapped = {str(doc_map[d]): positions.map(d, p) for d, p in old.items() if d in doc_map}
            values = {**row, "tender_id": tender_id, "user_id": user(row["user_id"])}
            values.update(requested_by=user(row["requested_by"]), positions=json.dumps(mapped))
            await conn.execute(insert(reviews).values(**values))
    return tender_id
