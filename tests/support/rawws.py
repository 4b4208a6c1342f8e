"""A byte-level websocket client with a pycrdt document, for protocol and hostile-input tests."""

from __future__ import annotations

import asyncio
from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

from server.sync.protocol import FrameType, SyncStep, decode_state_vector, encode_sync

Closed = ConnectionClosed


async def open_socket(url: str, headers: dict[str, str], **kw: Any) -> Any:
    origin = headers.get("Origin")
    extra = {k: v for k, v in headers.items() if k != "Origin"}
    return await ws_connect(
        url, additional_headers=extra, origin=origin, compression=None, max_size=None, **kw
    )


class PyClient:
    """A minimal y-websocket client: syncs a pycrdt Doc and records acknowledgements."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.doc = Doc()
        self.acked: dict[int, int] = {}
        self.synced = asyncio.Event()
        self.frames = 0
        self._task = asyncio.get_running_loop().create_task(self._pump())

    @classmethod
    async def connect(cls, url: str, headers: dict[str, str]) -> PyClient:
        client = cls(await open_socket(url + "?ack=1", headers))
        await client.ws.send(encode_sync(SyncStep.STEP1, client.doc.get_state()))
        return client

    async def _pump(self) -> None:
        try:
            async for message in self.ws:
                self.frames += 1
                await self._handle(bytes(message))
        except Closed:
            pass

    async def _handle(self, data: bytes) -> None:
        from server.sync.protocol import Reader

        reader = Reader(data)
        kind = reader.var_uint()
        if kind == FrameType.SYNC:
            step = reader.var_uint()
            payload = reader.var_bytes()
            if step == SyncStep.STEP1:
                await self.ws.send(encode_sync(SyncStep.STEP2, self.doc.get_update(payload)))
            else:
                self.doc.apply_update(payload)
                if step == SyncStep.STEP2:
                    self.synced.set()
        elif kind == FrameType.ACK:
            count = reader.var_uint()
            for _ in range(count):
                client = reader.var_uint()
                self.acked[client] = max(self.acked.get(client, 0), reader.var_uint())

    def paragraph_text(self) -> str:
        fragment = self.doc.get("content", type=XmlFragment)
        return "\n".join(str(child) for child in fragment.children)

    def text(self) -> str:
        from versions import read_blocks, render_text

        return render_text(read_blocks(self.doc.get("content", type=XmlFragment)))

    async def type(self, text: str) -> None:
        """Append text to the first paragraph (creating it) and send the update."""
        before = self.doc.get_state()
        fragment = self.doc.get("content", type=XmlFragment)
        with self.doc.transaction():
            if len(fragment.children) == 0:
                fragment.children.append(XmlElement("paragraph", {}, [XmlText()]))
            paragraph = fragment.children[0]
            node = paragraph.children[0]  # type: ignore[union-attr]
            assert isinstance(node, XmlText)
            node.insert(len(node), text)
        await self.ws.send(encode_sync(SyncStep.UPDATE, self.doc.get_update(before)))

    def all_acked(self) -> bool:
        state = decode_state_vector(self.doc.get_state())
        mine = state.get(self.doc.client_id, 0)
        return self.acked.get(self.doc.client_id, 0) >= mine

    async def close(self) -> None:
        await self.ws.close()
        self._task.cancel()
