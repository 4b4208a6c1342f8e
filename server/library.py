"""The clause library as the application sees it: stored versions, cached in memory.

The database is the truth (seeded from the shipped catalogue, then curated); every process
keeps a parsed `ClauseLibrary` and reloads it when the stored generation moves, so a
validation on one process is seen by the next request on any other.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import clauses
from clauses.catalogue_loader import catalogue_entries, parse_clause
from clauses.proposals import ProposalError, build_entry, slug, with_status
from clauses.search import query_terms
from server.db import clause_library as store
from server.db.engine import Database

log = logging.getLogger("wikimarche.library")
MAX_RESULTS = 100
FILTERS = ("family", "kind", "piece", "ccag")
ALLOWED = {
    "family": {f.value for f in clauses.Family},
    "kind": {k.value for k in clauses.Kind},
    "piece": {p.value for p in clauses.Piece},
    "ccag": {c.value for c in clauses.Ccag},
}


@dataclass(frozen=True)
class Snapshot:
    """One parsed state of the library."""

    generation: tuple[int, float]
    library: clauses.ClauseLibrary
    stored: dict[tuple[str, int], store.StoredVersion]


class Library:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._snapshot: Snapshot | None = None
        self._lock = asyncio.Lock()

    async def seed(self) -> None:
        added = await store.seed(self.db, [(f.value, e) for f, e in catalogue_entries()])
        if added:
            log.info("clause library: %d shipped versions stored", added)

    async def snapshot(self) -> Snapshot:
        generation = await store.generation(self.db)
        current = self._snapshot
        if current is not None and current.generation == generation:
            return current
        async with self._lock:
            if self._snapshot is not None and self._snapshot.generation == generation:
                return self._snapshot
            rows = await store.all_versions(self.db)
            parsed = []
            for row in rows:
                try:
                    parsed.append(parse_clause(row.entry, clauses.Family(row.family)))
                except ValueError:
                    log.exception("stored clause %s v%s is unreadable", row.clause_id, row.version)
            self._snapshot = Snapshot(
                generation,
                clauses.ClauseLibrary(parsed),
                {(r.clause_id, r.version): r for r in rows},
            )
            return self._snapshot

    async def current(self) -> clauses.ClauseLibrary:
        return (await self.snapshot()).library

    async def search(self, query: str, filters: dict[str, str]) -> list[clauses.Clause]:
        """Current validated clauses matching `query` (prefix terms, accents ignored)."""
        library = await self.current()
        terms = query_terms(query)
        wanted = {k: v for k, v in filters.items() if k in FILTERS and v}
        if any(value not in ALLOWED[name] for name, value in wanted.items()):
            return []  # an unknown filter value matches nothing (and never reaches SQL)
        keys = await store.search(self.db, terms, wanted, limit=MAX_RESULTS * 3)
        found: list[clauses.Clause] = []
        seen: set[str] = set()
        for clause_id, version in keys:
            current = library.current(clause_id)
            if current is None or current.version != version or clause_id in seen:
                continue
            seen.add(clause_id)
            found.append(current)
        return found[:MAX_RESULTS]

    async def propose(
        self, fields: dict[str, Any], *, user_id: int, clause_id: str | None = None
    ) -> clauses.Clause:
        """Store a draft: a new clause, or (with `clause_id`) a new version of one."""
        snap = await self.snapshot()
        today = dt.date.today()
        if clause_id is None:
            taken = {key[0] for key in snap.stored} | {"propose"}
            new_id = slug(str(fields.get("title") or ""), taken)
            family, entry, clause = build_entry(fields, clause_id=new_id, version=1, today=today)
        else:
            versions = snap.library.versions(clause_id)
            if not versions:
                raise KeyError(clause_id)
            latest = snap.stored[(clause_id, versions[-1].version)]
            previous = {**latest.entry, "family": latest.family}
            family, entry, clause = build_entry(
                fields,
                clause_id=clause_id,
                version=versions[-1].version + 1,
                today=today,
                previous=previous,
            )
        if not await store.add_version(self.db, family.value, entry, proposed_by=user_id):
            raise ProposalError(["cette version existe déjà ; rechargez la page"])
        return clause

    async def curate(
        self, clause_id: str, version: int, status: clauses.Status, *, reviewer: int, note: str
    ) -> clauses.Clause:
        snap = await self.snapshot()
        row = snap.stored.get((clause_id, version))
        if row is None:
            raise KeyError(clause_id)
        family = clauses.Family(row.family)
        entry, clause = with_status(row.entry, family, status, dt.date.today())
        await store.curate(self.db, family.value, entry, reviewer=reviewer, note=note[:1000])
        return clause
