"""Plain-text rendering of a block tree, used for exports, search and diffs."""

from __future__ import annotations

from collections.abc import Iterable

from .blocks import Block
from .schema import BLOCKQUOTE, BULLET_LIST, ORDERED_LIST, TABLE
from .values import as_int


def render_text(blocks: Iterable[Block]) -> str:
    """Render blocks as text: top-level blocks separated by a blank line.

    Inside a block every paragraph takes one line, list items are prefixed
    with "- " or "N. ", quotes with "> ", and table rows are tab-separated.
    Blocks without any text are left out.
    """
    parts = ["\n".join(lines) for lines in map(block_lines, blocks)]
    return "\n\n".join(part for part in parts if part.strip())


def block_lines(block: Block) -> list[str]:
    """Lines of text of one block."""
    if block.kind == BULLET_LIST:
        return _list_lines(block, ordered=False)
    if block.kind == ORDERED_LIST:
        return _list_lines(block, ordered=True)
    if block.kind == BLOCKQUOTE:
        return [f"> {line}" if line else ">" for line in _content_lines(block)]
    if block.kind == TABLE:
        return [_row_text(row) for row in block.children]
    return _content_lines(block)


def _content_lines(block: Block) -> list[str]:
    lines: list[str] = []
    if block.inlines:
        lines.extend(block.text.split("\n"))
    for child in block.children:
        lines.extend(block_lines(child))
    return lines


def _list_lines(block: Block, *, ordered: bool) -> list[str]:
    start = as_int(block.attr("start")) if ordered else None
    number = 1 if start is None else start
    lines: list[str] = []
    for item in block.children:
        prefix = f"{number}. " if ordered else "- "
        number += 1
        item_lines = _content_lines(item) or [""]
        lines.append(prefix + item_lines[0])
        indent = " " * len(prefix)
        lines.extend(indent + line if line else "" for line in item_lines[1:])
    return lines


def _row_text(row: Block) -> str:
    cells = row.children if row.children else (row,)
    return "\t".join(_cell_text(cell) for cell in cells)


def _cell_text(cell: Block) -> str:
    words = " ".join(line.strip() for line in block_lines(cell) if line.strip())
    return words.replace("\t", " ")
