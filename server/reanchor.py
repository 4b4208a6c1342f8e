"""Re-attaching a comment whose passage came back (an undo, a retyped sentence).

Yjs never revives deleted items: an undo re-inserts the words as new items, so a comment
anchored to the old ones stays detached. The editor that notices the quote back in the
paragraph where the passage was computes fresh relative positions (pycrdt cannot create
them inside an XmlText) and sends them; the server checks that the comment really is
detached and that the new anchor spans exactly the quoted words, stores it and tells the
open editors, so every reader sees the comment back on its passage.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from pycrdt import Doc, StickyIndex, XmlElement, XmlFragment, XmlText

from roles import Role
from server import content, discussion
from server.db import comments as stored
from server.db import tenders
from server.errors import Conflict, InvalidInput, NotFound

INVALID = "The new anchor does not span the quoted passage."


def _texts(node: XmlFragment | XmlElement) -> Iterator[XmlText]:
    for child in node.children:
        if isinstance(child, XmlText):
            yield child
        elif isinstance(child, XmlElement):
            yield from _texts(child)


def _plain(text: XmlText) -> str:
    # Inline embeds count as one position, as in Yjs.
    return "".join(chunk if isinstance(chunk, str) else "\ufffc" for chunk, _ in text.diff())


def spans_quote(doc: Doc, anchor: dict[str, str], quote: str) -> bool:
    """True when the anchor resolves, inside one paragraph, to exactly `quote`."""
    try:
        start = StickyIndex.decode(base64.b64decode(anchor["start"], validate=True))
        end = StickyIndex.decode(base64.b64decode(anchor["end"], validate=True))
        with doc.transaction() as txn:
            first, last = start.get_index(txn), end.get_index(txn)
    except BaseException as exc:  # a malformed anchor is just refused
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return False
    if last - first != len(quote) or not quote:
        return False
    return any(_plain(text)[first:last] == quote for text in _texts(content.body(doc)))


async def reattach(
    services: Any,
    document: tenders.Document,
    user: Any,
    role: Role | None,
    comment: dict[str, Any],
    data: dict[str, Any],
) -> dict[str, Any]:
    if not discussion.visible(comment, user.id, role) or comment["parent_id"] is not None:
        raise NotFound()
    anchor = data.get("anchor")
    if not isinstance(anchor, dict) or not comment["anchor_start"]:
        raise InvalidInput({"anchor": INVALID})
    start = discussion.anchor_part(anchor.get("start"))
    end = discussion.anchor_part(anchor.get("end"))
    doc = await content.current_doc(services, document.id)
    if not discussion.detached(doc, comment):
        raise Conflict("This comment is still attached to its passage.")
    if not spans_quote(doc, {"start": start, "end": end}, comment["quote"]):
        raise InvalidInput({"anchor": INVALID})
    # Not an edit of the comment: its author and dates stay as they were.
    await stored.set_anchor(services.db, comment["id"], start, end)
    changed = await stored.get(services.db, comment["id"])
    assert changed is not None
    discussion.push(services, document.id, changed)
    return discussion.to_json(changed, user.id, role) | {"detached": False}
