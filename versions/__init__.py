"""Document versions: read the collaborative document as blocks and render them."""

from .blocks import Block, FlatBlock, Marks, Span, flatten, read_blocks
from .build import (
    blockquote,
    bold,
    bullet_list,
    clause,
    hard_break,
    heading,
    italic,
    link,
    list_item,
    ordered_list,
    paragraph,
    strike,
    table,
    table_cell,
    underline,
    with_mark,
    write_blocks,
)
from .diff import Diff, Entry, Summary, diff_blocks
from .diff_html import render_diff_inline, render_diff_side_by_side
from .outline import blocks_from_outline, inlines_from_markup
from .render_html import render_html, safe_href
from .render_text import render_text
from .restore import RestoreStats, restore_blocks
from .schema import mark_type
from .values import Attrs, FrozenValue, make_attrs

__all__ = [
    "Attrs",
    "Block",
    "FlatBlock",
    "FrozenValue",
    "Marks",
    "Span",
    "blockquote",
    "blocks_from_outline",
    "bold",
    "bullet_list",
    "clause",
    "flatten",
    "hard_break",
    "heading",
    "inlines_from_markup",
    "italic",
    "link",
    "list_item",
    "make_attrs",
    "mark_type",
    "ordered_list",
    "paragraph",
    "read_blocks",
    "render_html",
    "render_text",
    "restore_blocks",
    "RestoreStats",
    "safe_href",
    "strike",
    "table",
    "table_cell",
    "underline",
    "with_mark",
    "write_blocks",
    "Diff",
    "Entry",
    "Summary",
    "diff_blocks",
    "render_diff_inline",
    "render_diff_side_by_side",
]
