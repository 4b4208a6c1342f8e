"""The write path of a Room: what a client's updates pass before they are stored.

Every update a client sends is checked (role, document size, client-ID ownership, whether
it builds only on what the document holds), applied to the room's `Doc` and handed to the
change writer; the room hears of it only once it is committed (`on_committed`), so what a
client is shown is already on disk. The updates one client sent in a row, read before the
event loop yields, are merged and written as one: one ownership walk, one apply, one
change-log row and one acknowledgement. An update that builds on structs the document
lacks waits aside (`server.sync.held`) until they arrive.

What is stored and shown to the other clients is the document's own encoding of what an
update changed (yrs's update of the transaction), never the sender's bytes. yrs accepts
some malformed updates that Yjs refuses or reads otherwise — an item whose origin points
inside itself, say (tests/reliability/test_canonical_updates.py) — and forwarding those
would leave every open editor apart from what the server holds, for good.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from pycrdt import Doc, Subscription, TransactionEvent, merge_updates

from server.sync.connection import Connection
from server.sync.held import HeldUpdates
from server.sync.persistence import NewChange
from server.sync.protocol import EMPTY_UPDATE, CloseCode, ProtocolViolation, Reader
from server.sync.updates import UpdateShape, combined_ranges, read_update
from server.sync.writer import ChangeWriter, now_ms

log = logging.getLogger("wikimarche.sync")

SERVER_OWNER = 0  # owner id of the server's own Yjs client (server-side edits)
MERGE_CHUNK = 64  # merge_updates is quadratic: merge small groups only

# (sender, update, per written client the clock the document holds, change id)
OnCommitted = Callable[[Connection, bytes, dict[int, int], int], None]
# (sender, per written client the clock the document holds): an update that changed nothing
OnUnchanged = Callable[[Connection, dict[int, int]], None]


class Intake:
    """Checks, applies and stores one room's incoming updates."""

    def __init__(
        self,
        document_id: int,
        doc: Doc,
        writer: ChangeWriter,
        *,
        stored_bytes: int,
        max_document_bytes: int,
        on_committed: OnCommitted,
        on_unchanged: OnUnchanged,
    ) -> None:
        self.document_id = document_id
        self.doc = doc
        self.writer = writer
        self.stored_bytes = stored_bytes
        self.max_document_bytes = max_document_bytes
        self._on_committed = on_committed
        self._on_unchanged = on_unchanged
        self._changed: bytes | None = None  # what the last transaction changed, encoded
        # Removed by close(): pycrdt keeps the callback on the Rust side, out of sight of
        # Python's garbage collector, so the Doc and this intake would otherwise never die.
        self._observer: Subscription | None = doc.observe(self._record_change)
        # Yjs client id → user id: a connection may only write under its own ids.
        self.owners: dict[int, int] = {doc.client_id: SERVER_OWNER}
        # Yjs client id → a clock below which all its structs are in `doc` (a lower bound,
        # refreshed from the doc only when an update does not continue it).
        self.clocks: dict[int, int] = {}
        self.gaps: dict[int, int] = {}  # client → end of an update Yjs keeps pending
        self.held: HeldUpdates[Connection] = HeldUpdates()  # waiting for what they build on
        self.failures = 0  # unexpected errors while integrating updates (a bug if ever > 0)
        self._received: list[tuple[Connection, bytes]] = []  # updates not yet integrated
        self._integrate_scheduled = False
        # Looked up on first use and kept: asyncio.get_running_loop() costs a getpid()
        # system call on Python 3.11, and this runs for every frame received.
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- receiving -------------------------------------------------------------------

    def queue(self, conn: Connection, update: bytes) -> None:
        """Keep an update until the frames already received have been read."""
        if update == EMPTY_UPDATE:
            return
        _check_role(conn)  # refused at once; checked again when written (roles change)
        self._received.append((conn, update))
        if not self._integrate_scheduled:
            self._integrate_scheduled = True
            self._loop = self._loop or asyncio.get_running_loop()
            self._loop.call_soon(self.integrate_received)

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
                    self.write(conn, updates[0])
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

    def write(self, conn: Connection, update: bytes) -> None:
        """Check, apply and store one update; raise ProtocolViolation to refuse it."""
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
        self.release_held()

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
            self.clocks = document_clocks(self.doc)
            if not self._fit_in_turn(shapes):
                for update in updates:
                    self.write(conn, update)
                return
        self._integrate(conn, _merge(updates), UpdateShape(ranges, {}))
        self.release_held()

    # -- checks ----------------------------------------------------------------------

    def _check_writable(self, conn: Connection, size: int) -> None:
        _check_role(conn)
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

    def _fits(self, shape: UpdateShape) -> bool:
        if shape.fits(self.clocks):
            return True
        # `clocks` is a lower bound: read the document's state vector before deciding.
        self.clocks = document_clocks(self.doc)
        return shape.fits(self.clocks)

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

    # -- applying --------------------------------------------------------------------

    def _record_change(self, event: TransactionEvent) -> None:
        self._changed = event.update

    def close(self) -> None:
        """Stop taking updates: the room is unloaded (a late one is refused, never lost)."""
        if self._observer is not None:
            self.doc.unobserve(self._observer)
            self._observer = None

    def _integrate(self, conn: Connection, update: bytes, shape: UpdateShape) -> None:
        """Apply an update that fits and hand what it changed to the writer."""
        if self._observer is None:
            raise ProtocolViolation("the document was reloaded", CloseCode.SERVICE_RESTART)
        self._changed = None
        try:
            self.doc.apply_update(update)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise ProtocolViolation("update rejected", CloseCode.INVALID_PAYLOAD) from None
        changed, self._changed = self._changed, None
        state = self._held_clocks(shape.ranges)
        for client in state:
            self.owners[client] = conn.identity.user_id
        if changed is None:
            # Nothing new (a client resending what the document holds): nothing to store
            # or show, but the sender still learns, once the writer is done, that it is kept.
            self.writer.barrier(lambda: self._on_unchanged(conn, state))
            return
        self.stored_bytes += len(changed)
        change = NewChange(self.document_id, conn.identity.user_id, now_ms(), changed)
        self.writer.submit(change, lambda cid: self._on_committed(conn, changed, state, cid))

    def _hold(self, conn: Connection, update: bytes, shape: UpdateShape) -> None:
        log.info("document %s: an update waits for what it builds on", self.document_id)
        if dropped := self.held.add(conn, update, shape):
            log.warning("document %s: dropped %d updates that never fit", self.document_id, dropped)

    def release_held(self) -> None:
        """Apply the updates kept aside that now fit (one may make room for another)."""
        while self.held:
            self.clocks = document_clocks(self.doc)
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
            self.clocks = document_clocks(self.doc)
            for client, (_start, end) in ranges.items():
                self.gaps[client] = max(self.gaps.get(client, 0), end)
            # Until every pending update is integrated, any write may be the one filling it.
            self.gaps = {c: end for c, end in self.gaps.items() if self.clocks.get(c, 0) < end}
        else:
            for client, (_start, end) in ranges.items():
                self.clocks[client] = max(self.clocks.get(client, 0), end)
        return {client: self.clocks.get(client, 0) for client in ranges}

    def adopt(self, ranges: dict[int, tuple[int, int]], author_id: int, size: int) -> None:
        """Account for an update applied by another process on `author_id`'s behalf."""
        if author_id:  # unknown author (a catch-up): leave ownership to first use
            for client in ranges:
                self.owners.setdefault(client, author_id)
        self.stored_bytes += size


def _check_role(conn: Connection) -> None:
    if not conn.can_edit:
        raise ProtocolViolation("this role may not edit the document", CloseCode.FORBIDDEN)


def _merge(updates: list[bytes]) -> bytes:
    """One update holding all of `updates` (refused as a whole if any is malformed)."""
    try:
        return merge_updates(*updates)
    except BaseException as exc:  # yrs panics are BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise ProtocolViolation("update rejected", CloseCode.INVALID_PAYLOAD) from None


def document_clocks(doc: Doc) -> dict[int, int]:
    """The document's own state vector (trusted, so not capped like a client's)."""
    reader = Reader(doc.get_state())
    clocks = {}
    for _ in range(reader.var_uint()):
        client = reader.var_uint()
        clocks[client] = reader.var_uint()
    return clocks
