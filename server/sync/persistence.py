"""The seam between rooms and storage: what a room needs from the change log.

The SQL implementation lives in `server.db.changes`; rooms only see this protocol, so
another store (PostgreSQL, a test double for the benchmark of the bare room) plugs in
without touching the room code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


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


class ChangeLog(Protocol):
    async def append(self, changes: Sequence[NewChange]) -> list[int]:
        """Commit these changes in one transaction, in order; return their ids."""
        ...

    async def load(self, document_id: int) -> StoredDocument: ...

    async def save_checkpoint(
        self, document_id: int, upto_change_id: int, state: bytes
    ) -> None: ...
