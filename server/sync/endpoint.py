"""The websocket endpoint `/ws/documents/{document_id}` (y-websocket protocol).

Authentication and authorization happen here, in the endpoint itself, before the first
document byte is sent: Starlette's BaseHTTPMiddleware does not run for websockets, so no
middleware can be relied upon. The Origin header is checked before the handshake is
accepted (cross-site websocket hijacking); the session and the document's visibility are
checked next, and refusals close the socket with 4401, 4403 or 4404.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from server.sync.connection import Connection, Identity
from server.sync.protocol import CloseCode, ProtocolViolation, encode_access
from server.sync.room import Room
from server.sync.rooms import RoomManager

log = logging.getLogger("wikimarche.sync")

# Frames read in a row from one connection, at most, before other connections run. The
# document updates among them are integrated together (merged) once the loop yields.
YIELD_EVERY = 64


PATH_PREFIX = "/ws/documents/"


class FrameSocket(WebSocket):
    """A Starlette WebSocket whose frames skip its per-message state checks: the handshake
    and the close go through them, frames (the hot path) straight to the server."""

    async def send_frame(self, data: bytes) -> None:
        await self._send({"type": "websocket.send", "bytes": data})

    async def receive_message(self) -> Message:
        return await self._receive()


class DocumentSocketRoute:
    """ASGI middleware owning `/ws/documents/{document_id}`: those handshakes go straight to
    the endpoint, not through the HTTP middleware and the router's list of page and API
    routes (a reconnecting office opens hundreds at once). Everything else passes on."""

    def __init__(self, app: ASGIApp, handle: Callable[[FrameSocket], Awaitable[None]]) -> None:
        self.app = app
        self.handle = handle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"].startswith(PATH_PREFIX):
            scope["path_params"] = {"document_id": scope["path"][len(PATH_PREFIX) :]}
            await self.handle(FrameSocket(scope, receive, send))
            return
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Admission:
    identity: Identity
    can_edit: bool
    role: str = ""


# Returns an Admission, or the close code of the refusal.
Admit = Callable[[WebSocket, int], Awaitable[Admission | int]]
OriginCheck = Callable[[WebSocket], bool]
# Told about refused writes (read-only roles), for the tender's activity log.
OnRefusal = Callable[[Identity, str], Awaitable[None]]
# Told when a client leaves (its member's "last activity"), off the connection's path.
OnLeave = Callable[[Identity], Coroutine[Any, Any, None]]


class DocumentSocket:
    """Serves one websocket connection to a document's room."""

    def __init__(
        self,
        manager: RoomManager,
        admit: Admit,
        origin_ok: OriginCheck,
        *,
        queue_limit: int,
        max_frame_bytes: int,
        on_refusal: OnRefusal | None = None,
        on_leave: OnLeave | None = None,
    ) -> None:
        self.on_refusal = on_refusal
        self.on_leave = on_leave
        self._background: set[asyncio.Task[None]] = set()
        self.manager = manager
        self.admit = admit
        self.origin_ok = origin_ok
        self.queue_limit = queue_limit
        self.max_frame_bytes = max_frame_bytes

    async def handle(self, websocket: FrameSocket) -> None:
        if not self.origin_ok(websocket):
            # Not accepted: the browser sees a failed handshake (HTTP 403).
            await websocket.close(code=CloseCode.FORBIDDEN)
            return
        raw_id = websocket.path_params.get("document_id", "")
        document_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 19 else -1
        await websocket.accept()
        if document_id < 0:
            await websocket.close(code=CloseCode.NOT_FOUND)
            return
        epoch = self.manager.access_epoch
        verdict = await self.admit(websocket, document_id)
        if isinstance(verdict, int):
            await websocket.close(code=verdict)
            return
        await self._serve(websocket, document_id, verdict, epoch)

    async def _serve(
        self, websocket: FrameSocket, document_id: int, admission: Admission, epoch: int
    ) -> None:
        async def close(code: int, reason: str) -> None:
            await websocket.close(code=code, reason=reason[:100])

        conn = Connection(
            admission.identity,
            can_edit=admission.can_edit,
            role=admission.role,
            wants_ack=websocket.query_params.get("ack") == "1",
            send_bytes=websocket.send_frame,
            close=close,
            queue_limit=self.queue_limit,
        )
        room = await self.manager.open(document_id)
        # Attach before deciding again: a logout or role change committed while the first
        # admission and the room load ran found no connection to close. From here on every
        # revocation sees this connection. Every revocation also moves the manager's access
        # epoch (here or, through the fan-out, in every process) after its commit: if the
        # epoch has not moved since before the first read, that read saw every revocation
        # and a second one is skipped. Nothing is sent before start(), so a refused client
        # gets nothing of the document.
        self.manager.attach(room, conn)
        try:
            verdict: Admission | int = admission
            if self.manager.access_epoch != epoch:
                verdict = await self.admit(websocket, document_id)
            if isinstance(verdict, int):
                conn.close(verdict, "access revoked")
                return
            if conn.closed:
                return
            conn.can_edit, conn.role = verdict.can_edit, verdict.role
            conn.start()
            if conn.can_edit != admission.can_edit and conn.wants_ack:
                conn.send(encode_access(conn.can_edit))
            await self._receive_loop(websocket, room, conn)
        finally:
            self.manager.detach(room, conn)
            await conn.stop()
            if self.on_leave is not None:
                task: asyncio.Task[None] = asyncio.get_running_loop().create_task(
                    self.on_leave(conn.identity)
                )
                self._background.add(task)
                task.add_done_callback(self._background.discard)

    async def _receive_loop(self, websocket: FrameSocket, room: Room, conn: Connection) -> None:
        frames = 0
        while not conn.closed:
            try:
                message = await websocket.receive_message()
            except (WebSocketDisconnect, RuntimeError):
                return
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("bytes")
            if data is None:
                conn.close(CloseCode.UNSUPPORTED_DATA, "text frames are not supported")
                return
            if len(data) > self.max_frame_bytes:
                conn.close(CloseCode.TOO_BIG, "frame too large")
                return
            try:
                room.receive(conn, data)
            except ProtocolViolation as violation:
                log.warning(
                    "refused frame from user %s on document %s: %s",
                    conn.identity.user_id,
                    conn.identity.document_id,
                    violation.reason,
                )
                conn.close(violation.code, violation.reason)
                if violation.code == CloseCode.FORBIDDEN and self.on_refusal is not None:
                    await self.on_refusal(conn.identity, violation.reason)
                return
            except Exception:
                log.exception("unexpected error while handling a frame")
                conn.close(CloseCode.INTERNAL_ERROR, "internal error")
                return
            # Let other connections run between frames of a fast sender: frames already
            # received are handed over without yielding to the event loop.
            frames += 1
            if frames % YIELD_EVERY == 0:
                await asyncio.sleep(0)
