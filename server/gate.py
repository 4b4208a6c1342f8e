"""Who may open a document's websocket, decided from the session cookie and the roles table."""

from __future__ import annotations

from typing import Any

from starlette.websockets import WebSocket

from roles import Action, can
from roles.workflow import may_edit
from server.db import members
from server.db.admission import NOT_SIGNED_IN, Outcome, SocketAccess, socket_access
from server.gather import GatheredReads
from server.http.routing import SESSION_COOKIE
from server.security.tokens import token_hash
from server.sync.connection import Identity
from server.sync.endpoint import Admission
from server.sync.protocol import CloseCode


def origin_checker(services: Any) -> Any:
    def origin_ok(websocket: WebSocket) -> bool:
        origin = websocket.headers.get("origin")
        allowed = services.settings.allowed_origins(websocket.headers.get("host"))
        return origin is not None and origin in allowed

    return origin_ok


def admitter(services: Any) -> Any:
    # Admissions arriving together are read together (two queries for a whole burst).
    reads: GatheredReads[tuple[str, int], Outcome] = GatheredReads(
        lambda keys: socket_access(services.db, keys)
    )

    async def admit(websocket: WebSocket, document_id: int) -> Admission | int:
        cookie = websocket.cookies.get(SESSION_COOKIE)
        if not cookie or len(cookie) > 200:
            return CloseCode.NOT_SIGNED_IN
        hashed = token_hash(cookie)
        access = await reads.get((hashed, document_id))
        if access == NOT_SIGNED_IN:
            return CloseCode.NOT_SIGNED_IN
        if not isinstance(access, SocketAccess):
            return CloseCode.NOT_FOUND
        if not can(access.role, Action.DOCUMENT_READ):
            return CloseCode.FORBIDDEN
        identity = Identity(
            user_id=access.user_id,
            user_name=access.user_name,
            session_hash=hashed,
            document_id=access.document_id,
            tender_id=access.tender_id,
        )
        return Admission(
            identity,
            can_edit=may_edit(access.role, access.tender_status),
            role=access.role.value if access.role else "",
        )

    return admit


def refusal_logger(services: Any) -> Any:
    async def log_refusal(identity: Identity, reason: str) -> None:
        await members.log_activity(
            services.db,
            identity.tender_id,
            identity.user_id,
            "access_refused",
            action="document.edit",
            document=identity.document_id,
            reason=reason,
        )

    return log_refusal


def activity_recorder(services: Any) -> Any:
    async def record(identity: Identity) -> None:
        await members.touch_activity(services.db, identity.tender_id, identity.user_id)

    return record
