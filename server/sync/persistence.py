"""The seam between rooms and storage: what a room needs from the change log.

The SQL implementation lives in `server.db.changes`; rooms only see this protocol, so
another store (PostgreSQL, a test double for the benchmark of the bare room) plugs in
without touching the room code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pycrdt import Doc

log = logging.getLogger("wikimarche.persistence")

MAX_BATCH = 5000  # changes committed in one transaction, at most
# Waits between attempts of a failed commit: a failing disk must not drop updates.
RETRY_DELAYS = (0.05, 0.2, 1.0, 2.0, 5.0)


@dataclass(frozen=True, slots=True)
class NewChange:
    """One Yjs update received from a client, on its way to the change log."""

    document_id: int
    author_id: int | None
    created_ms: int
    data: bytes


@dataclass(slots=True)
class StoredDocument:
    """What a room loads: the newest checkpoint and the changes committed after it."""

    checkpoint: bytes | None = None
    checkpoint_upto: int = 0
    changes: list[bytes] = field(default_factory=list)
    last_change_id: int = 0
    stored_bytes: int = 0

    def replay(self, document_id: int | None = None) -> Doc:
        """A Doc holding the checkpoint and every change after it.

        An undecodable row is logged and skipped: one bad row must not make the whole
        document unreadable.
        """
        doc: Doc = Doc()
        for update in ([self.checkpoint] if self.checkpoint else []) + self.changes:
            try:
                doc.apply_update(update)
            except Exception:
                log.exception("skipping an undecodable stored update of document %s", document_id)
        return doc


# Runs on the event loop once the change is committed, with its id (0 for a barrier).
OnCommit = Callable[[int], None]
# A change waiting for its transaction (None: a barrier), and what runs once it is stored.
Submitted = tuple[NewChange | None, OnCommit]


def run_commit_callbacks(batch: Sequence[Submitted], ids: Sequence[int]) -> None:
    """The callbacks of one committed batch, in submission order, each with its change's
    id (`ids` holds the ids of the batch's changes, barriers excluded)."""
    position = 0
    for change, on_commit in batch:
        change_id = 0
        if change is not None:
            change_id = ids[position]
            position += 1
        try:
            on_commit(change_id)
        except Exception:
            log.exception("a commit callback failed")


class DirectAppends(Protocol):
    """A change log that commits on its own thread as changes are submitted."""

    pending: int  # changes and barriers submitted whose callback has not run

    def submit(self, change: NewChange | None, on_commit: OnCommit) -> None:
        """Commit `change` (None: a barrier); `on_commit(id)` then runs on the event loop,
        after the callbacks of everything submitted before it."""
        ...


class ChangeLog(Protocol):
    async def append(self, changes: Sequence[NewChange]) -> list[int]:
        """Commit these changes in one transaction, in order; return their ids."""
        ...

    def direct_appends(self) -> DirectAppends | None:
        """The store's own committing thread, if it has one (SQLite files)."""
        ...

    async def load(self, document_id: int) -> StoredDocument: ...

    async def load_many(self, document_ids: Sequence[int]) -> dict[int, StoredDocument]:
        """Several documents at once (the rooms a reconnecting office opens together)."""
        ...

    async def save_checkpoint(
        self, document_id: int, upto_change_id: int, state: bytes
    ) -> None: ...
