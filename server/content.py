"""The current content of a document, as the server sees it (live room or storage)."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, XmlFragment

import versions


async def current_doc(services: Any, document_id: int) -> Doc:
    """The live room's Doc when the document is open, else a Doc loaded from storage."""
    room = services.rooms.rooms.get(document_id)
    if room is not None:
        # The room may hold updates still being committed: show only what is stored, as
        # to websocket clients (it matters where a commit takes milliseconds: PostgreSQL).
        await services.writer.flush()
        return room.doc
    stored = await services.change_log.load(document_id)
    return stored.replay(document_id)


def body(doc: Doc) -> XmlFragment:
    return doc.get("content", type=XmlFragment)


def render(doc: Doc) -> tuple[str, str]:
    """(plain text, HTML) of a document body."""
    blocks = versions.read_blocks(body(doc))
    return versions.render_text(blocks), versions.render_html(blocks)
