"""A Room: the live, in-memory session of one Document.

It holds the document's `pycrdt.Doc`, its clients' presence (`server.sync.presence`), the
set of connections and the write path of their updates (`server.sync.intake`). An update is
broadcast only from the change writer's commit callback: what a client is shown is already
on disk. Committed updates from one turn of the event loop are merged, encoded once and
queued on every connection; no task is created per message. Committed updates and presence
are also published to the other server processes (`server.sync.fanout`), whose copies of the
room apply them with `apply_remote*`; the sender's acknowledgement waits until its update is
both stored and published.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from pycrdt import Doc, merge_updates

from server.sync.connection import Connection
from server.sync.fanout import Event, FanOut, Kind, LocalFanOut
from server.sync.intake import MERGE_CHUNK, SERVER_OWNER, Intake, document_clocks
from server.sync.persistence import NewChange
from server.sync.presence import Presence
from server.sync.protocol import (
    CloseCode,
    FrameType,
    ProtocolViolation,
    SyncStep,
    decode_state_vector,
    encode_ack,
    encode_sync,
    parse_frame,
)
from server.sync.updates import written_ranges
from server.sync.writer import ChangeWriter, now_ms

log = logging.getLogger("wikimarche.sync")


class Room:
    """The live session of one document."""

    def __init__(
        self,
        document_id: int,
        doc: Doc,
        writer: ChangeWriter,
        *,
        last_change_id: int,
        stored_bytes: int,
        max_document_bytes: int,
        on_changes: Callable[[Room], None] = lambda room: None,
        fanout: FanOut | None = None,
    ) -> None:
        self.document_id = document_id
        self.doc = doc
        self.writer = writer
        self.clients: set[Connection] = set()
        self.last_change_id = last_change_id
        self.changes_since_checkpoint = 0
        self._on_changes = on_changes
        self.fanout: FanOut = fanout or LocalFanOut()
        self.intake = Intake(
            document_id,
            doc,
            writer,
            stored_bytes=stored_bytes,
            max_document_bytes=max_document_bytes,
            on_committed=self._committed,
            on_unchanged=self._acknowledge,
        )
        self.presence = Presence(
            lambda frame: self._broadcast(frame, exclude=None, presence=True),
            lambda frame: self._publish(Kind.AWARENESS, frame),
        )
        self.deliveries = 0
        self.poisoned = False  # holds a refused update: must be reloaded, never saved
        self._outgoing: list[tuple[bytes, Connection | None]] = []
        self._flush_scheduled = False
        self._loop: asyncio.AbstractEventLoop | None = None  # kept, as in Intake

    @property
    def stored_bytes(self) -> int:
        """Bytes of updates the document holds (checked against the size limit)."""
        return self.intake.stored_bytes

    def unload(self) -> None:
        """Let go of the document once the manager has dropped this room."""
        self.intake.close()

    def integrate_received(self) -> None:
        """Write the updates received and not yet integrated (`Intake.integrate_received`)."""
        self.intake.integrate_received()

    # -- connections -------------------------------------------------------------

    def join(self, conn: Connection) -> None:
        self.clients.add(conn)
        conn.send(encode_sync(SyncStep.STEP1, self.doc.get_state()))
        for frame in self.presence.frames():
            conn.send(frame)

    def leave(self, conn: Connection) -> None:
        self.integrate_received()  # what a client sent before leaving is kept
        self.clients.discard(conn)
        self.presence.forget(conn)

    # -- incoming frames ---------------------------------------------------------

    def receive(self, conn: Connection, data: bytes) -> None:
        """Handle one frame from `conn`; raise ProtocolViolation to close it.

        Document updates are queued and integrated together once the frames already
        received have been read (`Intake.integrate_received`); other frames first
        integrate what is queued, so each client's frames keep their order.
        """
        frame = parse_frame(data)
        if frame.type == FrameType.SYNC and frame.step == SyncStep.UPDATE:
            self.intake.queue(conn, frame.payload)
            return
        self.integrate_received()
        if frame.type == FrameType.SYNC:
            if frame.step == SyncStep.STEP1:
                self._answer_step1(conn, frame.payload)
            else:
                self.intake.write(conn, frame.payload)
                self._ack_resync(conn)
        elif frame.type == FrameType.AWARENESS:
            self.presence.from_client(conn, frame.payload)
        elif frame.type == FrameType.QUERY_AWARENESS:
            for reply in self.presence.frames():
                conn.send(reply)

    def _answer_step1(self, conn: Connection, state_vector: bytes) -> None:
        try:
            missing = self.doc.get_update(state_vector)
        except BaseException as exc:  # yrs panics are BaseException
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise ProtocolViolation("bad state vector", CloseCode.INVALID_PAYLOAD) from None
        reply = encode_sync(SyncStep.STEP2, missing)
        if conn.wants_ack:
            conn.peer_state = decode_state_vector(state_vector)

        # The reply may hold updates still being committed: send it once they are stored,
        # and only then let broadcasts reach this client, so nothing arrives out of order.
        def deliver() -> None:
            conn.send(reply)
            conn.synced = True

        self.writer.barrier(deliver)

    def _ack_resync(self, conn: Connection) -> None:
        """After a client's SyncStep2 is stored, acknowledge everything it held at connect.

        An acknowledgement sent just before a connection dropped is lost, and what the
        server already stored is not in the client's next SyncStep2 (it answers our state
        vector), so nothing else would ever acknowledge it: the editor would show unsaved
        changes forever. The ack names, per client of its SyncStep1, the clock up to which
        the document holds that client's structs, and is sent once everything applied so
        far (the SyncStep2 included) is committed.
        """
        peer, conn.peer_state = conn.peer_state, None
        if peer is None:
            return
        clocks = document_clocks(self.doc)
        state = {c: min(clock, clocks.get(c, 0)) for c, clock in peer.items()}
        ack = encode_ack({c: clock for c, clock in state.items() if clock > 0})
        self.writer.barrier(lambda: self.fanout.after_published(lambda: conn.send(ack)))

    def _committed(
        self, origin: Connection, update: bytes, state: dict[int, int], change_id: int
    ) -> None:
        self.last_change_id = max(self.last_change_id, change_id)
        self.changes_since_checkpoint += 1
        self._queue_broadcast(update, origin)
        self._publish(Kind.UPDATE, update, origin.identity.user_id, change_id)
        # Also for a pure deletion (no clock moved): the editor learns it is stored.
        self._acknowledge(origin, state)
        self._on_changes(self)

    def _acknowledge(self, origin: Connection, state: dict[int, int]) -> None:
        """Tell the sender what is stored, once it is also published: a process that dies
        right after acknowledging must not keep an update from the other processes."""
        if origin.wants_ack:
            ack = encode_ack(state)
            self.fanout.after_published(lambda: origin.send(ack))

    def apply_server_update(self, update: bytes, author_id: int | None) -> None:
        """Commit and broadcast an update made by the server itself (restore, import)."""
        self.intake.stored_bytes += len(update)
        change = NewChange(self.document_id, author_id, now_ms(), update)

        def committed(change_id: int) -> None:
            self.last_change_id = max(self.last_change_id, change_id)
            self.changes_since_checkpoint += 1
            self._queue_broadcast(update, None)
            self._publish(Kind.UPDATE, update, author_id or SERVER_OWNER, change_id)
            self._on_changes(self)

        self.writer.submit(change, committed)

    # -- other processes -----------------------------------------------------------

    def _publish(self, kind: Kind, payload: bytes, author_id: int = 0, change_id: int = 0) -> None:
        self.fanout.publish(Event(kind, self.document_id, payload, author_id, change_id))

    def apply_remote(self, event: Event) -> None:
        """An update another process committed: apply it and show it to our clients."""
        update = event.payload
        try:
            ranges = written_ranges(update)
            self.doc.apply_update(update)  # idempotent: an update already here changes nothing
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            log.error("document %s: a published update was refused", self.document_id)
            return
        self.intake.adopt(ranges, event.author_id, len(update))
        self.last_change_id = max(self.last_change_id, event.change_id)
        if all(client.synced for client in self.clients):
            self._queue_broadcast(update, None)
        else:
            # Behind the writer's queue, like our own commits: a client whose first sync
            # reply is still waiting gets that reply first, then this update.
            self.writer.barrier(lambda: self._queue_broadcast(update, None))
        self.intake.release_held()

    def apply_remote_awareness(self, message: bytes) -> None:
        """Presence of clients connected to another process (an awareness frame)."""
        self.presence.from_process(message)

    # -- outgoing ----------------------------------------------------------------

    def _queue_broadcast(self, update: bytes, origin: Connection | None) -> None:
        """Broadcast a committed update once the writer has run its whole batch.

        Updates committed together are merged into one message per room: under a burst,
        N editors × M readers become one send per reader per commit, not N.
        """
        self._outgoing.append((update, origin))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop = self._loop or asyncio.get_running_loop()
            self._loop.call_soon(self._flush_outgoing)

    def _flush_outgoing(self) -> None:
        self._flush_scheduled = False
        outgoing, self._outgoing = self._outgoing, []
        if len(outgoing) == 1:
            update, origin = outgoing[0]
            self._broadcast(encode_sync(SyncStep.UPDATE, update), exclude=origin)
            return
        for start in range(0, len(outgoing), MERGE_CHUNK):
            chunk = [update for update, _ in outgoing[start : start + MERGE_CHUNK]]
            try:
                merged = merge_updates(*chunk)
            except BaseException as exc:  # never lose a broadcast to a failed merge
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                for update in chunk:
                    self._broadcast(encode_sync(SyncStep.UPDATE, update), exclude=None)
                continue
            # Origins get their own update back inside the merge: Yjs ignores what it has.
            self._broadcast(encode_sync(SyncStep.UPDATE, merged), exclude=None)

    def _broadcast(
        self, message: bytes, *, exclude: Connection | None, presence: bool = False
    ) -> None:
        """Send to every client but `exclude`: document updates to synced clients only,
        presence to all, behind their document frames."""
        for client in self.clients:
            if client is exclude:
                continue
            if presence:
                client.send_presence(message)
            elif client.synced:
                client.send(message)
                self.deliveries += 1

    def close_all(self, code: int, reason: str) -> None:
        self.integrate_received()
        for client in list(self.clients):
            client.close(code, reason)
