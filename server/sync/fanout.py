"""Fan-out between server processes: in-process (nothing to do) or Redis pub/sub.

A room commits an update, broadcasts it to its own clients, then publishes it here; every
other process holding that room applies it and broadcasts it to its clients. One channel
per document carries updates, awareness and comment events; one control channel carries
what concerns connections of any document (revocations, role changes). With a single
process the in-process implementation publishes nothing: rooms already reach every client.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Protocol

log = logging.getLogger("wikimarche.fanout")

CONTROL = 0  # the "document id" of the control channel
PUBLISH_ATTEMPTS = 10
SUBSCRIBE_TIMEOUT = 5.0  # seconds; then the room opens without other processes


class Kind(IntEnum):
    UPDATE = 0  # a committed Yjs update (author, change id)
    AWARENESS = 1  # awareness entries, as in the y-protocols awareness message
    MESSAGE = 2  # a JSON event for the document's clients (comments changed)
    CONTROL = 3  # a JSON event for connections of any document (revocations, roles)


@dataclass(frozen=True, slots=True)
class Event:
    kind: Kind
    document_id: int
    payload: bytes
    author_id: int = 0
    change_id: int = 0


Handler = Callable[[Event], None]


class FanOut(Protocol):
    """What rooms need from the fan-out."""

    async def start(self, on_control: Handler, on_gap: Callable[[int], None]) -> None:
        """`on_gap(document)`: events of that channel may have been lost (a reconnection)."""

    async def subscribe(self, document_id: int, handler: Handler) -> None:
        """Return once events published from now on are delivered to `handler`."""

    async def unsubscribe(self, document_id: int) -> None: ...

    def publish(self, event: Event) -> None:
        """Queue `event` for the other processes (never blocks, keeps order)."""

    def after_published(self, callback: Callable[[], None]) -> None:
        """Run `callback` once everything published so far has reached the other processes
        (or publishing it was given up), so that an update a client is told is stored
        cannot be kept from the others by this process dying right after."""

    async def close(self) -> None: ...


class LocalFanOut:
    """One process: there is no one else to tell."""

    async def start(self, on_control: Handler, on_gap: Callable[[int], None]) -> None:
        return None

    async def subscribe(self, document_id: int, handler: Handler) -> None:
        return None

    async def unsubscribe(self, document_id: int) -> None:
        return None

    def publish(self, event: Event) -> None:
        return None

    def after_published(self, callback: Callable[[], None]) -> None:
        callback()

    async def close(self) -> None:
        return None


# kind, origin process, document, author, change id; then the payload.
_HEADER = struct.Struct("!B8sqqq")


def encode(origin: bytes, event: Event) -> bytes:
    header = _HEADER.pack(event.kind, origin, event.document_id, event.author_id, event.change_id)
    return header + event.payload


def decode(data: bytes) -> tuple[bytes, Event]:
    kind, origin, document_id, author_id, change_id = _HEADER.unpack_from(data)
    payload = bytes(data[_HEADER.size :])
    return origin, Event(Kind(kind), document_id, payload, author_id, change_id)


class RedisFanOut:
    """Redis pub/sub: one subscriber connection, one ordered publishing task."""

    def __init__(self, url: str, *, prefix: str = "wikimarche") -> None:
        import redis.asyncio as aioredis

        self.url = url
        self.prefix = prefix
        self.origin = os.urandom(8)  # our own messages come back: skip them
        self.redis: Any = aioredis.from_url(url, client_name=f"{prefix}-{os.getpid()}")
        self._on_gap: Callable[[int], None] = lambda document_id: None
        self._pubsub: Any = None
        self._handlers: dict[int, Handler] = {}
        self._confirmations: dict[bytes, asyncio.Future[None]] = {}
        # Messages to publish, and callbacks to run once those before them are published.
        self._outgoing: asyncio.Queue[tuple[bytes, bytes] | Callable[[], None]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self.published = 0
        self.received = 0

    def channel(self, document_id: int) -> bytes:
        if document_id == CONTROL:
            return f"{self.prefix}:control".encode()
        return f"{self.prefix}:doc:{document_id}".encode()

    async def start(self, on_control: Handler, on_gap: Callable[[int], None]) -> None:
        self._pubsub = self.redis.pubsub()
        self._handlers[CONTROL] = on_control
        self._on_gap = on_gap
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._read(), name="fanout-reader"),
            loop.create_task(self._publish_loop(), name="fanout-publisher"),
        ]
        await self._subscribe_channel(self.channel(CONTROL))

    async def _subscribe_channel(self, channel: bytes) -> None:
        done = asyncio.get_running_loop().create_future()
        self._confirmations[channel] = done
        await self._pubsub.subscribe(channel)
        # Redis confirms once the subscription is active: anything published after the
        # confirmation reaches us, which is what "subscribe, then load" relies on.
        await asyncio.wait_for(done, SUBSCRIBE_TIMEOUT)

    async def subscribe(self, document_id: int, handler: Handler) -> None:
        self._handlers[document_id] = handler
        await self._subscribe_channel(self.channel(document_id))

    async def unsubscribe(self, document_id: int) -> None:
        self._handlers.pop(document_id, None)
        if self._pubsub is not None:
            await self._pubsub.unsubscribe(self.channel(document_id))

    def publish(self, event: Event) -> None:
        self._outgoing.put_nowait((self.channel(event.document_id), encode(self.origin, event)))

    def after_published(self, callback: Callable[[], None]) -> None:
        # Redis answers a PUBLISH once the message is in every subscriber's buffer: after
        # that answer, this process dying loses the other processes nothing.
        self._outgoing.put_nowait(callback)

    async def _publish_loop(self) -> None:
        while True:
            first = await self._outgoing.get()
            batch = [first]
            while not self._outgoing.empty() and len(batch) < 1000:
                batch.append(self._outgoing.get_nowait())
            messages = [item for item in batch if isinstance(item, tuple)]
            if messages:
                await self._publish_batch(messages)
            for item in batch:
                if not isinstance(item, tuple):
                    try:
                        item()
                    except Exception:
                        log.exception("a callback after publishing failed")
                self._outgoing.task_done()

    async def _publish_batch(self, messages: list[tuple[bytes, bytes]]) -> None:
        for attempt in range(PUBLISH_ATTEMPTS):
            try:
                # One round trip for whatever accumulated, in order.
                async with self.redis.pipeline(transaction=False) as pipe:
                    for channel, data in messages:
                        pipe.publish(channel, data)
                    await pipe.execute()
                self.published += len(messages)
                return
            except Exception:
                # Updates are stored already; a process that misses them catches up
                # when its room is next loaded.
                log.exception("publishing %d events failed (attempt %d)", len(messages), attempt)
                await asyncio.sleep(0.2 * (attempt + 1))

    async def _read(self) -> None:
        while True:
            try:
                if self._pubsub is None or not self._pubsub.subscribed:
                    await asyncio.sleep(0.01)
                    continue
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reading from Redis failed; retrying")
                await asyncio.sleep(0.5)
                continue
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel = message.get("channel", b"")
        if message["type"] == "subscribe":
            done = self._confirmations.pop(channel, None)
            if done is not None and not done.done():
                done.set_result(None)
            elif done is None:
                # Not asked for: the client re-subscribed after losing its connection, and
                # what was published meanwhile is lost. The room reloads what it missed.
                self._resubscribed(channel)
            return
        if message["type"] != "message":
            return
        try:
            origin, event = decode(message["data"])
        except (struct.error, ValueError):
            log.warning("ignoring a malformed fan-out message on %r", channel)
            return
        if origin == self.origin:
            return
        handler = self._handlers.get(CONTROL if event.kind == Kind.CONTROL else event.document_id)
        if handler is None:
            return
        self.received += 1
        try:
            handler(event)
        except Exception:
            log.exception("a fan-out handler failed")

    def _resubscribed(self, channel: bytes) -> None:
        name = channel.decode(errors="replace")
        prefix = f"{self.prefix}:doc:"
        if name.startswith(prefix) and name[len(prefix) :].isdigit():
            log.warning("re-subscribed to %s after a lost connection", name)
            self._on_gap(int(name[len(prefix) :]))

    async def close(self) -> None:
        # Let queued events out first: another process may be waiting for them.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outgoing.join(), 2.0)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        if self._pubsub is not None:
            await self._pubsub.aclose()
        await self.redis.aclose()


def fanout_for(redis_url: str, database_url: str) -> FanOut:
    """The fan-out of a deployment: Redis when configured, else in-process.

    Channel names carry a digest of the database's address (never its password): the
    processes of one installation share them, another installation on the same Redis
    does not hear them (pub/sub ignores Redis database numbers).
    """
    if not redis_url:
        return LocalFanOut()
    return RedisFanOut(redis_url, prefix=installation_prefix(database_url))


def installation_prefix(database_url: str) -> str:
    """A Redis key prefix shared by the processes of one installation."""
    from sqlalchemy.engine import make_url

    address = make_url(database_url).set(password=None).render_as_string()
    return "wikimarche:" + hashlib.sha256(address.encode()).hexdigest()[:12]
