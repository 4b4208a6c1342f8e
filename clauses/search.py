"""In-memory clause search: the reference behaviour for the server's SQL full-text search.

- Folding: Unicode NFKD, combining marks removed, ligatures œ/æ expanded, lower case
  ("RÉSERVÉ", "réservé" and "reserve" are the same word).
- Tokens: runs of letters and digits; French stop words are dropped from queries.
- Matching: a query term matches every word that starts with it (no stemming): "reserv"
  finds "réservé" and "réservation"; "réservé" finds "réservés" but not "réservation".
- Ranking: more distinct query terms matched first; then more terms matched in the title;
  then more occurrences; then title order. Searched fields: title (the "title" field), and
  text, tags, usage notes and parameter labels (the "text" field).
- Filters: family, kind, target piece, CCAG (a clause tied to no CCAG fits every CCAG),
  and status (deprecated versions are left out unless asked for).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from clauses.model import Ccag, Clause, Family, Kind, Piece, Status
from clauses.placeholders import PLACEHOLDER

STOP_WORDS = frozenset(
    "a au aux avec ce ces d dans de des du en et l la le les leur n ou par pour qu que qui "
    "s sa se ses sur un une".split()
)
_WORD = re.compile(r"[a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def fold(text: str) -> str:
    """Accent- and case-insensitive form of `text`."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokenize(text: str) -> list[str]:
    """Folded words of `text`, in order (stop words kept)."""
    return _WORD.findall(fold(text))


def query_terms(query: str) -> list[str]:
    """Distinct folded query terms, stop words and one-letter words removed."""
    terms = [t for t in tokenize(query) if t not in STOP_WORDS and (len(t) > 1 or t.isdigit())]
    return list(dict.fromkeys(terms))


@dataclass(frozen=True)
class SearchHit:
    """A clause found by a query, with what made it match."""

    clause: Clause
    matched_terms: tuple[str, ...]
    title_terms: tuple[str, ...]
    occurrences: int


@dataclass(frozen=True)
class _Entry:
    clause: Clause
    title: tuple[str, ...]
    body: tuple[str, ...]


def _body(clause: Clause) -> str:
    def label(match: re.Match[str]) -> str:
        parameter = clause.parameter(match.group(1))
        return parameter.label if parameter else ""

    parts = [PLACEHOLDER.sub(label, clause.text), clause.usage_notes, *clause.tags]
    parts += [parameter.label for parameter in clause.parameters]
    return "\n".join(parts)


def _count(term: str, words: tuple[str, ...]) -> int:
    return sum(1 for word in words if word.startswith(term))


class SearchIndex:
    """Clauses tokenized once, searched many times."""

    def __init__(self, clauses: Iterable[Clause]) -> None:
        self._entries = [
            _Entry(clause, tuple(tokenize(clause.title)), tuple(tokenize(_body(clause))))
            for clause in clauses
        ]

    def search(
        self,
        query: str = "",
        *,
        family: Family | str | None = None,
        kind: Kind | str | None = None,
        piece: Piece | str | None = None,
        ccag: Ccag | str | None = None,
        statuses: Iterable[Status | str] | None = None,
        limit: int | None = None,
    ) -> list[SearchHit]:
        """Matching clauses, best first. An empty query lists every filtered clause."""
        allowed = {Status(s) for s in statuses} if statuses is not None else None
        terms = query_terms(query)
        hits: list[SearchHit] = []
        for entry in self._entries:
            clause = entry.clause
            if allowed is None and clause.status is Status.DEPRECATED:
                continue
            if allowed is not None and clause.status not in allowed:
                continue
            if family is not None and clause.family != family:
                continue
            if kind is not None and clause.kind != kind:
                continue
            if piece is not None and piece not in clause.pieces:
                continue
            if ccag is not None and clause.ccag and ccag not in clause.ccag:
                continue
            hit = _match(entry, terms)
            if hit is not None:
                hits.append(hit)
        hits.sort(
            key=lambda hit: (
                -len(hit.matched_terms),
                -len(hit.title_terms),
                -hit.occurrences,
                fold(hit.clause.title),
                hit.clause.id,
                -hit.clause.version,
            )
        )
        return hits if limit is None else hits[:limit]


def _match(entry: _Entry, terms: list[str]) -> SearchHit | None:
    if not terms:
        return SearchHit(entry.clause, (), (), 0)
    matched: list[str] = []
    in_title: list[str] = []
    occurrences = 0
    for term in terms:
        title_count = _count(term, entry.title)
        body_count = _count(term, entry.body)
        if title_count:
            in_title.append(term)
        if title_count or body_count:
            matched.append(term)
            occurrences += title_count + body_count
    if not matched:
        return None
    return SearchHit(entry.clause, tuple(matched), tuple(in_title), occurrences)


def search(
    clauses: Iterable[Clause],
    query: str = "",
    *,
    family: Family | str | None = None,
    kind: Kind | str | None = None,
    piece: Piece | str | None = None,
    ccag: Ccag | str | None = None,
    statuses: Iterable[Status | str] | None = None,
    limit: int | None = None,
) -> list[SearchHit]:
    """One-off search over `clauses` (see `SearchIndex.search`)."""
    return SearchIndex(clauses).search(
        query, family=family, kind=kind, piece=piece, ccag=ccag, statuses=statuses, limit=limit
    )
