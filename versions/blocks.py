"""Immutable block tree read from the Tiptap/y-prosemirror `XmlFragment`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from pycrdt import XmlElement, XmlFragment, XmlText

from .schema import CONTAINERS, INLINE_NODES, PARAGRAPH, TEXTBLOCKS, mark_type
from .values import Attrs, FrozenValue, canonical_json, make_attrs, thaw

Marks: TypeAlias = tuple[tuple[str, str], ...]
"""Text marks as (format key, canonical JSON of the mark attrs), sorted by key."""


@dataclass(frozen=True)
class Span:
    """A run of text sharing the same marks, or an inline node such as `hardBreak`.

    For an inline node, `node` is its tag, `node_attrs` its attributes and
    `text` the text standing for it ("\\n" for a hard break).
    """

    text: str
    marks: Marks = ()
    node: str | None = None
    node_attrs: Attrs = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "marks", tuple(sorted(dict(self.marks).items())))
        object.__setattr__(self, "node_attrs", make_attrs(self.node_attrs))

    @property
    def mark_names(self) -> frozenset[str]:
        """Names of the marks carried by this span (overlap hashes stripped)."""
        return frozenset(mark_type(key) for key, _ in self.marks)

    def mark_attrs(self, name: str) -> dict[str, Any] | None:
        """Attributes of the mark `name`, or None if the span does not carry it."""
        for key, attrs in self.marks:
            if mark_type(key) == name:
                value = json.loads(attrs)
                return value if isinstance(value, dict) else {}
        return None


@dataclass(frozen=True)
class Block:
    """A block node: its tag, attributes, inline content and child blocks."""

    kind: str
    attrs: Attrs = ()
    inlines: tuple[Span, ...] = ()
    children: tuple[Block, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "attrs", make_attrs(self.attrs))
        object.__setattr__(self, "inlines", tuple(self.inlines))
        object.__setattr__(self, "children", tuple(self.children))

    def attr(self, key: str, default: Any = None) -> Any:
        """Plain (thawed) value of attribute `key`."""
        for name, value in self.attrs:
            if name == key:
                return thaw(value)
        return default

    def attrs_dict(self) -> dict[str, Any]:
        """All attributes as plain JSON data."""
        return {name: thaw(value) for name, value in self.attrs}

    @property
    def text(self) -> str:
        """Inline text (hard breaks as newlines), or the children's texts one per line."""
        if self.inlines:
            return "".join(span.text for span in self.inlines)
        return "\n".join(child.text for child in self.children)


@dataclass(frozen=True)
class FlatBlock:
    """A leaf block with its place in the tree, the unit compared by diffs."""

    path: tuple[int, ...]
    context: tuple[str, ...]
    block: Block

    @property
    def text(self) -> str:
        return self.block.text


XmlNode: TypeAlias = XmlElement | XmlText | XmlFragment


def read_blocks(fragment: XmlFragment | XmlElement) -> list[Block]:
    """Read the block tree of a y-prosemirror fragment (or of one element's children)."""
    with fragment.doc.transaction():
        return list(_read_block_children(fragment.children))


def flatten(blocks: Iterable[Block]) -> list[FlatBlock]:
    """Leaf blocks (those without child blocks) in document order."""
    return list(_walk(tuple(blocks), (), ()))


def _walk(
    blocks: tuple[Block, ...], path: tuple[int, ...], context: tuple[str, ...]
) -> Iterator[FlatBlock]:
    for index, block in enumerate(blocks):
        here = (*path, index)
        if block.children:
            yield from _walk(block.children, here, (*context, block.kind))
        else:
            yield FlatBlock(here, context, block)


def _read_block_children(nodes: Iterable[XmlNode]) -> Iterator[Block]:
    """Blocks of a container; stray text becomes a paragraph in place."""
    for node in nodes:
        if isinstance(node, XmlElement):
            yield _read_element(node)
        elif isinstance(node, XmlText):
            spans = _merge(_read_text(node))
            if spans:
                yield Block(PARAGRAPH, inlines=spans)


def _read_element(element: XmlElement) -> Block:
    kind = element.tag or ""
    attrs = _attributes(element)
    children = list(element.children)
    if kind in TEXTBLOCKS or (kind not in CONTAINERS and _is_inline_content(children)):
        spans: list[Span] = []
        for child in children:
            if isinstance(child, XmlText):
                spans.extend(_read_text(child))
            elif isinstance(child, XmlElement):
                spans.append(_read_inline_node(child))
        return Block(kind, attrs, inlines=_merge(spans))
    return Block(kind, attrs, children=tuple(_read_block_children(children)))


def _attributes(element: XmlElement) -> Attrs:
    return make_attrs(element.attributes.__iter__())


def _is_inline_content(children: list[XmlNode]) -> bool:
    """True when the children are text and inline nodes only (and not empty)."""
    has_text = False
    for child in children:
        if isinstance(child, XmlText):
            has_text = True
        elif isinstance(child, XmlElement) and child.tag not in INLINE_NODES:
            return False
    return has_text or bool(children)


def _read_text(text: XmlText) -> list[Span]:
    spans: list[Span] = []
    for value, formats in text.diff():
        if isinstance(value, str):
            spans.append(Span(value, _marks(formats)))
        elif isinstance(value, XmlElement):
            spans.append(_read_inline_node(value))
    return spans


def _read_inline_node(element: XmlElement) -> Span:
    tag = element.tag or ""
    text = INLINE_NODES.get(tag)
    if text is None:
        text = "".join(_plain_text(child) for child in element.children)
    return Span(text, (), tag, _attributes(element))


def _plain_text(node: XmlNode) -> str:
    if isinstance(node, XmlText):
        return "".join(value for value, _ in node.diff() if isinstance(value, str))
    if isinstance(node, XmlElement) and node.tag in INLINE_NODES:
        return INLINE_NODES[node.tag]
    return "".join(_plain_text(child) for child in node.children)


def _marks(formats: dict[str, Any] | None) -> Marks:
    if not formats:
        return ()
    return tuple(
        sorted((key, canonical_json(value)) for key, value in formats.items() if value is not None)
    )


def _merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Join adjacent text spans with equal marks and drop empty ones."""
    merged: list[Span] = []
    for span in spans:
        if span.node is None and not span.text:
            continue
        last = merged[-1] if merged else None
        if last and last.node is None and span.node is None and last.marks == span.marks:
            merged[-1] = Span(last.text + span.text, last.marks)
        else:
            merged.append(span)
    return tuple(merged)


__all__ = ["Block", "FlatBlock", "FrozenValue", "Marks", "Span", "flatten", "read_blocks"]
