"""A real room in this process: its own SQLite database, change writer and event loop.

For fuzzing the frame path (firewall → room → writer) without sockets. The event loop
runs in a background thread; `feed()` hands it one frame at a time, the way the
websocket endpoint would, and reports how the frame ended.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path
from typing import Any

from server.db import Database, accounts, tenders
from server.db.changes import SqlChangeLog
from server.sync.connection import Connection, Identity
from server.sync.protocol import ProtocolViolation
from server.sync.rooms import RoomManager
from server.sync.writer import ChangeWriter

# WIKIMARCHE_FUZZ_TRACE=file: write every frame there before handling it.
TRACE = (
    open(os.environ["WIKIMARCHE_FUZZ_TRACE"], "a")
    if os.environ.get("WIKIMARCHE_FUZZ_TRACE")
    else None
)  # noqa: SIM115


class InProcessRoom:
    def __init__(self, data_dir: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.db = Database(f"sqlite+aiosqlite:///{data_dir / 'fuzz.db'}")
        self.delivered = 0
        self.keep_sent = False  # keep what the room sends to the connection, in `sent`
        self.sent: list[bytes] = []
        self.closes: dict[int, int] = {}
        self.call(self._setup())

    def call(self, coro: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _setup(self) -> None:
        await self.db.migrate()
        user = await accounts.create_user(
            self.db, email="fuzz@ville.fr", name="Fuzz", password_hash="x"
        )
        tender = await tenders.create_tender(
            self.db, creator_id=user.id, fields={"title": "Marché fuzz"}
        )
        document = await tenders.create_document(
            self.db, tender_id=tender.id, creator_id=user.id, title="CCTP", kind="CCTP"
        )
        self.user_id, self.tender_id, self.document_id = user.id, tender.id, document.id
        self.writer = ChangeWriter(SqlChangeLog(self.db))
        self.writer.start()
        self.manager = RoomManager(SqlChangeLog(self.db), self.writer, grace_seconds=3600)
        self.room = await self.manager.open(self.document_id)
        self.conn = self._connection(can_edit=True)

    def _connection(self, *, can_edit: bool) -> Connection:
        async def send_bytes(data: bytes) -> None:
            self.delivered += 1
            if self.keep_sent:
                self.sent.append(data)

        async def close(code: int, reason: str) -> None:
            self.closes[code] = self.closes.get(code, 0) + 1

        identity = Identity(self.user_id, "Fuzz", "h", self.document_id, self.tender_id)
        conn = Connection(
            identity,
            can_edit=can_edit,
            wants_ack=True,
            send_bytes=send_bytes,
            close=close,
            queue_limit=1 << 30,
        )
        conn.start()
        self.manager.attach(self.room, conn)
        conn.synced = True
        return conn

    async def _feed(self, frame: bytes, can_edit: bool) -> tuple[str, float]:
        if self.conn.closed or self.conn.can_edit != can_edit:
            await self._reconnect(can_edit)
        if TRACE is not None:  # the last line names the frame being handled if we crash
            TRACE.write(frame.hex() + "\n")
            TRACE.flush()
        started = time.thread_time()
        try:
            self.room.receive(self.conn, frame)
        except ProtocolViolation as violation:
            self.conn.close(violation.code, violation.reason)
            return "refused", time.thread_time() - started
        self._integrate()
        took = time.thread_time() - started
        if self.conn.closed:
            return "refused", took
        await asyncio.sleep(0)
        return "accepted", took

    def feed(self, frame: bytes, *, can_edit: bool = True) -> str:
        """'accepted' or 'refused'; anything else raised here is an escaped exception."""
        return self.feed_timed(frame, can_edit=can_edit)[0]

    def feed_timed(self, frame: bytes, *, can_edit: bool = True) -> tuple[str, float]:
        """The outcome and the CPU time the room spent on the frame (seconds; CPU time of
        the loop's thread, so other processes on a busy machine do not count)."""
        outcome, took = self.call(self._feed(frame, can_edit))
        return str(outcome), float(took)

    async def _feed_together(self, frames: list[bytes]) -> str:
        # As the endpoint does with frames read from one socket before the loop yields.
        try:
            for frame in frames:
                self.room.receive(self.conn, frame)
        except ProtocolViolation as violation:
            self.conn.close(violation.code, violation.reason)
        self._integrate()
        await asyncio.sleep(0)
        return "refused" if self.conn.closed else "accepted"

    def feed_together(self, frames: list[bytes]) -> str:
        """Hand several frames over without yielding, then let the room integrate them."""
        if self.conn.closed:
            self.call(self._reconnect(can_edit=True))
        return str(self.call(self._feed_together(frames)))

    async def _reconnect(self, can_edit: bool) -> None:
        self.manager.detach(self.room, self.conn)
        await self.conn.stop()
        self.conn = self._connection(can_edit=can_edit)

    def _integrate(self) -> None:
        """Integrate the updates received (as the room does once the loop yields)."""
        self.room.integrate_received()
        if self.room.intake.failures:
            raise AssertionError("an unexpected error while integrating an update")

    async def _flush(self) -> None:
        await self.writer.flush()

    def flush(self) -> None:
        self.call(self._flush())

    def close(self) -> None:
        async def stop() -> None:
            await self.manager.shutdown()
            await self.writer.close()
            await self.db.close()

        try:
            self.call(stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
