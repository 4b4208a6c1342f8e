"""Python Yjs clients that type, survive server restarts and remember what was acknowledged.

Each `Typist` holds one pycrdt `Doc` for its whole life: when the server dies it keeps
typing offline, and when it reconnects its SyncStep2 re-sends whatever the server had
not stored, exactly as the browser editor does. The server acknowledges stored updates
(message type 100, opt-in with `?ack=1`); `acked` is the highest acknowledged clock of the
typist's own Yjs client, so "no acknowledged update lost" means: the stored document's
state vector holds at least that clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import Iterator

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from server.sync.protocol import FrameType, Reader, SyncStep, decode_state_vector, encode_sync
from support.rawws import Closed, open_socket


def paragraphs_text(doc: Doc) -> str:
    """The document as plain text, one line per block (what the API serves)."""
    import versions

    return versions.render_text(versions.read_blocks(doc.get("content", type=XmlFragment)))


def state_vector(doc: Doc) -> dict[int, int]:
    return decode_state_vector(doc.get_state())


class Typist:
    """One editor: a Doc, a socket that comes and goes, and a record of acknowledgements."""

    def __init__(self, name: str, url: str, headers: dict[str, str]) -> None:
        self.name = name
        self.url = url
        self.headers = headers
        self.doc = Doc()
        self.acked = 0  # highest clock of our own client the server said it stored
        self.typed: list[str] = []  # every marker typed, online or offline
        self.ws = None
        self.synced = asyncio.Event()
        self._pump_task: asyncio.Task[None] | None = None
        self.connects = 0

    @property
    def client_id(self) -> int:
        return int(self.doc.client_id)

    @property
    def online(self) -> bool:
        return self.ws is not None and self.synced.is_set()

    async def connect(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """(Re)connect, retrying while the server is down; returns once synced."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            try:
                ws = await open_socket(self.url + "?ack=1", self.headers)
                break
            except (OSError, Closed, Exception):
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.05)
        self.synced = asyncio.Event()
        self.ws = ws
        self.connects += 1
        self._pump_task = asyncio.get_running_loop().create_task(self._pump(ws))
        await ws.send(encode_sync(SyncStep.STEP1, self.doc.get_state()))
        remaining = max(0.1, deadline - asyncio.get_running_loop().time())
        await asyncio.wait_for(self.synced.wait(), remaining)

    async def _pump(self, ws) -> None:
        try:
            async for message in ws:
                await self._handle(ws, bytes(message))
        except Closed:
            pass
        except OSError:
            pass
        finally:
            if self.ws is ws:
                self.ws = None

    async def _handle(self, ws, data: bytes) -> None:
        reader = Reader(data)
        kind = reader.var_uint()
        if kind == FrameType.SYNC:
            step = reader.var_uint()
            payload = reader.var_bytes()
            if step == SyncStep.STEP1:
                await ws.send(encode_sync(SyncStep.STEP2, self.doc.get_update(payload)))
            else:
                self.doc.apply_update(payload)
                if step == SyncStep.STEP2:
                    self.synced.set()
        elif kind == FrameType.ACK:
            for _ in range(reader.var_uint()):
                client = reader.var_uint()
                clock = reader.var_uint()
                if client == self.client_id:
                    self.acked = max(self.acked, clock)

    async def _send(self, update: bytes) -> None:
        ws = self.ws
        if ws is None:
            return  # offline: the next SyncStep2 carries it
        # Like y-websocket, send as soon as the socket is open, synced or not: an update
        # typed between our SyncStep2 and the server's would otherwise never be sent.
        try:
            await ws.send(encode_sync(SyncStep.UPDATE, update))
        except (Closed, OSError):
            pass

    def _first_text(self) -> XmlText:
        fragment = self.doc.get("content", type=XmlFragment)
        if len(fragment.children) == 0:
            fragment.children.append(XmlElement("paragraph", {}, [XmlText()]))
        node = fragment.children[0].children[0]  # type: ignore[union-attr]
        assert isinstance(node, XmlText)
        return node

    @contextlib.contextmanager
    def _local_edit(self) -> Iterator[list[bytes]]:
        """One local transaction; yields the list that receives its update.

        Like Yjs's "update" event in the browser, the update holds only what this
        transaction changed. `get_update(state before)` would also carry the document's whole
        delete set, growing with every deletion ever made (4 kB per keystroke after 10,000
        edits), until the server refuses the document as too large.
        """
        updates: list[bytes] = []
        subscription = self.doc.observe(lambda event: updates.append(event.update))
        try:
            with self.doc.transaction():
                yield updates
        finally:
            self.doc.unobserve(subscription)

    async def type_marker(self, marker: str) -> None:
        """Append a marker at the end of the first paragraph."""
        with self._local_edit() as updates:
            node = self._first_text()
            node.insert(len(node), marker)
        self.typed.append(marker)
        for update in updates:
            await self._send(update)

    async def random_edit(self, rng: random.Random, alphabet: str) -> None:
        """Insert a short random string at a random place, or delete a few characters.

        Positions are UTF-8 byte offsets in pycrdt: they are taken at character boundaries.
        """
        with self._local_edit() as updates:
            node = self._first_text()
            current = str(node)
            if current and rng.random() < 0.3:
                start = rng.randrange(len(current))
                end = min(len(current), start + rng.randint(1, 3))
                offset = len(current[:start].encode())
                del node[offset : offset + len(current[start:end].encode())]
            else:
                at = rng.randint(0, len(current))
                word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
                node.insert(len(current[:at].encode()), word)
        for update in updates:
            await self._send(update)

    async def set_presence(self, client: int, state: dict) -> None:
        from server.sync.protocol import encode_awareness

        if self.ws is not None:
            await self.ws.send(encode_awareness([(client, 1, json.dumps(state))]))

    def all_acked(self) -> bool:
        return self.acked >= state_vector(self.doc).get(self.client_id, 0)

    async def disconnect(self) -> None:
        ws, self.ws = self.ws, None
        if ws is not None:
            await ws.close()
        if self._pump_task is not None:
            self._pump_task.cancel()
            self._pump_task = None


async def wait_for(predicate, timeout: float, what: str) -> None:  # noqa: ASYNC109
    """Poll a condition inside the event loop; fail with `what` after `timeout`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
