"""A Room: the live, in-memory session of one Document.

It holds the document's `pycrdt.Doc`, its clients' presence (`server.sync.presence`) and the
set of connections. Incoming updates are queued and integrated once the frames already
received have been read, those one client sent in a row merged into one write; each is
checked (role, client-ID ownership, size), applied, handed to the change writer, and
broadcast only from the writer's commit callback: what a client is shown is already on
disk. Each broadcast is encoded once and queued on every connection; no task is created per
message. Committed updates and presence are also published to the other server processes
(`server.sync.fanout`), whose copies of the room apply them with `apply_remote*`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from pycrdt import Doc, merge_updates

from server.sync.connection import Connection
from server.sync.fanout import Event, FanOut, Kind, LocalFanOut
from server.sync.held import HeldUpdates
from server.sync.persistence import NewChange
from server.sync.presence import Presence
from server.sync.protocol import (
    EMPTY_UPDATE,
    CloseCode,
    FrameType,
    ProtocolViolation,
    Reader,
    SyncStep,
    decode_state_vector,
    encode_ack,
    encode_sync,
    parse_frame,
)
from server.sync.updates import UpdateShape, combined_ranges, read_update, written_ranges
from server.sync.writer import ChangeWriter, now_ms

log = logging.getLogger("wikimarche.sync")

SERVER_OWNER = 0  # owner id of the server's own Yjs client (server-side edits)
MERGE_CHUNK = 64  # merge_updates is quadratic: merge small groups only


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
        self.stored_bytes = stored_bytes
        self.max_document_bytes = max_document_bytes
        self._on_changes = on_changes
        self.fanout: FanOut = fanout or LocalFanOut()
        # Yjs client id → user id: a connection may only write under its own ids.
        self.owners: dict[int, int] = {doc.client_id: SERVER_OWNER}
        # Yjs client id → a clock below which all its structs are in `doc` (a lower bound,
        # refreshed from the doc only when an update does not continue it).
        self.clocks: dict[int, int] = {}
        self.gaps: dict[int, int] = {}  # client → end of an update Yjs keeps pending
        self.held: HeldUpdates[Connection] = HeldUpdates()  # waiting for what they build on
        self.presence = Presence(
            lambda frame: self._broadcast(frame, exclude=None, presence=True),
            lambda frame: self._publish(Kind.AWARENESS, frame),
        )
        self.deliveries = 0
        self.failures = 0  # unexpected errors while integrating updates (a bug if ever > 0)
        self._received: list[tuple[Connection, bytes]] = []  # updates not yet integrated
        self._integrate_scheduled = False
        self.poisoned = False  # holds a refused update: must be reloaded, never saved
        self._outgoing: list[tuple[bytes, Connection | None]] = []
        self._flush_scheduled = False

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
        received have been read (`integrate_received`); other frames first integrate
        what is queued, so each client's frames keep their order.
        """
        frame = parse_frame(data)
        if frame.type == FrameType.SYNC and frame.step == SyncStep.UPDATE:
            self._queue_received(conn, frame.payload)
            return
        self.integrate_received()
        if frame.type == FrameType.SYNC:
            if frame.step == SyncStep.STEP1:
                self._answer_step1(conn, frame.payload)
            else:
                self._write(conn, frame.payload)
                self._ack_resync(conn)
        elif frame.type == FrameType.AWARENESS:
            self.presence.from_client(conn, frame.payload)
        elif frame.type == FrameType.QUERY_AWARENESS:
            for reply in self.presence.frames():
                conn.send(reply)

    def _queue_received(self, conn: Connection, update: bytes) -> None:
        if update == EMPTY_UPDATE:
            return
        if not conn.can_edit:
            raise ProtocolViolation("this role may not edit the document", CloseCode.FORBIDDEN)
        self._received.append((conn, update))
        if not self._integrate_scheduled:
            self._integrate_scheduled = True
            asyncio.get_running_loop().call_soon(self.integrate_received)

    def integrate_received(self) -> None:
        """Write the queued updates, those of one sender in a row merged into one.

        A fast sender's frames arrive many to a socket read: merged, they cost one ownership
        walk, one apply, one change-log row and one acknowledgement instead of one each
        (a typist at human pace sends one at a time and is handled as before). A refused
        update closes its sender; the updates it sent after it are dropped with it.
        """
        self._integrate_scheduled = False
        received, self._received = self._received, []
        refused: set[Connection] = set()
        start = 0
        while start < len(received):
            conn = received[start][0]
            end = start + 1
            while end < len(received) and received[end][0] is conn and end - start < MERGE_CHUNK:
                end += 1
            updates = [update for _, update in received[start:end]]
            start = end
            if conn in refused:
                continue
            try:
                if len(updates) == 1:
                    self._write(conn, updates[0])
                else:
                    self._write_merged(conn, updates)
            except ProtocolViolation as violation:
                refused.add(conn)
                log.warning(
                    "refused update from user %s on document %s: %s",
                    conn.identity.user_id,
                    self.document_id,
                    violation.reason,
                )
                conn.close(violation.code, violation.reason)
            except Exception:
                refused.add(conn)
                self.failures += 1
                log.exception("unexpected error while handling an update")
                conn.close(CloseCode.INTERNAL_ERROR, "internal error")

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
        clocks = _read_state_vector(self.doc.get_state())
        state = {c: min(clock, clocks.get(c, 0)) for c, clock in peer.items()}
        ack = encode_ack({c: clock for c, clock in state.items() if clock > 0})
        self.writer.barrier(lambda: conn.send(ack))

    def _write(self, conn: Connection, update: bytes) -> None:
        if update == EMPTY_UPDATE:
            return  # an empty SyncStep2 at connect is normal, for every role
        self._check_writable(conn, len(update))
        # Yjs trusts peers to write only under their own client ids; we check it, from
        # the update's own bytes, before anything is applied.
        shape = read_update(update)
        self._check_owner(conn, shape.ranges)
        # An update that builds on structs the document lacks would wait in Yjs's pending
        # store, and pycrdt 0.14.13 can crash the process on such pending structs
        # (tests/data/pycrdt_segfault_updates.txt). So pycrdt never sees one: we keep it
        # aside and apply it once what it builds on has arrived. Honest clients cause this
        # rarely (typing before answering our SyncStep1; content forwarded from their own
        # pending store in a SyncStep2) and the gap fills soon after.
        if not self._fits(shape):
            self._hold(conn, update, shape)
            return
        self._integrate(conn, update, shape)
        if self.held:
            self._release_held()

    def _write_merged(self, conn: Connection, updates: list[bytes]) -> None:
        """Write several updates of one sender as one, if each fits after the ones before.

        Each is read (and so validated) on its own before yrs merges them: merging is
        never asked to parse bytes our reader refused. Otherwise they go one by one.
        """
        shapes = [read_update(update) for update in updates]
        ranges = combined_ranges(shapes)
        self._check_writable(conn, sum(map(len, updates)))
        self._check_owner(conn, ranges)
        if not self._fit_in_turn(shapes):
            self.clocks = _read_state_vector(self.doc.get_state())
            if not self._fit_in_turn(shapes):
                for update in updates:
                    self._write(conn, update)
                return
        self._integrate(conn, _merge(updates), UpdateShape(ranges, {}))
        if self.held:
            self._release_held()

    def _fit_in_turn(self, shapes: list[UpdateShape]) -> bool:
        """Whether each update integrates at once after the ones before it."""
        ahead: dict[int, int] = {}  # clocks the earlier updates of the group reach
        for shape in shapes:
            for client, clock in shape.needs.items():
                if max(self.clocks.get(client, 0), ahead.get(client, 0)) < clock:
                    return False
            for client, (_first, end) in shape.ranges.items():
                ahead[client] = max(ahead.get(client, 0), end)
        return True

    def _check_writable(self, conn: Connection, size: int) -> None:
        if not conn.can_edit:
            raise ProtocolViolation("this role may not edit the document", CloseCode.FORBIDDEN)
        if self.stored_bytes + size > self.max_document_bytes:
            raise ProtocolViolation("document size limit reached", CloseCode.DOCUMENT_TOO_LARGE)

    def _check_owner(self, conn: Connection, ranges: dict[int, tuple[int, int]]) -> None:
        user_id = conn.identity.user_id
        for client in ranges:
            owner = self.owners.get(client)
            if owner is not None and owner != user_id:
                raise ProtocolViolation(
                    "update writes under another client's id", CloseCode.POLICY_VIOLATION
                )

    def _integrate(self, conn: Connection, update: bytes, shape: UpdateShape) -> None:
        """Apply an update that fits, hand it to the writer; ack and broadcast on commit."""
        try:
            self.doc.apply_update(update)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise ProtocolViolation("update rejected", CloseCode.INVALID_PAYLOAD) from None
        state = self._held_clocks(shape.ranges)
        for client in state:
            self.owners[client] = conn.identity.user_id
        self.stored_bytes += len(update)
        change = NewChange(self.document_id, conn.identity.user_id, now_ms(), update)
        self.writer.submit(change, lambda cid: self._committed(conn, update, state, cid))

    def _fits(self, shape: UpdateShape) -> bool:
        if shape.fits(self.clocks):
            return True
        # `clocks` is a lower bound: read the document's state vector before deciding.
        self.clocks = _read_state_vector(self.doc.get_state())
        return shape.fits(self.clocks)

    def _hold(self, conn: Connection, update: bytes, shape: UpdateShape) -> None:
        log.info("document %s: an update waits for what it builds on", self.document_id)
        if dropped := self.held.add(conn, update, shape):
            log.warning("document %s: dropped %d updates that never fit", self.document_id, dropped)

    def _release_held(self) -> None:
        """Apply the updates kept aside that now fit (one may make room for another)."""
        while self.held:
            self.clocks = _read_state_vector(self.doc.get_state())
            item = self.held.take_fitting(self.clocks)
            if item is None:
                return
            conn, user_id = item.sender, item.sender.identity.user_id
            if not conn.can_edit or any(
                self.owners.get(client, user_id) != user_id for client in item.shape.ranges
            ):
                continue  # demoted, or the id was taken meanwhile: never applied
            try:
                self._integrate(conn, item.update, item.shape)
            except ProtocolViolation:
                log.info("document %s: a held update was refused", self.document_id)

    def _held_clocks(self, ranges: dict[int, tuple[int, int]]) -> dict[int, int]:
        """Per written client, the clock below which the document holds everything.

        This, not the update's own end, is what gets acknowledged: Yjs keeps an update whose
        predecessors never arrived aside (pending), and acknowledging its clock would tell
        the editor "saved" for text the server does not hold. An update normally continues
        its client's known clock; only one that starts beyond it (a gap, or a client from
        before the room was loaded) costs a read of the document's state vector.
        """
        if self.gaps or any(
            start > self.clocks.get(client, 0) for client, (start, _) in ranges.items()
        ):
            self.clocks = _read_state_vector(self.doc.get_state())
            for client, (_start, end) in ranges.items():
                self.gaps[client] = max(self.gaps.get(client, 0), end)
            # Until every pending update is integrated, any write may be the one filling it.
            self.gaps = {c: end for c, end in self.gaps.items() if self.clocks.get(c, 0) < end}
        else:
            for client, (_start, end) in ranges.items():
                self.clocks[client] = max(self.clocks.get(client, 0), end)
        return {client: self.clocks.get(client, 0) for client in ranges}

    def _committed(
        self, origin: Connection, update: bytes, state: dict[int, int], change_id: int
    ) -> None:
        self.last_change_id = max(self.last_change_id, change_id)
        self.changes_since_checkpoint += 1
        self._queue_broadcast(update, origin)
        self._publish(Kind.UPDATE, update, origin.identity.user_id, change_id)
        if origin.wants_ack:
            # Also for a pure deletion (no clock moved): the editor learns it is stored.
            origin.send(encode_ack(state))
        self._on_changes(self)

    def apply_server_update(self, update: bytes, author_id: int | None) -> None:
        """Commit and broadcast an update made by the server itself (restore, import)."""
        self.stored_bytes += len(update)
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
        if event.author_id:  # unknown author (a catch-up): leave ownership to first use
            for client in ranges:
                self.owners.setdefault(client, event.author_id)
        self.stored_bytes += len(update)
        self.last_change_id = max(self.last_change_id, event.change_id)
        if all(client.synced for client in self.clients):
            self._queue_broadcast(update, None)
        else:
            # Behind the writer's queue, like our own commits: a client whose first sync
            # reply is still waiting gets that reply first, then this update.
            self.writer.barrier(lambda: self._queue_broadcast(update, None))
        if self.held:
            self._release_held()

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
            asyncio.get_running_loop().call_soon(self._flush_outgoing)

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


def _merge(updates: list[bytes]) -> bytes:
    """One update holding all of `updates` (refused as a whole if any is malformed)."""
    try:
        return merge_updates(*updates)
    except BaseException as exc:  # yrs panics are BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise ProtocolViolation("update rejected", CloseCode.INVALID_PAYLOAD) from None


def _read_state_vector(state: bytes) -> dict[int, int]:
    """The document's own state vector (trusted, so not capped like a client's)."""
    reader = Reader(state)
    clocks = {}
    for _ in range(reader.var_uint()):
        client = reader.var_uint()
        clocks[client] = reader.var_uint()
    return clocks
