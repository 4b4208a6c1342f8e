"""The document socket's admission read: sessions, users, documents and roles, in bulk.

Every websocket connection is admitted before it is served, and a whole office reconnects
at once after a restart. Per connection, two reads through the pool cost about 2 ms of the
event loop; here the connections waiting at the same moment are admitted together, with
two statements whatever their number (`server/gate.py` gathers them). The rules are those
of `accounts.get_session` and `tenders.get_document_access`, which the HTTP routes use.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select

from roles import Role, effective_role
from server.db.engine import Database
from server.db.schema import document_roles, documents, members, sessions, tenders, users


@dataclass(frozen=True, slots=True)
class SocketAccess:
    """Who is connecting, and what they are on the document (role None: not a member)."""

    user_id: int
    user_name: str
    document_id: int
    tender_id: int
    tender_status: str
    role: Role | None


# The outcome for one (cookie hash, document) request.
NOT_SIGNED_IN = "not signed in"  # unknown or expired session, or deactivated user
NOT_FOUND = "not found"  # unknown or deleted document, or not a member of its tender
Outcome = SocketAccess | str

_SESSIONS = (
    select(sessions.c.token_hash, sessions.c.expires_at, users.c.id, users.c.name)
    .join(users, users.c.id == sessions.c.user_id)
    .where(sessions.c.token_hash.in_(bindparam("hashes", expanding=True)), users.c.is_active)
)

_ROLES = (
    select(
        documents.c.id,
        documents.c.tender_id,
        tenders.c.status,
        members.c.user_id,
        members.c.role,
        document_roles.c.role.label("override"),
    )
    .join(tenders, tenders.c.id == documents.c.tender_id)
    .join(members, members.c.tender_id == tenders.c.id)
    .outerjoin(
        document_roles,
        and_(
            document_roles.c.document_id == documents.c.id,
            document_roles.c.user_id == members.c.user_id,
        ),
    )
    .where(
        documents.c.id.in_(bindparam("documents", expanding=True)),
        members.c.user_id.in_(bindparam("users", expanding=True)),
        documents.c.deleted_at.is_(None),
        tenders.c.deleted_at.is_(None),
    )
)


async def socket_access(
    db: Database, requests: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], Outcome]:
    """For each (session cookie hash, document id): a SocketAccess, NOT_SIGNED_IN or
    NOT_FOUND (callers answer "not found" for documents the user may not see)."""
    wanted = set(requests)
    hashes = sorted({token_hash for token_hash, _ in wanted})
    now = time.time()
    async with db.read() as conn:
        signed_in = {
            row.token_hash: (row.id, row.name)
            for row in await conn.execute(_SESSIONS, {"hashes": hashes})
            if row.expires_at >= now
        }
        roles = {}
        if signed_in:
            parameters = {
                "documents": sorted({document for _, document in wanted}),
                "users": sorted({user_id for user_id, _ in signed_in.values()}),
            }
            roles = {(row.user_id, row.id): row for row in await conn.execute(_ROLES, parameters)}
    outcomes: dict[tuple[str, int], Outcome] = {}
    for token_hash, document_id in wanted:
        user = signed_in.get(token_hash)
        if user is None:
            outcomes[token_hash, document_id] = NOT_SIGNED_IN
            continue
        row = roles.get((user[0], document_id))
        if row is None:
            outcomes[token_hash, document_id] = NOT_FOUND
            continue
        outcomes[token_hash, document_id] = SocketAccess(
            user_id=user[0],
            user_name=user[1],
            document_id=document_id,
            tender_id=row.tender_id,
            tender_status=row.status,
            role=effective_role(row.role, row.override),
        )
    return outcomes
