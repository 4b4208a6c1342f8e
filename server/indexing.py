"""Keeps the document index (text and clause blocks) in step with the live documents.

Rooms report every change; a document is re-read after a quiet moment, off the typing path.
Readers that need an exact answer now (the compliance panel) call `refresh_now` for the
documents they read, which re-reads only those with pending changes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

import clauses
import versions
from server.background import BackgroundJob
from server.content import body
from server.db import document_index

log = logging.getLogger("wikimarche.indexing")


def clause_blocks(blocks: Iterable[versions.Block]) -> Iterator[versions.Block]:
    """Every `clause` block of a tree, outermost first."""
    for block in blocks:
        if block.kind == "clause":
            yield block
        yield from clause_blocks(block.children)


def _normal(text: str) -> str:
    return " ".join(text.split())


def clause_use(block: versions.Block, library: clauses.ClauseLibrary) -> dict[str, Any]:
    """What the index keeps of a clause block; `edited` when its text is no longer the
    library text for its values."""
    inserted = clauses.InsertedClause.from_attrs(block.attrs_dict())
    clause = library.get(inserted.clause_id, inserted.clause_version)
    edited = True
    if clause is not None and not inserted.malformed:
        try:
            expected = "\n".join(clauses.render(clause, inserted.params))
            edited = _normal(expected) != _normal(block.text)
        except clauses.ParameterError:
            edited = True
    return {
        "clause_id": inserted.clause_id[:100],
        "clause_version": inserted.clause_version,
        "params": json.dumps(dict(inserted.params), ensure_ascii=False),
        "edited": edited,
    }


class DocumentIndexer(BackgroundJob):
    """Re-reads changed documents into the index, a quiet moment after their last change."""

    name = "indexer"

    def __init__(self, services: Any, *, quiet: float = 2.0) -> None:
        self.services = services
        self.quiet = quiet
        self._dirty: dict[int, float] = {}

    def changed(self, document_id: int) -> None:
        self._dirty[document_id] = time.monotonic()

    async def _run(self) -> None:
        await self._index_missing()
        while True:
            await asyncio.sleep(self.quiet / 2)
            now = time.monotonic()
            due = [doc for doc, at in self._dirty.items() if now - at >= self.quiet]
            for document_id in due:
                await self._refresh_logged(document_id)

    async def _index_missing(self) -> None:
        while missing := await document_index.unindexed(self.services.db, limit=200):
            for document_id, _tender in missing:
                if not await self._refresh_logged(document_id):
                    return

    async def _refresh_logged(self, document_id: int) -> bool:
        try:
            await self.refresh(document_id)
            return True
        except Exception:
            log.exception("indexing document %s failed", document_id)
            self._dirty.pop(document_id, None)
            return False

    async def refresh_now(self, document_ids: Iterable[int]) -> None:
        """Re-read the given documents that changed since they were indexed (or never were)."""
        wanted = list(document_ids)
        known = await document_index.indexed_upto(self.services.db, wanted)
        for document_id in wanted:
            if document_id in self._dirty or document_id not in known:
                await self.refresh(document_id)

    async def refresh(self, document_id: int) -> None:
        self._dirty.pop(document_id, None)
        services = self.services
        tender_id = await document_index.tender_of(services.db, document_id)
        if tender_id is None:
            return
        room = services.rooms.rooms.get(document_id)
        if room is not None:
            doc, upto = room.doc, room.last_change_id
        else:
            stored = await services.change_log.load(document_id)
            doc, upto = stored.replay(document_id), stored.last_change_id
        blocks = versions.read_blocks(body(doc))
        library = await services.library.current()
        await document_index.store(
            services.db,
            document_id=document_id,
            tender_id=tender_id,
            plain=versions.render_text(blocks),
            upto_change_id=upto,
            uses=[clause_use(block, library) for block in clause_blocks(blocks)],
        )
