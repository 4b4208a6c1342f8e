"""Room lifecycle: load on first connection, unload after a grace period, checkpoint.

Rooms are created under a per-document lock, so fifty clients connecting at once to a
document that is not loaded yet all end up in the same, fully loaded room (the stock
pycrdt-websocket server drops all but one of them). A room is unloaded only when it has no
client, nothing of it is waiting in the change writer, and its checkpoint is written.

With several processes, a room subscribes to its document's fan-out channel before it
loads, keeps what arrives while loading, and applies it once loaded: nothing committed by
another process falls between the load and the subscription.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from pycrdt import Doc

from server.gather import GatheredReads
from server.sync.connection import Connection
from server.sync.fanout import CONTROL, Event, FanOut, Kind, LocalFanOut
from server.sync.persistence import ChangeLog, StoredDocument
from server.sync.protocol import EMPTY_UPDATE, CloseCode
from server.sync.room import Room
from server.sync.writer import ChangeWriter

log = logging.getLogger("wikimarche.rooms")


@dataclass(frozen=True)
class Selector:
    """Which connections an event concerns (every given field must match); it travels to
    the other processes, so it is data, not a function."""

    user_id: int | None = None
    tender_id: int | None = None
    document_id: int | None = None
    session_hash: str | None = None

    def matches(self, conn: Connection) -> bool:
        identity = conn.identity
        return (
            (self.user_id is None or identity.user_id == self.user_id)
            and (self.tender_id is None or identity.tender_id == self.tender_id)
            and (self.document_id is None or identity.document_id == self.document_id)
            and (self.session_hash is None or identity.session_hash == self.session_hash)
        )


class RoomManager:
    """All rooms of this process."""

    def __init__(
        self,
        store: ChangeLog,
        writer: ChangeWriter,
        *,
        grace_seconds: float = 30.0,
        checkpoint_every: int = 500,
        max_document_bytes: int = 32 * 1024 * 1024,
        fanout: FanOut | None = None,
    ) -> None:
        self.store = store
        # Rooms opened together are read together (a reconnecting office opens dozens).
        self._loads: GatheredReads[int, StoredDocument] = GatheredReads(
            store.load_many, max_batch=100
        )
        self.writer = writer
        self.grace_seconds = grace_seconds
        self.checkpoint_every = checkpoint_every
        self.max_document_bytes = max_document_bytes
        self.rooms: dict[int, Room] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._unload_timers: dict[int, asyncio.TimerHandle] = {}
        self._checkpointing: set[int] = set()
        self._checkpoint_due: set[int] = set()  # a checkpoint task spawned, not yet started
        self._tasks: set[asyncio.Task[None]] = set()
        # Told the document id after every committed change (automatic versions use it).
        self.change_listeners: list[Callable[[int], None]] = []
        self.fanout: FanOut = fanout or LocalFanOut()
        # Events from other processes for a room being loaded, applied once it is.
        self._early: dict[int, list[Event]] = {}
        self._subscribed: set[int] = set()
        # Handlers of events published by other processes: message (per document) and
        # control (any connection) events, by their "event" name.
        self.message_listeners: dict[str, Callable[[int, dict[str, Any]], None]] = {}
        self.control_listeners: dict[str, Callable[[dict[str, Any]], None]] = {}
        # Moves with every control event, sent or received: revocations, role changes and
        # freezes all are. A socket admitted while it did not move needs no second look.
        self.access_epoch = 0

    async def start(self) -> None:
        # pycrdt imports its async backend when the first Doc is made: here, not while the
        # first clients of the day wait for their document.
        Doc()
        await self.fanout.start(self._control, self._gap)

    def _lock(self, document_id: int) -> asyncio.Lock:
        lock = self._locks.get(document_id)
        if lock is None:
            lock = self._locks[document_id] = asyncio.Lock()
        return lock

    async def open(self, document_id: int) -> Room:
        """The document's room, loading it from the change log if needed."""
        room = self.rooms.get(document_id)
        if room is None or room.poisoned:
            async with self._lock(document_id):
                room = self.rooms.get(document_id)
                if room is not None and room.poisoned:
                    await self.writer.flush()  # what it accepted before is stored
                    self._early[document_id] = []
                    del self.rooms[document_id]
                    room.unload()
                    room = None
                if room is None:
                    self._early.setdefault(document_id, [])
                    try:
                        await self._subscribe(document_id)
                        room = await self._load(document_id)
                    finally:
                        early = self._early.pop(document_id, [])
                    self.rooms[document_id] = room
                    for event in early:
                        self._apply_remote(room, event)
        self._cancel_unload(document_id)
        return room

    async def _subscribe(self, document_id: int) -> None:
        if document_id in self._subscribed:
            return
        try:
            await self.fanout.subscribe(document_id, lambda event: self._remote(document_id, event))
        except Exception:
            # Redis unreachable: the document still opens, served by this process alone
            # (its clients do not see other processes' edits until they reconnect).
            log.exception("cannot subscribe to document %s; serving it locally", document_id)
            return
        self._subscribed.add(document_id)

    async def _load(self, document_id: int) -> Room:
        stored = await self._loads.get(document_id)
        room = Room(
            document_id,
            stored.replay(document_id),
            self.writer,
            last_change_id=stored.last_change_id,
            stored_bytes=stored.stored_bytes,
            max_document_bytes=self.max_document_bytes,
            on_changes=self._changed,
            fanout=self.fanout,
        )
        room.changes_since_checkpoint = len(stored.changes)
        # A long tail means slow opens next time: fold it into a checkpoint now.
        self._maybe_checkpoint(room)
        return room

    def attach(self, room: Room, conn: Connection) -> None:
        self._cancel_unload(room.document_id)
        room.join(conn)

    def detach(self, room: Room, conn: Connection) -> None:
        room.leave(conn)
        if not room.clients and self.rooms.get(room.document_id) is room:
            self._schedule_unload(room.document_id)

    def _cancel_unload(self, document_id: int) -> None:
        timer = self._unload_timers.pop(document_id, None)
        if timer is not None:
            timer.cancel()

    def _schedule_unload(self, document_id: int) -> None:
        self._cancel_unload(document_id)
        loop = asyncio.get_running_loop()
        self._unload_timers[document_id] = loop.call_later(
            self.grace_seconds, lambda: self._spawn(self._unload(document_id))
        )

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _unload(self, document_id: int) -> None:
        self._unload_timers.pop(document_id, None)
        async with self._lock(document_id):
            room = self.rooms.get(document_id)
            if room is None or room.clients:
                return
            await self.writer.flush()  # never unload with a write of this room in flight
            if room.clients:
                return
            await self._checkpoint(room)
            if not room.clients:
                del self.rooms[document_id]
                room.unload()
                if document_id in self._subscribed:
                    self._subscribed.discard(document_id)
                    await self.fanout.unsubscribe(document_id)
                self._locks.pop(document_id, None)

    # -- events from other processes ---------------------------------------------

    def _remote(self, document_id: int, event: Event) -> None:
        room = self.rooms.get(document_id)
        if room is not None:
            self._apply_remote(room, event)
        elif document_id in self._early:
            self._early[document_id].append(event)

    def _apply_remote(self, room: Room, event: Event) -> None:
        if event.kind == Kind.UPDATE:
            room.apply_remote(event)
        elif event.kind == Kind.AWARENESS:
            room.apply_remote_awareness(event.payload)
        elif event.kind == Kind.MESSAGE:
            body = json.loads(event.payload)
            listener = self.message_listeners.get(body.get("event", ""))
            if listener is not None:
                listener(room.document_id, body)

    def _gap(self, document_id: int) -> None:
        if document_id in self.rooms:
            self._spawn(self._catch_up(document_id))

    async def _catch_up(self, document_id: int) -> None:
        """Apply what other processes stored while our fan-out connection was down."""
        room = self.rooms.get(document_id)
        if room is None:
            return
        stored = await self.store.load(document_id)
        missing = stored.replay(document_id).get_update(room.doc.get_state())
        if self.rooms.get(document_id) is room and missing != EMPTY_UPDATE:
            room.apply_remote(Event(Kind.UPDATE, document_id, missing, 0, stored.last_change_id))

    def publish_message(self, document_id: int, body: dict[str, Any]) -> None:
        """Tell the other processes' clients of a document (they run `message_listeners`)."""
        payload = json.dumps(body).encode()
        self.fanout.publish(Event(Kind.MESSAGE, document_id, payload))

    def publish_control(self, body: dict[str, Any]) -> None:
        """Tell the other processes (they run `control_listeners`)."""
        self.access_epoch += 1
        self.fanout.publish(Event(Kind.CONTROL, CONTROL, json.dumps(body).encode()))

    def _control(self, event: Event) -> None:
        self.access_epoch += 1
        body = json.loads(event.payload)
        if body.get("event") == "close":
            self._close_local(Selector(**body["selector"]), body["code"], body["reason"])
            return
        listener = self.control_listeners.get(body.get("event", ""))
        if listener is not None:
            listener(body)

    def _changed(self, room: Room) -> None:
        self._maybe_checkpoint(room)
        for listener in self.change_listeners:
            listener(room.document_id)

    def release_if_idle(self, room: Room) -> None:
        """Let a room opened by the server itself (no client) unload after the grace period."""
        if not room.clients and self.rooms.get(room.document_id) is room:
            self._schedule_unload(room.document_id)

    def _maybe_checkpoint(self, room: Room) -> None:
        document_id = room.document_id
        if (
            room.changes_since_checkpoint >= self.checkpoint_every
            and document_id not in self._checkpointing
            and document_id not in self._checkpoint_due
        ):
            # Called for every commit of a batch in one go (5,000 under a burst): without
            # this mark, each would start a task before the first one runs.
            self._checkpoint_due.add(document_id)
            self._spawn(self._due_checkpoint(room))

    async def _due_checkpoint(self, room: Room) -> None:
        self._checkpoint_due.discard(room.document_id)
        await self._checkpoint(room)

    async def _checkpoint(self, room: Room) -> None:
        if (
            room.poisoned
            or room.changes_since_checkpoint == 0
            or room.document_id in self._checkpointing
        ):
            return
        self._checkpointing.add(room.document_id)
        try:
            # The state may already include updates still in the writer; replaying them
            # again on load is harmless (Yjs updates are idempotent).
            state = room.doc.get_update()
            upto = room.last_change_id
            done = room.changes_since_checkpoint
            await self.store.save_checkpoint(room.document_id, upto, state)
            room.changes_since_checkpoint = max(0, room.changes_since_checkpoint - done)
        except Exception:
            log.exception("checkpoint of document %s failed", room.document_id)
        finally:
            self._checkpointing.discard(room.document_id)

    def connections(self) -> Iterator[Connection]:
        for room in list(self.rooms.values()):
            yield from list(room.clients)

    def close_matching(self, selector: Selector, code: int, reason: str) -> int:
        """Close the matching connections of every process; return how many were ours."""
        self.publish_control(
            {"event": "close", "selector": asdict(selector), "code": code, "reason": reason}
        )
        return self._close_local(selector, code, reason)

    def close_where(self, predicate: Callable[[Connection], bool], code: int, reason: str) -> int:
        """Close this process's connections for which `predicate(conn)` is true (revocations
        use `close_matching`, which reaches every process)."""
        count = 0
        for conn in self.connections():
            if predicate(conn):
                conn.close(code, reason)
                count += 1
        return count

    def _close_local(self, selector: Selector, code: int, reason: str) -> int:
        return self.close_where(selector.matches, code, reason)

    async def shutdown(self) -> None:
        """Close every client, commit everything, checkpoint every room."""
        for timer in self._unload_timers.values():
            timer.cancel()
        self._unload_timers.clear()
        for room in list(self.rooms.values()):
            room.close_all(CloseCode.GOING_AWAY, "server shutting down")
        await self.writer.flush()
        for room in list(self.rooms.values()):
            await self._checkpoint(room)
        for task in list(self._tasks):
            task.cancel()
        self.rooms.clear()
        await self.fanout.close()
