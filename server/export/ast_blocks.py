"""Pandoc's JSON document tree → our block tree, reporting what the editor cannot hold.

The editor's schema has headings 1–4, paragraphs, both lists, block quotes, tables and the
marks bold, italic, underline, strike and link. Everything else is either turned into the
nearest thing (a code block becomes a paragraph, superscript plain text) or left out; each
such case is counted in `Report`, so the user is told rather than losing it silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import versions
from versions import Block, Span
from versions.schema import LIST_ITEM, PARAGRAPH

MAX_HEADING = 4
QUOTES = {"SingleQuote": ("‘", "’"), "DoubleQuote": ("« ", " »")}

# Report keys (English msgids, translated when shown).
IMAGE = "images"
NOTE = "footnotes"
MATH = "formulas (kept as text)"
RAW = "raw fragments of the source format"
RULE = "horizontal rules"
CODE = "code blocks (kept as paragraphs)"
DEFINITIONS = "definition lists (kept as paragraphs)"
MARKS = "unsupported text styles (text kept)"
HEADINGS = "headings deeper than level 4 (made level 4)"


class Report(Counter[str]):
    """What could not be imported as is, by kind."""


def convert(ast: dict[str, Any]) -> tuple[list[Block], Report]:
    report = Report()
    blocks = _blocks(ast.get("blocks", []), report)
    return blocks, report


def _blocks(items: Iterable[Any], report: Report) -> list[Block]:
    out: list[Block] = []
    for item in items:
        out.extend(_block(item, report))
    return out


def _block(item: dict[str, Any], report: Report) -> list[Block]:
    kind, c = item.get("t"), item.get("c", [])
    if kind in ("Para", "Plain"):
        return [Block(PARAGRAPH, inlines=tuple(_inlines(c, report, ())))]
    if kind == "Header":
        level, _attr, content = c
        if level > MAX_HEADING:
            report[HEADINGS] += 1
        return [versions.heading(min(level, MAX_HEADING), *_inlines(content, report, ()))]
    if kind == "BulletList":
        return [versions.bullet_list([_item(blocks, report) for blocks in c])]
    if kind == "OrderedList":
        (start, _style, _delim), items = c
        return [versions.ordered_list([_item(b, report) for b in items], start=start)]
    if kind == "BlockQuote":
        return [versions.blockquote(*_blocks(c, report))]
    if kind in ("Div", "Figure"):
        return _blocks(c[-1], report)
    if kind == "Table":
        return [_table(c, report)]
    if kind == "LineBlock":
        spans: list[Span] = []
        for index, line in enumerate(c):
            if index:
                spans.append(versions.hard_break())
            spans.extend(_inlines(line, report, ()))
        return [Block(PARAGRAPH, inlines=tuple(spans))]
    if kind == "CodeBlock":
        report[CODE] += 1
        return [versions.paragraph(c[1])]
    if kind == "DefinitionList":
        report[DEFINITIONS] += 1
        out: list[Block] = []
        for term, definitions in c:
            out.append(versions.paragraph(*(versions.bold(s) for s in _inlines(term, report, ()))))
            for definition in definitions:
                out.extend(_blocks(definition, report))
        return out
    if kind == "HorizontalRule":
        report[RULE] += 1
        return []
    report[RAW] += 1  # RawBlock and anything newer than this code
    return []


def _item(blocks: list[Any], report: Report) -> Block:
    children = _blocks(blocks, report)
    if not children or children[0].kind != PARAGRAPH:
        children.insert(0, versions.paragraph())  # a list item starts with a paragraph
    return Block(LIST_ITEM, children=tuple(children))


def _table(c: list[Any], report: Report) -> Block:
    _attr, _caption, _cols, head, bodies, foot = c
    rows: list[Block] = []
    for row in head[1]:
        rows.append(_row(row, True, report))
    for body in bodies:
        _battr, _heads, intermediate, body_rows = body
        rows.extend(_row(r, True, report) for r in intermediate)
        rows.extend(_row(r, False, report) for r in body_rows)
    rows.extend(_row(r, False, report) for r in foot[1])
    return Block("table", children=tuple(rows))


def _row(row: list[Any], header: bool, report: Report) -> Block:
    _attr, cells = row
    built = []
    for cell in cells:
        _cattr, _align, rowspan, colspan, content = cell
        built.append(
            versions.table_cell(
                *_blocks(content, report), header=header, colspan=colspan, rowspan=rowspan
            )
        )
    return Block("tableRow", children=tuple(built))


Marks = tuple[tuple[str, dict[str, Any]], ...]


def _inlines(items: Iterable[Any], report: Report, marks: Marks) -> list[Span]:
    out: list[Span] = []
    for item in items:
        out.extend(_inline(item, report, marks))
    return out


def _text(text: str, marks: Marks) -> Span:
    span = Span(text)
    for name, attrs in marks:
        span = versions.with_mark(span, name, attrs)
    return span


_MARK_OF = {"Strong": "bold", "Emph": "italic", "Underline": "underline", "Strikeout": "strike"}


def _inline(item: dict[str, Any], report: Report, marks: Marks) -> list[Span]:
    kind, c = item.get("t"), item.get("c", [])
    if kind == "Str":
        return [_text(c, marks)]
    if kind in ("Space", "SoftBreak"):
        return [_text(" ", marks)]
    if kind == "LineBreak":
        return [versions.hard_break()]
    if kind in _MARK_OF:
        return _inlines(c, report, (*marks, (_MARK_OF[kind], {})))
    if kind in ("Superscript", "Subscript", "SmallCaps"):
        report[MARKS] += 1
        return _inlines(c, report, marks)
    if kind == "Span":
        return _inlines(c[1], report, marks)
    if kind == "Cite":
        return _inlines(c[1], report, marks)
    if kind == "Quoted":
        before, after = QUOTES.get(c[0]["t"], ("“", "”"))
        return [_text(before, marks), *_inlines(c[1], report, marks), _text(after, marks)]
    if kind == "Code":
        return [_text(c[1], marks)]
    if kind == "Link":
        href = versions.safe_href(c[2][0])
        inner = (
            (*marks, ("link", {"href": href, **versions.build.LINK_DEFAULTS})) if href else marks
        )
        return _inlines(c[1], report, inner)
    if kind == "Math":
        report[MATH] += 1
        return [_text(c[1], marks)]
    if kind == "Image":
        report[IMAGE] += 1
        return []
    if kind == "Note":
        report[NOTE] += 1
        return []
    report[RAW] += 1
    return []
