"""Accessible HTML views of a `Diff`: inline, or old and new side by side.

The markup is language-neutral: words are in `<ins>` and `<del>`, blocks carry
`data-op` and one of the classes `diff-equal`, `diff-insert`, `diff-delete`,
`diff-change` and `diff-move`; the page supplies labels and styles. A moved
block shows an empty `<span class="diff-move-label" data-from data-to>` (leaf
block indexes, from 0), and a `diff-move-origin` marker stands where it was.
Text kept with a different formatting shows as `<del class="diff-format">`
(old look) and `<ins class="diff-format">` (new look). Runs of unchanged
blocks are collapsed into a `diff-skip` element with `data-count`, except
`context` blocks around each change (a single hidden block is shown instead).
Every text and attribute value is escaped; there are no styles or scripts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from itertools import groupby
from typing import Literal, TypeAlias

from .blocks import Block, FlatBlock, Span
from .diff import Diff, Entry, styles
from .render_html import render_inlines
from .schema import HEADING, PARAGRAPH
from .values import as_int

Side: TypeAlias = Literal["old", "new", "both"]


@dataclass(frozen=True, order=True)
class _Origin:
    """Where a moved block stood in the old version."""

    moved_from: int
    moved_to: int


Row: TypeAlias = Entry | _Origin | int
"""An entry, a move origin, or the number of unchanged blocks collapsed."""


def render_diff_inline(diff: Diff, context: int = 1) -> str:
    """One column: deleted words and blocks in `<del>`, inserted ones in `<ins>`."""
    parts = ['<div class="diff-inline">']
    for row in _rows(diff, context):
        if isinstance(row, int):
            parts.append(f'<div class="diff-skip" data-count="{row}"></div>')
        elif isinstance(row, _Origin):
            parts.append(f"<div{_origin_attrs(row)}>{_label(row)}</div>")
        else:
            flat = row.new_block or row.old_block
            assert flat is not None
            tag = tag_of(flat.block)
            body = _label(row) + _body(row, "both")
            parts.append(f"<{tag}{_entry_attrs(row, tag)}>{body}</{tag}>")
    parts.append("</div>")
    return "\n".join(parts)


def render_diff_side_by_side(
    diff: Diff, context: int = 1, labels: tuple[str, str] = ("", "")
) -> str:
    """A table, old version on the left and new on the right, one row per entry.

    A moved block's row stands at its new place (old text on the left); an
    extra `diff-move-origin` row marks where it was.
    """
    parts = [
        '<table class="diff-side">',
        f'<thead><tr><th scope="col" class="diff-old">{escape(labels[0])}</th>'
        f'<th scope="col" class="diff-new">{escape(labels[1])}</th></tr></thead>',
        "<tbody>",
    ]
    for row in _rows(diff, context):
        if isinstance(row, int):
            parts.append(f'<tr class="diff-skip" data-count="{row}"><td colspan="2"></td></tr>')
        elif isinstance(row, _Origin):
            cells = f'<td class="diff-old">{_label(row)}</td><td class="diff-new"></td>'
            parts.append(f"<tr{_origin_attrs(row)}>{cells}</tr>")
        else:
            old = _cell(row, row.old_block, "old")
            new = _cell(row, row.new_block, "new")
            cells = f'<td class="diff-old">{old}</td><td class="diff-new">{_label(row)}{new}</td>'
            parts.append(f"<tr{_entry_attrs(row, None)}>{cells}</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def tag_of(block: Block) -> str:
    """HTML tag of a leaf block: `h1`-`h6`, `p`, or `div` for other kinds."""
    if block.kind == HEADING:
        return f"h{min(max(as_int(block.attr('level')) or 1, 1), 6)}"
    return "p" if block.kind == PARAGRAPH else "div"


def _rows(diff: Diff, context: int) -> list[Row]:
    """Entries, move origins in old order, and collapsed runs of unchanged blocks."""
    rows: list[Entry | _Origin] = []
    origins = sorted(
        _Origin(entry.moved_from, entry.moved_to)
        for entry in diff.entries
        if entry.moved_from is not None and entry.moved_to is not None
    )
    waiting = iter(origins)
    pending = next(waiting, None)
    for entry in diff.entries:
        if entry.op != "move" and entry.old_index is not None:
            while pending is not None and pending.moved_from < entry.old_index:
                rows.append(pending)
                pending = next(waiting, None)
        rows.append(entry)
    rows.extend([pending, *waiting] if pending is not None else [])
    return list(_collapse(rows, context))


def _collapse(rows: list[Entry | _Origin], context: int) -> Iterator[Row]:
    shown = [False] * len(rows)
    for index, row in enumerate(rows):
        if isinstance(row, _Origin) or row.op != "equal":
            for near in range(max(0, index - context), min(len(rows), index + context + 1)):
                shown[near] = True
    for visible, run in groupby(zip(shown, rows, strict=True), key=lambda pair: pair[0]):
        items = [row for _, row in run]
        if visible or len(items) == 1:
            yield from items
        else:
            yield len(items)


def _entry_attrs(entry: Entry, tag: str | None) -> str:
    """Class and data attributes of an entry's block (inline) or row (side by side)."""
    parts = f' class="diff-{entry.op}" data-op="{entry.op}"'
    flat = entry.new_block or entry.old_block
    if flat is not None and flat.context:
        parts += f' data-context="{_attr(" ".join(flat.context))}"'
    if entry.changed:
        parts += f' data-changed="{_attr(" ".join(sorted(entry.changed)))}"'
    if entry.op == "move":
        parts += f' data-from="{entry.moved_from}" data-to="{entry.moved_to}"'
    if tag is not None and entry.old_block is not None and entry.new_block is not None:
        old_tag = tag_of(entry.old_block.block)
        if old_tag != tag:
            parts += f' data-old-tag="{old_tag}"'
        if entry.old_block.context != entry.new_block.context:
            parts += f' data-old-context="{_attr(" ".join(entry.old_block.context))}"'
    return parts


def _origin_attrs(origin: _Origin) -> str:
    return (
        f' class="diff-move-origin" data-op="move"'
        f' data-from="{origin.moved_from}" data-to="{origin.moved_to}"'
    )


def _label(row: Entry | _Origin) -> str:
    if isinstance(row, Entry) and row.op != "move":
        return ""
    return (
        f'<span class="diff-move-label" data-from="{row.moved_from}"'
        f' data-to="{row.moved_to}"></span>'
    )


def _cell(entry: Entry, flat: FlatBlock | None, side: Side) -> str:
    """One side of a side-by-side row: the block in its own tag, or nothing."""
    if flat is None:
        return ""
    tag = tag_of(flat.block)
    return f"<{tag}>{_body(entry, side)}</{tag}>"


def _body(entry: Entry, side: Side) -> str:
    """Inline HTML of an entry's block seen from one side, or from both."""
    if entry.op == "insert" and entry.new_block is not None:
        return _wrap("ins", render_inlines(entry.new_block.block.inlines))
    if entry.op == "delete" and entry.old_block is not None:
        return _wrap("del", render_inlines(entry.old_block.block.inlines))
    assert entry.old_block is not None and entry.new_block is not None
    old, new = entry.old_block.block, entry.new_block.block
    if entry.op == "equal":
        return render_inlines((old if side == "old" else new).inlines)
    return "".join(_words(entry, old, new, side))


def _words(entry: Entry, old: Block, new: Block, side: Side) -> Iterator[str]:
    old_styles, new_styles = styles(old), styles(new)
    a = b = 0
    for op, text in entry.words:
        size = len(text)
        if op == "delete" and side != "new":
            yield _wrap("del", render_inlines(_slice(old.inlines, a, a + size)))
        elif op == "insert" and side != "old":
            yield _wrap("ins", render_inlines(_slice(new.inlines, b, b + size)))
        elif op == "equal":
            same = [old_styles[a + k] == new_styles[b + k] for k in range(size)]
            start = 0
            for alike, run in groupby(same):
                end = start + len(list(run))
                old_part = _slice(old.inlines, a + start, a + end)
                new_part = _slice(new.inlines, b + start, b + end)
                if alike:
                    yield render_inlines(old_part if side == "old" else new_part)
                else:
                    if side != "new":
                        yield _wrap("del", render_inlines(old_part), "diff-format")
                    if side != "old":
                        yield _wrap("ins", render_inlines(new_part), "diff-format")
                start = end
        a += size if op != "insert" else 0
        b += size if op != "delete" else 0


def _slice(spans: tuple[Span, ...], start: int, end: int) -> list[Span]:
    """The spans covering characters `start` to `end` of their joined text."""
    result: list[Span] = []
    offset = 0
    for span in spans:
        low, high = offset, offset + len(span.text)
        offset = high
        if high <= start or low >= end:
            continue
        if start <= low and high <= end:
            result.append(span)
        else:
            part = span.text[max(start, low) - low : min(end, high) - low]
            result.append(Span(part, span.marks, span.node, span.node_attrs))
    return result


def _wrap(tag: str, html: str, css: str | None = None) -> str:
    extra = f' class="{css}"' if css else ""
    return f"<{tag}{extra}>{html}</{tag}>"


def _attr(value: str) -> str:
    return escape(value, quote=True)
