"""The memory of past tenders: search across every tender a user may read, by title and by
what the documents say, with highlighted excerpts."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import clauses
from clauses.search import query_terms
from roles import Action, can
from server.db import document_index, tenders

MAX_RESULTS = 50
EXCERPT = 90  # characters of context on each side of the first match


@dataclass(frozen=True)
class Result:
    tender_id: int
    tender_title: str
    tender_reference: str
    document_id: int | None
    document_title: str
    excerpt_html: str

    def to_json(self) -> dict[str, Any]:
        return {
            "tender_id": self.tender_id,
            "tender_title": self.tender_title,
            "tender_reference": self.tender_reference,
            "document_id": self.document_id,
            "document_title": self.document_title,
            "excerpt_html": self.excerpt_html,
        }


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each folded character the index it came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = clauses.fold(char)
        out.append(folded)
        origin += [index] * len(folded)
    return "".join(out), origin


def highlight(text: str, terms: list[str], *, whole: bool = False) -> str:
    """Escaped excerpt of `text` around the first match, each matched word in <mark>."""
    if not terms:
        return html.escape(text[: 2 * EXCERPT])
    folded, origin = _folded_with_positions(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")[a-z0-9]*")
    spans = [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded)]
    if whole or not spans:
        start, end = 0, len(text)
    else:
        start = max(0, spans[0][0] - EXCERPT)
        end = min(len(text), spans[0][1] + EXCERPT)
    pieces: list[str] = ["…" if start > 0 else ""]
    position = start
    for left, right in spans:
        if left < position or right > end:
            continue
        pieces += [html.escape(text[position:left]), "<mark>", html.escape(text[left:right])]
        pieces.append("</mark>")
        position = right
    pieces.append(html.escape(text[position:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces)


async def search(services: Any, user_id: int, query: str) -> list[Result]:
    terms = query_terms(query)
    if not terms:
        return []
    readable = [
        m.tender
        for m in await tenders.list_memberships(services.db, user_id)
        if can(m.role, Action.TENDER_READ)
    ]
    results: list[Result] = []
    for tender in readable:
        title = clauses.fold(f"{tender.title} {tender.reference}")
        if all(re.search(r"\b" + re.escape(term), title) for term in terms):
            results.append(
                Result(
                    tender.id,
                    tender.title,
                    tender.reference,
                    None,
                    "",
                    highlight(tender.title, terms, whole=True),
                )
            )
    allowed = {tender.id for tender in readable}
    for hit in await document_index.search(services.db, user_id, terms, MAX_RESULTS):
        if hit.tender_id in allowed:
            results.append(
                Result(
                    hit.tender_id,
                    hit.tender_title,
                    hit.tender_reference,
                    hit.document_id,
                    hit.document_title,
                    highlight(hit.text, terms),
                )
            )
    return results[:MAX_RESULTS]
