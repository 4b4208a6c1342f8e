"""Document history: capturing versions (automatic, named, around restores) and restoring
one as a forward edit on the live room.

A version is captured from the live room when the document is open (after the change
writer has flushed, so its change-log position is exact) or from storage otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from typing import Any

from pycrdt import Doc, XmlFragment

import versions
from server.background import BackgroundJob
from server.db import versions as stored
from server.errors import AppError, NotFound
from server.i18n import gettext
from server.sync.protocol import CloseCode

log = logging.getLogger("wikimarche.history")
WORD = re.compile(r"\w+")


def word_changes(before: str, after: str) -> tuple[int, int]:
    """(words added, words removed), counting words as a multiset."""
    old = Counter(WORD.findall(before.lower()))
    new = Counter(WORD.findall(after.lower()))
    return sum((new - old).values()), sum((old - new).values())


def doc_from_state(state: bytes) -> Doc:
    doc: Doc = Doc()
    doc.apply_update(state)
    return doc


def blocks_of(doc: Doc) -> list[versions.Block]:
    return versions.read_blocks(doc.get("content", type=XmlFragment))


async def _live_state(services: Any, document_id: int) -> tuple[bytes, int]:
    """(encoded state, change-log position) of the document as stored right now."""
    room = services.rooms.rooms.get(document_id)
    if room is not None:
        await services.writer.flush()
        return room.doc.get_update(), room.last_change_id
    loaded = await services.change_log.load(document_id)
    return loaded.replay(document_id).get_update(), loaded.last_change_id


async def capture(
    services: Any,
    document_id: int,
    *,
    kind: str,
    label: str = "",
    user_id: int | None = None,
    force: bool = False,
) -> int | None:
    """Store a version of the document; None when nothing changed since the last one
    (unless `force`: a named version is always recorded)."""
    state, upto = await _live_state(services, document_id)
    previous = await stored.latest(services.db, document_id)
    if previous is not None and previous[0].upto_change_id == upto and not force:
        return None
    after = previous[0].upto_change_id if previous else 0
    text = versions.render_text(blocks_of(doc_from_state(state)))
    added, removed = word_changes(previous[1] if previous else "", text)
    authors = await stored.authors_between(services.db, document_id, after, upto)
    return await stored.add_version(
        services.db,
        document_id=document_id,
        kind=kind,
        label=label[:200],
        created_by=user_id,
        author_ids=authors,
        upto_change_id=upto,
        state=state,
        text=text,
        words_added=added,
        words_removed=removed,
    )


async def restore(services: Any, document_id: int, number: int, user_id: int) -> int:
    """Make the live document read as version `number` again; return the new version."""
    found = await stored.get_version(services.db, document_id, number)
    if found is None:
        raise NotFound()
    target = blocks_of(doc_from_state(found[1]))
    before_label = gettext("Before restoring version %(n)s") % {"n": number}
    await capture(services, document_id, kind="auto", label=before_label, user_id=user_id)
    room = await services.rooms.open(document_id)
    try:
        fragment = room.doc.get("content", type=XmlFragment)
        state_before = room.doc.get_state()
        try:
            versions.restore_blocks(fragment, target, origin=f"restore:{number}:{user_id}")
        except BaseException as exc:  # a yrs panic must not leave a half-applied room
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            room.poisoned = True
            room.close_all(CloseCode.SERVICE_RESTART, "reloading the document")
            log.exception("restore of version %s of document %s failed", number, document_id)
            raise AppError(
                gettext("The restore failed; nothing was changed."), code="restore_failed"
            ) from None
        update = room.doc.get_update(state_before)
        if update != b"\x00\x00":
            room.apply_server_update(update, author_id=user_id)
        await services.writer.flush()
    finally:
        services.rooms.release_if_idle(room)
    label = gettext("Restoration of version %(n)s") % {"n": number}
    new = await capture(
        services, document_id, kind="restore", label=label, user_id=user_id, force=True
    )
    assert new is not None
    return new


class AutoVersions(BackgroundJob):
    """Automatic versions: after a quiet period following edits, and during long
    continuous editing."""

    name = "auto-versions"

    def __init__(self, services: Any, *, quiet: float, longest: float) -> None:
        self.services = services
        self.quiet = quiet
        self.longest = longest
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}

    def changed(self, document_id: int) -> None:
        now = time.monotonic()
        self._first.setdefault(document_id, now)
        self._last[document_id] = now

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(min(self.quiet, self.longest, 5.0) / 2)
            now = time.monotonic()
            due = [
                doc
                for doc, last in self._last.items()
                if now - last >= self.quiet or now - self._first[doc] >= self.longest
            ]
            for document_id in due:
                self._first.pop(document_id, None)
                self._last.pop(document_id, None)
                try:
                    await capture(self.services, document_id, kind="auto")
                except Exception:
                    log.exception("automatic version of document %s failed", document_id)
