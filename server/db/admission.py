"""The document socket's admission read: session, user, document and role in one query.

Every websocket connection runs this before it is served, and a whole office reconnects
at once after a restart, so it is one statement, built once, on one pooled connection:
the session (live, of an active user) and the user's membership of the document's tender
(with the document's role override). Same rules as `accounts.get_session` and
`tenders.get_document_access`, which the HTTP routes use.
"""

from __future__ import annotations

import time
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


class NotSignedIn(Exception):
    """No live session for this cookie."""


_STATEMENT = (
    select(
        sessions.c.expires_at,
        users.c.id,
        users.c.name,
        users.c.is_active,
        documents.c.id.label("document_id"),
        tenders.c.id.label("tender_id"),
        tenders.c.status,
        members.c.role,
        document_roles.c.role.label("override"),
    )
    .select_from(sessions)
    .join(users, users.c.id == sessions.c.user_id)
    .outerjoin(
        documents,
        and_(documents.c.id == bindparam("document_id"), documents.c.deleted_at.is_(None)),
    )
    .outerjoin(tenders, and_(tenders.c.id == documents.c.tender_id, tenders.c.deleted_at.is_(None)))
    .outerjoin(members, and_(members.c.tender_id == tenders.c.id, members.c.user_id == users.c.id))
    .outerjoin(
        document_roles,
        and_(
            document_roles.c.document_id == documents.c.id,
            document_roles.c.user_id == users.c.id,
        ),
    )
    .where(sessions.c.token_hash == bindparam("token_hash"))
)


async def socket_access(db: Database, token_hash: str, document_id: int) -> SocketAccess | None:
    """The caller's access to a document; None when the document is unknown or deleted or
    the user is not a member of its tender (callers answer "not found" either way).

    Raises NotSignedIn when the session is unknown, expired or its user deactivated.
    """
    async with db.read() as conn:
        result = await conn.execute(
            _STATEMENT, {"token_hash": token_hash, "document_id": document_id}
        )
        row = result.first()
    if row is None:
        raise NotSignedIn
    m = row._mapping
    if m["expires_at"] < time.time() or not m["is_active"]:
        raise NotSignedIn
    if m["tender_id"] is None or m["role"] is None:
        return None
    return SocketAccess(
        user_id=m["id"],
        user_name=m["name"],
        document_id=m["document_id"],
        tender_id=m["tender_id"],
        tender_status=m["status"],
        role=effective_role(m["role"], m["override"]),
    )
