"""Names of the ProseMirror nodes and marks that Tiptap writes into the document."""

from __future__ import annotations

import re
from typing import Any

PARAGRAPH = "paragraph"
HEADING = "heading"
BULLET_LIST = "bulletList"
ORDERED_LIST = "orderedList"
LIST_ITEM = "listItem"
BLOCKQUOTE = "blockquote"
TABLE = "table"
TABLE_ROW = "tableRow"
TABLE_HEADER = "tableHeader"
TABLE_CELL = "tableCell"
CLAUSE = "clause"
HARD_BREAK = "hardBreak"

TEXTBLOCKS = frozenset({PARAGRAPH, HEADING})
"""Blocks whose children are inline content."""

CONTAINERS = frozenset(
    {
        BULLET_LIST,
        ORDERED_LIST,
        LIST_ITEM,
        BLOCKQUOTE,
        TABLE,
        TABLE_ROW,
        TABLE_HEADER,
        TABLE_CELL,
        CLAUSE,
    }
)
"""Known blocks whose children are blocks."""

INLINE_NODES: dict[str, str] = {HARD_BREAK: "\n"}
"""Inline elements and the text that stands for them."""

BOLD = "bold"
ITALIC = "italic"
UNDERLINE = "underline"
STRIKE = "strike"
LINK = "link"

LINK_DEFAULTS: dict[str, Any] = {
    "target": "_blank",
    "rel": "noopener noreferrer nofollow",
    "class": None,
}
"""Attributes Tiptap's Link mark stores besides `href`."""

_HASHED_MARK = re.compile(r"(.*)(--[a-zA-Z0-9+/=]{8})$")


def mark_type(key: str) -> str:
    """Mark name of a text-format key.

    y-prosemirror stores a mark under its name, except marks that may overlap
    themselves, stored as `name--<8 char hash>`; this strips the hash.
    """
    match = _HASHED_MARK.match(key)
    return match.group(1) if match else key
