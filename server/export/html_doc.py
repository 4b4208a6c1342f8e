"""The HTML every export starts from: a cover page, the document body, and its comments as
numbered notes.

Pandoc reads it for ODT, DOCX and Markdown (clause blocks carry `data-custom-style`, which
pandoc maps to the "Clause" paragraph style of the reference templates; notes use pandoc's
own footnote markup so they become real footnotes). HTML and PDF exports use the
standalone page, whose stylesheet gives clause blocks and the cover the same look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

import versions
from versions import Block, Span

_HEADER_ROW = re.compile(r"<table><tbody>(<tr>(?:<th[ >].*?</th>)+</tr>)")
_MARK = "\u27e6note-{n}\u27e7"  # text placeholder, replaced once the body is escaped HTML

CSS = """
@page { size: A4; margin: 2cm; @bottom-right { content: counter(page) " / " counter(pages); } }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.4; }
.cover { text-align: center; padding-top: 6cm; break-after: page; page-break-after: always; }
.cover .title { font-size: 22pt; font-weight: bold; }
.cover p { font-size: 14pt; }
h1, h2, h3 { font-family: "DejaVu Sans", sans-serif; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #777; padding: 4px 6px; vertical-align: top; }
th { background: #eee; }
.clause-block { background: #eaf1fb; border-left: 4px solid #1f4e79; padding: 2px 10px;
  margin: 8px 0 8px 8px; }
.footnotes { font-size: 9.5pt; border-top: 1px solid #999; margin-top: 24px; }
"""


@dataclass(frozen=True)
class Note:
    """A comment thread exported as a numbered note."""

    quote: str
    author: str
    body: str
    replies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Export:
    tender_title: str
    reference: str  # already worded ("Référence : …"), or empty
    title: str
    version_label: str  # "Version 3 du 12/05/2026" or "Texte courant du …"
    blocks: list[Block]
    notes: list[Note] = field(default_factory=list)


def _cover(export: Export, pandoc: bool) -> str:
    lines = [
        f'<p class="title"><strong>{escape(export.tender_title)}</strong></p>',
        f"<p>{escape(export.title)}</p>",
    ]
    if export.reference:
        lines.append(f"<p>{escape(export.reference)}</p>")
    lines.append(f"<p>{escape(export.version_label)}</p>")
    cover = "".join(lines)
    if pandoc:
        # Pandoc maps data-custom-style on a div to a paragraph style of the reference
        # document; the page break is a paragraph style too (an empty one would be dropped).
        return (
            f'<div class="cover" data-custom-style="Cover">{cover}</div>'
            '<div data-custom-style="PageBreak"><p>&#160;</p></div>'
        )
    return f'<div class="cover">{cover}</div>'


def _with_marks(blocks: list[Block], notes: list[Note]) -> list[Block]:
    """Blocks with a placeholder after the first leaf whose text holds each note's quote
    (notes whose passage is gone go after the last block)."""
    placed: dict[tuple[int, ...], list[int]] = {}
    leaves = versions.flatten(blocks)
    for number, note in enumerate(notes, start=1):
        quote = " ".join(note.quote.split())
        path = next(
            (leaf.path for leaf in leaves if quote and quote in " ".join(leaf.text.split())),
            leaves[-1].path if leaves else None,
        )
        if path is not None:
            placed.setdefault(path, []).append(number)
    return [_mark(block, (index,), placed) for index, block in enumerate(blocks)]


def _mark(block: Block, path: tuple[int, ...], placed: dict[tuple[int, ...], list[int]]) -> Block:
    if block.children:
        children = tuple(_mark(child, (*path, i), placed) for i, child in enumerate(block.children))
        return Block(block.kind, block.attrs, block.inlines, children)
    numbers = placed.get(path)
    if not numbers:
        return block
    extra = tuple(Span(_MARK.format(n=n)) for n in numbers)
    return Block(block.kind, block.attrs, (*block.inlines, *extra), block.children)


def _notes(notes: list[Note]) -> str:
    items = []
    for number, note in enumerate(notes, start=1):
        replies = "".join(
            f"<p>— {escape(author)} : {escape(body)}</p>" for author, body in note.replies
        )
        quote = f"« {escape(note.quote)} » — " if note.quote else ""
        items.append(
            f'<li id="fn{number}"><p>{quote}{escape(note.author)} : {escape(note.body)}'
            f'<a href="#fnref{number}" class="footnote-back" role="doc-backlink">↩</a></p>'
            f"{replies}</li>"
        )
    return (
        '<section class="footnotes" role="doc-endnotes"><hr><ol>'
        + "".join(items)
        + "</ol></section>"
    )


def body_html(export: Export, *, pandoc: bool) -> str:
    """Cover, body and notes as one HTML fragment."""
    blocks = _with_marks(export.blocks, export.notes) if export.notes else export.blocks
    html = versions.render_html(blocks)
    # render_html escapes every piece of user text, so only our own tags match here.
    # A first row of header cells is the table's head (Markdown tables need one).
    html = _HEADER_ROW.sub(r"<table><thead>\1</thead><tbody>", html)
    if pandoc:
        html = html.replace('<section class="clause-block"', '<div data-custom-style="Clause"')
        html = html.replace("</section>", "</div>")
    for number in range(1, len(export.notes) + 1):
        html = html.replace(
            _MARK.format(n=number),
            f'<a href="#fn{number}" class="footnote-ref" id="fnref{number}" '
            f'role="doc-noteref"><sup>{number}</sup></a>',
        )
    notes = _notes(export.notes) if export.notes else ""
    return _cover(export, pandoc) + html + notes


def standalone_html(export: Export) -> str:
    """A complete page (for the HTML and PDF exports)."""
    title = escape(f"{export.tender_title} — {export.title}")
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{CSS}</style></head><body>"
        + body_html(export, pandoc=False)
        + "</body></html>\n"
    )
