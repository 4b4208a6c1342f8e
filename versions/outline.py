"""Build blocks from a small Markdown-like outline, for demo documents and imports.

Syntax, one block per group of lines (blank lines separate paragraphs):
`#`..`######` headings, `- ` bullet items, `3. ` numbered items (the first
number is the start), `> ` quotes, `| a | b |` table rows (a `|---|` row after
the first makes it a header), `::: clause ID [vN]` ... `:::` clauses; other
lines are paragraphs, consecutive lines joined by hard breaks. Inline marks:
`**bold**`, `*italic*`, `__underline__`, `~~strike~~`, `[text](https://...)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .blocks import Block, Span
from .build import (
    blockquote,
    bold,
    bullet_list,
    clause,
    hard_break,
    heading,
    italic,
    link,
    ordered_list,
    paragraph,
    strike,
    table,
    underline,
)

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^(\d+)[.)]\s+(.*)$")
_CLAUSE = re.compile(r"^:::\s*clause\s+(\S+)(?:\s+v(\d+))?\s*$")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*|__(?P<underline>.+?)__|~~(?P<strike>.+?)~~"
    r"|\*(?P<italic>.+?)\*|\[(?P<label>[^\]]+)\]\((?P<href>[^)\s]+)\)"
)
_MARKERS: dict[str, Callable[[str | Span], Span]] = {
    "bold": bold,
    "underline": underline,
    "strike": strike,
    "italic": italic,
}


def blocks_from_outline(source: str) -> list[Block]:
    """Parse `source` (see the module docstring) into blocks."""
    return _parse(source.splitlines())


def inlines_from_markup(text: str) -> list[Span]:
    """Spans of one line of inline markup."""
    spans: list[Span] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            spans.append(Span(text[position : match.start()]))
        if match.group("label") is not None:
            spans.append(link(match.group("label"), match.group("href")))
        else:
            name = next(key for key in _MARKERS if match.group(key) is not None)
            spans.append(_MARKERS[name](match.group(name)))
        position = match.end()
    if position < len(text):
        spans.append(Span(text[position:]))
    return spans


def _parse(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            index += 1
            continue
        clause_match = _CLAUSE.match(line)
        if clause_match:
            end = _clause_end(lines, index + 1)
            inner = _parse(lines[index + 1 : end])
            version = int(clause_match.group(2) or 1)
            blocks.append(clause(clause_match.group(1), *inner, version=version))
            index = end + 1
            continue
        heading_match = _HEADING.match(line)
        if heading_match:
            level = len(heading_match.group(1))
            blocks.append(heading(level, *inlines_from_markup(heading_match.group(2))))
            index += 1
            continue
        group, index = _take_group(lines, index, line)
        blocks.append(group)
    return blocks


def _clause_end(lines: list[str], start: int) -> int:
    depth = 0
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if _CLAUSE.match(line):
            depth += 1
        elif line == ":::":
            if depth == 0:
                return index
            depth -= 1
    return len(lines)


def _take_group(lines: list[str], index: int, first: str) -> tuple[Block, int]:
    """Consume consecutive lines of the same kind as `first`."""
    kind = _line_kind(first)
    if kind == "break":  # a stray fence: keep it as a paragraph of its own
        return paragraph(first), index + 1
    taken: list[str] = []
    while index < len(lines):
        line = lines[index].strip()
        if not line or _line_kind(line) != kind:
            break
        taken.append(line)
        index += 1
    return _group_block(kind, taken), index


def _line_kind(line: str) -> str:
    if _HEADING.match(line) or _CLAUSE.match(line) or line == ":::":
        return "break"
    if _BULLET.match(line):
        return "bullet"
    if _NUMBERED.match(line):
        return "numbered"
    if line.startswith(">"):
        return "quote"
    if line.startswith("|"):
        return "table"
    return "paragraph"


def _group_block(kind: str, lines: list[str]) -> Block:
    if kind == "bullet":
        return bullet_list([inlines_from_markup(_match(_BULLET, line, 1)) for line in lines])
    if kind == "numbered":
        start = int(_match(_NUMBERED, lines[0], 1))
        items = [inlines_from_markup(_match(_NUMBERED, line, 2)) for line in lines]
        return ordered_list(items, start=start)
    if kind == "quote":
        return blockquote(*_parse([line[1:].strip() for line in lines]))
    if kind == "table":
        header = len(lines) > 1 and bool(_SEPARATOR.match(lines[1]))
        rows = [_cells(line) for line in lines if not _SEPARATOR.match(line)]
        return table(rows, header=header)
    content: list[str | Span] = []
    for number, line in enumerate(lines):
        if number:
            content.append(hard_break())
        content.extend(inlines_from_markup(line))
    return paragraph(*content)


def _match(pattern: re.Pattern[str], line: str, group: int) -> str:
    match = pattern.match(line)
    return match.group(group) if match else line


def _cells(line: str) -> list[list[Span]]:
    body = line.strip().strip("|")
    return [inlines_from_markup(cell.strip()) for cell in body.split("|")]
