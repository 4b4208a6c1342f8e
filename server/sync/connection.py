"""One client's websocket inside a room: who it is, what it may do, and its outbound queue.

Sends never wait on the room's path. A message for a client with nothing queued is written
at once, when the server takes it without waiting (the usual case: a websocket send only
waits while the socket's buffer is full); otherwise it joins this connection's queue, which
a single sender task per connection drains. A dead or slow client therefore cannot stall a
broadcast or the room, and a client whose backlog exceeds its budget is closed, alone.
Writing at once saves each delivery a turn of the event loop and a task switch, and keeps
a frame from waiting behind every other ready task of a busy server.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator
from dataclasses import dataclass
from typing import Any

from server.sync.protocol import CloseCode

log = logging.getLogger("wikimarche.sync")


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is behind a connection; bound once at the handshake, never mutated."""

    user_id: int
    user_name: str
    session_hash: str
    document_id: int
    tender_id: int


SendBytes = Callable[[bytes], Coroutine[Any, Any, None]]
Close = Callable[[int, str], Awaitable[None]]


class Connection:
    """A live client of a room."""

    def __init__(
        self,
        identity: Identity,
        *,
        can_edit: bool,
        wants_ack: bool,
        role: str = "",
        send_bytes: SendBytes,
        close: Close,
        queue_limit: int,
    ) -> None:
        self.identity = identity
        self.can_edit = can_edit
        self.role = role  # the member's role on this document, kept current by role changes
        self.wants_ack = wants_ack
        self._send_bytes = send_bytes
        self._close = close
        self._queue: deque[bytes] = deque()
        # Presence waits behind document frames: a room's presence renewals falling due
        # together must not delay the text others are typing.
        self._presence: deque[bytes] = deque()
        self._queued_bytes = 0
        self._queue_limit = queue_limit
        # The sender task sleeps on this future while both queues are empty. A bare future
        # of the loop, not an asyncio.Event: each Event.wait() looks the running loop up
        # again, a getpid() system call per wake-up on Python 3.11.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None
        # A send started at once that had to wait (the socket's buffer was full): the
        # sender task finishes it before anything queued after it.
        self._started: _Started | None = None
        self._sending = False  # the sender task is in the middle of a send
        self._closing: asyncio.Task[None] | None = None
        self.closed = False
        self.close_code: int | None = None
        self.synced = False  # has been sent its first SyncStep2; receives broadcasts
        self.awareness_clients: dict[int, int] = {}  # awareness clientID → last clock
        # The state vector of the client's SyncStep1, acknowledged once its SyncStep2 is
        # stored (see Room._ack_resync).
        self.peer_state: dict[int, int] | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._drain(), name="ws-sender")

    def send(self, message: bytes) -> None:
        """Queue a message for this client; never blocks, never raises."""
        self._enqueue(self._queue, message)

    def send_presence(self, message: bytes) -> None:
        """Queue a presence frame, sent once no document frame is waiting."""
        self._enqueue(self._presence, message)

    def _enqueue(self, queue: deque[bytes], message: bytes) -> None:
        if self.closed:
            return
        if self._can_send_at_once():
            self._send_at_once(message)
            return
        queue.append(message)
        self._queued_bytes += len(message)
        if self._queued_bytes > self._queue_limit:
            self.close(CloseCode.SLOW_CONSUMER, "client too slow")
            return
        self._wake_sender()

    def _can_send_at_once(self) -> bool:
        """Started, and nothing sent or waiting before: a message written now keeps order."""
        idle = self._task is not None and not self._sending and self._started is None
        return idle and not (self._queue or self._presence)

    def _send_at_once(self, message: bytes) -> None:
        """Run the send until it completes or has to wait; a wait is left to the task."""
        coroutine = self._send_bytes(message)
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return
        except Exception:  # a vanished client: only this connection ends
            self._stop_sending()
            return
        self._started = _Started(coroutine, waiting)
        self._wake_sender()

    def _stop_sending(self) -> None:
        """Send nothing more: what waits is dropped and the sender task may end."""
        self.closed = True
        self._queue.clear()
        self._presence.clear()
        self._queued_bytes = 0
        self._wake_sender()

    def _wake_sender(self) -> None:
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

    def close(self, code: int, reason: str = "") -> None:
        """Close this client (once); pending messages are dropped."""
        if self.closed:
            return
        self._stop_sending()
        self.close_code = code
        if code not in (CloseCode.GOING_AWAY, 1000):
            log.info(
                "closing websocket of user %s on document %s: %s %s",
                self.identity.user_id,
                self.identity.document_id,
                code,
                reason,
            )
        self._closing = asyncio.get_running_loop().create_task(self._safe_close(code, reason))

    async def _safe_close(self, code: int, reason: str) -> None:
        try:
            await self._close(code, reason)
        except Exception:  # the socket may already be gone; nothing else to do
            log.debug("closing an already closed websocket", exc_info=True)

    async def _drain(self) -> None:
        try:
            assert self._loop is not None
            while not self.closed:
                if not (self._queue or self._presence or self._started):
                    self._wake = self._loop.create_future()
                    await self._wake
                    self._wake = None
                if self._started is not None:
                    await self._started
                    self._started = None
                while (self._queue or self._presence) and not self.closed:
                    message = (self._queue or self._presence).popleft()
                    self._queued_bytes -= len(message)
                    self._sending = True
                    await self._send_bytes(message)
                    self._sending = False
        except Exception:  # a vanished client: only this connection ends
            self._stop_sending()

    async def stop(self) -> None:
        self.closed = True
        self._wake_sender()
        if self._closing is not None:
            # Let the close frame go out before the handler returns and the TCP connection
            # is dropped (the client would see 1006 instead of our code).
            await self._closing
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                log.debug("sender task ended", exc_info=True)
        if self._started is not None:  # never resumed: let it end (a no-op if it did)
            self._started.coroutine.close()
            self._started = None


class _Started:
    """A coroutine already run up to its first wait, awaited from where it stopped.

    Awaiting it hands the task what the coroutine yielded (the future it waits for) and
    relays every resumption to it, exactly as if the task had started it itself.
    """

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting: Any) -> None:
        self.coroutine = coroutine
        self.waiting = waiting

    def __await__(self) -> Generator[Any, Any, None]:
        waiting = self.waiting
        while True:
            try:
                sent = yield waiting
            except BaseException as exc:  # cancellation included: the coroutine sees it
                try:
                    waiting = self.coroutine.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    waiting = self.coroutine.send(sent)
                except StopIteration:
                    return
