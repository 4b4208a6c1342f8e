"""Write block trees into a fragment as y-prosemirror does, and build them in code."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from pycrdt import XmlElement, XmlFragment, XmlText

from .blocks import Block, Span
from .schema import (
    BLOCKQUOTE,
    BOLD,
    BULLET_LIST,
    CLAUSE,
    HARD_BREAK,
    HEADING,
    INLINE_NODES,
    ITALIC,
    LINK,
    LINK_DEFAULTS,
    LIST_ITEM,
    ORDERED_LIST,
    PARAGRAPH,
    STRIKE,
    TABLE,
    TABLE_CELL,
    TABLE_HEADER,
    TABLE_ROW,
    UNDERLINE,
)
from .values import Attrs, canonical_json, make_attrs, thaw

Inline: TypeAlias = str | Span
Content: TypeAlias = Block | Inline
Item: TypeAlias = Content | Sequence[Content]


def write_blocks(target: XmlFragment | XmlElement, blocks: Iterable[Block]) -> None:
    """Append `blocks` to an integrated fragment or element, in one transaction.

    Elements get the block tag and its non-null attributes; the text of a
    textblock is one XmlText per run between inline nodes, each mark stored as
    the format attribute `{mark name: mark attrs}` (`{}` for bold).
    """
    with target.doc.transaction():
        for block in blocks:
            _append_block(target, block)


def _append_block(parent: XmlFragment | XmlElement, block: Block) -> None:
    insert_block(parent, len(parent.children), block)


def insert_block(parent: XmlFragment | XmlElement, index: int, block: Block) -> XmlElement:
    """Insert one block tree at `index` among `parent`'s children (no own transaction)."""
    element = parent.children.insert(index, XmlElement(block.kind))
    _set_attributes(element, block.attrs)
    _append_inlines(element, block.inlines)
    for child in block.children:
        _append_block(element, child)
    return element


def _set_attributes(element: XmlElement, attrs: Attrs) -> None:
    for key, value in attrs:
        if value is not None:
            element.attributes[key] = thaw(value)


def _append_inlines(element: XmlElement, spans: Iterable[Span]) -> None:
    text: XmlText | None = None
    offset = 0  # pycrdt text indexes count UTF-8 bytes
    for span in spans:
        if span.node is None:
            if not span.text:
                continue
            if text is None:
                text = element.children.append(XmlText())
                offset = 0
            formats = {key: json.loads(attrs) for key, attrs in span.marks}
            text.insert(offset, span.text, formats)
            offset += len(span.text.encode("utf-8"))
        else:
            text = None
            node = element.children.append(XmlElement(span.node))
            _set_attributes(node, span.node_attrs)
            if span.node not in INLINE_NODES and span.text:
                node.children.append(XmlText(span.text))


# --- constructors -------------------------------------------------------------


def with_mark(content: Inline, name: str, attrs: Mapping[str, Any] | None = None) -> Span:
    """`content` with the mark `name` (attrs `{}` unless given) added."""
    span = Span(content) if isinstance(content, str) else content
    marks = dict(span.marks)
    marks[name] = canonical_json(dict(attrs or {}))
    return Span(span.text, tuple(marks.items()), span.node, span.node_attrs)


def bold(content: Inline) -> Span:
    return with_mark(content, BOLD)


def italic(content: Inline) -> Span:
    return with_mark(content, ITALIC)


def underline(content: Inline) -> Span:
    return with_mark(content, UNDERLINE)


def strike(content: Inline) -> Span:
    return with_mark(content, STRIKE)


def link(content: Inline, href: str, **attrs: Any) -> Span:
    """A link with Tiptap's default attributes (`target`, `rel`, `class`) unless overridden."""
    return with_mark(content, LINK, {"href": href, **LINK_DEFAULTS, **attrs})


def hard_break() -> Span:
    return Span(INLINE_NODES[HARD_BREAK], node=HARD_BREAK)


def _spans(content: Iterable[Inline]) -> tuple[Span, ...]:
    return tuple(Span(item) if isinstance(item, str) else item for item in content)


def paragraph(*content: Inline) -> Block:
    return Block(PARAGRAPH, inlines=_spans(content))


def heading(level: int, *content: Inline) -> Block:
    return Block(HEADING, make_attrs({"level": level}), inlines=_spans(content))


def _blocks(content: Iterable[Content]) -> tuple[Block, ...]:
    """Blocks as given, runs of inline content wrapped in paragraphs."""
    result: list[Block] = []
    run: list[Inline] = []
    for item in content:
        if isinstance(item, Block):
            if run:
                result.append(paragraph(*run))
                run = []
            result.append(item)
        else:
            run.append(item)
    if run:
        result.append(paragraph(*run))
    return tuple(result)


def list_item(*content: Content) -> Block:
    return Block(LIST_ITEM, children=_blocks(content) or (paragraph(),))


def _item(item: Item) -> Block:
    if isinstance(item, Block) and item.kind == LIST_ITEM:
        return item
    if isinstance(item, (str, Span, Block)):
        return list_item(item)
    return list_item(*item)


def bullet_list(items: Iterable[Item]) -> Block:
    return Block(BULLET_LIST, children=tuple(_item(item) for item in items))


def ordered_list(items: Iterable[Item], start: int = 1) -> Block:
    children = tuple(_item(item) for item in items)
    return Block(ORDERED_LIST, make_attrs({"start": start}), children=children)


def blockquote(*content: Content) -> Block:
    return Block(BLOCKQUOTE, children=_blocks(content) or (paragraph(),))


def table_cell(
    *content: Content, header: bool = False, colspan: int = 1, rowspan: int = 1
) -> Block:
    kind = TABLE_HEADER if header else TABLE_CELL
    attrs = {"colspan": colspan, "rowspan": rowspan}
    return Block(kind, make_attrs(attrs), children=_blocks(content) or (paragraph(),))


def _cell(cell: Item, header: bool) -> Block:
    if isinstance(cell, Block) and cell.kind in (TABLE_CELL, TABLE_HEADER):
        return cell
    if isinstance(cell, (str, Span, Block)):
        return table_cell(cell, header=header)
    return table_cell(*cell, header=header)


def table(rows: Iterable[Iterable[Item]], header: bool = False) -> Block:
    """A table; with `header`, the first row is made of header cells."""
    built = [
        Block(TABLE_ROW, children=tuple(_cell(cell, header and index == 0) for cell in row))
        for index, row in enumerate(rows)
    ]
    return Block(TABLE, children=tuple(built))


def clause(
    clause_id: str,
    *content: Content,
    version: int = 1,
    params: Mapping[str, Any] | str | None = None,
) -> Block:
    """An inserted library clause; `params` is stored as a JSON string."""
    text = params if isinstance(params, str) else canonical_json(dict(params or {}))
    attrs = {"clauseId": clause_id, "clauseVersion": version, "params": text}
    return Block(CLAUSE, make_attrs(attrs), children=_blocks(content) or (paragraph(),))
