"""How a connection sends: at once when nothing waits, in order behind a send that waits
(the client's socket is full), and a client stuck too long is closed, alone."""

from __future__ import annotations

import asyncio

from support.live import run_async
from support.typists import wait_for

from server.sync.connection import Connection, Identity
from server.sync.protocol import CloseCode


async def _turns_of_the_loop(count: int = 5) -> None:
    """Let every ready task run a few times: what could move meanwhile has moved."""
    for _ in range(count):
        await asyncio.sleep(0)


class Socket:
    """The server's side of one websocket: a send waits while the client reads nothing."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed_with: list[int] = []
        self.readable = asyncio.Event()
        self.readable.set()

    async def send_bytes(self, data: bytes) -> None:
        await self.readable.wait()  # returns at once while the client keeps reading
        self.sent.append(data)

    async def close(self, code: int, reason: str) -> None:
        self.closed_with.append(code)

    def connection(self, name: str, *, queue_limit: int = 1 << 20) -> Connection:
        return Connection(
            Identity(1, name, "h", 1, 1),
            can_edit=True,
            wants_ack=False,
            send_bytes=self.send_bytes,
            close=self.close,
            queue_limit=queue_limit,
        )


def test_a_message_is_written_at_once_and_keeps_its_order_behind_a_send_that_waits():
    async def scenario() -> None:
        socket = Socket()
        conn = socket.connection("Claire")
        conn.start()
        conn.send(b"one")
        assert socket.sent == [b"one"]  # written by send() itself, no turn of the loop
        socket.readable.clear()  # the client stops reading: the next send waits
        conn.send(b"two")
        conn.send_presence(b"caret")
        conn.send(b"three")
        await _turns_of_the_loop()
        assert socket.sent == [b"one"]
        socket.readable.set()
        await wait_for(lambda: len(socket.sent) == 4, 5, "the backlog to go out")
        assert socket.sent == [b"one", b"two", b"three", b"caret"]
        conn.send(b"four")
        assert socket.sent[-1] == b"four"
        await conn.stop()

    run_async(scenario())


def test_a_client_that_reads_nothing_is_closed_alone_when_its_backlog_is_too_large():
    async def scenario() -> None:
        stuck, reading = Socket(), Socket()
        slow = stuck.connection("Jean", queue_limit=1000)
        other = reading.connection("Claire", queue_limit=1000)
        slow.start()
        other.start()
        stuck.readable.clear()
        for index in range(20):
            update = b"%03d" % index + b"x" * 97
            slow.send(update)
            other.send(update)
        await wait_for(lambda: stuck.closed_with, 5, "the stuck client to be closed")
        assert stuck.closed_with == [CloseCode.SLOW_CONSUMER]
        assert slow.closed
        assert reading.closed_with == [] and not other.closed
        await wait_for(lambda: len(reading.sent) == 20, 5, "the other client's 20 updates")
        await slow.stop()
        await other.stop()

    run_async(scenario())


def test_a_send_that_waits_when_the_connection_stops_ends_with_it():
    async def scenario() -> None:
        socket = Socket()
        conn = socket.connection("Claire")
        conn.start()
        socket.readable.clear()
        conn.send(b"never read")
        await asyncio.wait_for(conn.stop(), 5)
        socket.readable.set()
        await _turns_of_the_loop()
        assert socket.sent == []

    run_async(scenario())
