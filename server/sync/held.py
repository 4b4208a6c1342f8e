"""Updates kept aside until what they build on has arrived.

Yjs keeps an update whose structs refer to clocks the document does not hold in a pending
store and integrates it later. pycrdt 0.14.13 can crash the whole process on such pending
structs (tests/data/pycrdt_segfault_updates.txt), so the room never lets pycrdt see one:
it keeps the update here and applies it once it fits (`UpdateShape.fits`). Honest clients
rarely need this — typing before answering our SyncStep1, or forwarding content from their
own pending store in a SyncStep2 — and the gap fills soon after; what never fits is dropped
oldest first, within a count and byte budget, and was never acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from server.sync.updates import UpdateShape

HELD_LIMIT = 64
HELD_BYTES_LIMIT = 1 << 20

Sender = TypeVar("Sender")


@dataclass(frozen=True, slots=True)
class HeldUpdate(Generic[Sender]):
    sender: Sender
    update: bytes
    shape: UpdateShape


class HeldUpdates(Generic[Sender]):
    def __init__(self, limit: int = HELD_LIMIT, bytes_limit: int = HELD_BYTES_LIMIT) -> None:
        self._items: list[HeldUpdate[Sender]] = []
        self._bytes = 0
        self.limit = limit
        self.bytes_limit = bytes_limit

    def __len__(self) -> int:
        return len(self._items)

    def add(self, sender: Sender, update: bytes, shape: UpdateShape) -> int:
        """Keep an update aside; return how many old ones were dropped to make room."""
        self._items.append(HeldUpdate(sender, update, shape))
        self._bytes += len(update)
        dropped = 0
        while len(self._items) > self.limit or self._bytes > self.bytes_limit:
            self._bytes -= len(self._items.pop(0).update)
            dropped += 1
        return dropped

    def take_fitting(self, clocks: dict[int, int]) -> HeldUpdate[Sender] | None:
        """Remove and return the oldest update that fits a document holding `clocks`."""
        for index, item in enumerate(self._items):
            if item.shape.fits(clocks):
                del self._items[index]
                self._bytes -= len(item.update)
                return item
        return None
