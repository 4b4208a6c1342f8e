"""Safe semantic HTML rendering of a block tree (every text and attribute escaped)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from html import escape
from itertools import groupby

from .blocks import Block, Span
from .schema import (
    BLOCKQUOTE,
    BOLD,
    BULLET_LIST,
    CLAUSE,
    HARD_BREAK,
    HEADING,
    ITALIC,
    LINK,
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
from .values import as_int

_SIMPLE_TAGS = {
    PARAGRAPH: "p",
    BULLET_LIST: "ul",
    LIST_ITEM: "li",
    BLOCKQUOTE: "blockquote",
    TABLE_ROW: "tr",
}

_MARK_TAGS: dict[str, str] = {
    BOLD: "strong",
    ITALIC: "em",
    UNDERLINE: "u",
    STRIKE: "s",
    "code": "code",
    "subscript": "sub",
    "superscript": "sup",
}

MARK_ORDER: tuple[str, ...] = (LINK, *_MARK_TAGS)
"""Nesting order of marks, outermost first."""

_SAFE_SCHEME = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def render_html(blocks: Iterable[Block]) -> str:
    """Render blocks as an HTML fragment, one top-level block per line."""
    return "\n".join(render_block(block) for block in blocks)


def render_block(block: Block) -> str:
    """HTML of one block and its descendants."""
    kind = block.kind
    if kind == HEADING:
        level = min(max(as_int(block.attr("level")) or 1, 1), 6)
        return _element(f"h{level}", "", block)
    if kind == ORDERED_LIST:
        start = as_int(block.attr("start"))
        extra = f' start="{start}"' if start is not None and start != 1 else ""
        return _element("ol", extra, block)
    if kind == TABLE:
        return f"<table><tbody>{_inner(block)}</tbody></table>"
    if kind in (TABLE_HEADER, TABLE_CELL):
        extra = _span_attr("colspan", block) + _span_attr("rowspan", block)
        return _element("th" if kind == TABLE_HEADER else "td", extra, block)
    if kind == CLAUSE:
        return _element("section", _clause_attrs(block), block)
    return _element(_SIMPLE_TAGS.get(kind, "div"), "", block)


def safe_href(href: object) -> str | None:
    """The href if it is an http(s) or mailto URL without control characters."""
    if not isinstance(href, str):
        return None
    value = href.strip()
    if not value or _CONTROL.search(value.replace(" ", "")) or not _SAFE_SCHEME.match(value):
        return None
    return value


def render_inlines(spans: Sequence[Span]) -> str:
    """HTML of inline content, marks nested in `MARK_ORDER` across adjacent spans."""
    return _nest(list(spans), 0)


def _element(tag: str, extra: str, block: Block) -> str:
    return f"<{tag}{extra}>{_inner(block)}</{tag}>"


def _inner(block: Block) -> str:
    children = "".join(render_block(child) for child in block.children)
    if block.inlines and block.children:
        return f"<p>{render_inlines(block.inlines)}</p>{children}"
    return render_inlines(block.inlines) + children


def _span_attr(name: str, block: Block) -> str:
    value = as_int(block.attr(name))
    return f' {name}="{value}"' if value is not None and value > 1 else ""


def _clause_attrs(block: Block) -> str:
    parts = ' class="clause-block"'
    clause_id = block.attr("clauseId")
    if isinstance(clause_id, (str, int, float)) and not isinstance(clause_id, bool):
        parts += f' data-clause-id="{escape(str(clause_id), quote=True)}"'
    version = as_int(block.attr("clauseVersion"))
    if version is not None:
        parts += f' data-clause-version="{version}"'
    return parts


def _mark_key(name: str) -> Callable[[Span], str | None]:
    def key(span: Span) -> str | None:
        attrs = span.mark_attrs(name)
        if attrs is None:
            return None
        if name == LINK:
            return safe_href(attrs.get("href"))
        return name

    return key


def _nest(spans: list[Span], level: int) -> str:
    if level == len(MARK_ORDER):
        return "".join(_leaf(span) for span in spans)
    name = MARK_ORDER[level]
    out: list[str] = []
    for key, group in groupby(spans, key=_mark_key(name)):
        inner = _nest(list(group), level + 1)
        if key is None:
            out.append(inner)
        elif name == LINK:
            href = escape(key, quote=True)
            out.append(f'<a href="{href}" rel="noopener noreferrer">{inner}</a>')
        else:
            tag = _MARK_TAGS[name]
            out.append(f"<{tag}>{inner}</{tag}>")
    return "".join(out)


def _leaf(span: Span) -> str:
    if span.node == HARD_BREAK:
        return "<br>"
    return escape(span.text, quote=True)
