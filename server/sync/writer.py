"""The change-log writer: every update is committed before anyone is shown it.

Rooms `submit()` updates without waiting; one background task commits whatever has
accumulated in a single transaction (group commit), then runs the callbacks of that batch
in submission order. The callbacks broadcast the updates, so persist-then-broadcast holds
by construction, and a burst of keystrokes costs one transaction, not one per keystroke.
A `barrier()` runs its callback once everything submitted before it is committed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from server.sync.persistence import ChangeLog, NewChange

log = logging.getLogger("wikimarche.writer")

MAX_BATCH = 5000
RETRY_DELAYS = (0.05, 0.2, 1.0, 2.0, 5.0)


@dataclass(slots=True)
class _Item:
    change: NewChange | None
    on_commit: Callable[[int], None]


class ChangeWriter:
    """Group-committing writer of the change log (one per process)."""

    def __init__(self, store: ChangeLog) -> None:
        self._store = store
        self._queue: list[_Item] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._busy = False  # a batch is being committed; its callbacks have not run yet
        self.committed = 0
        self.transactions = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="change-writer")

    def submit(self, change: NewChange, on_commit: Callable[[int], None]) -> None:
        """Queue a change; `on_commit(change_id)` runs after its transaction commits."""
        if self._closing:
            raise RuntimeError("the change writer is closed")
        self._queue.append(_Item(change, on_commit))
        self._wakeup.set()

    def barrier(self, on_commit: Callable[[], None]) -> None:
        """Run `on_commit()` once everything submitted so far is committed."""
        if not self._queue and not self._busy:
            on_commit()
            return
        self._queue.append(_Item(None, lambda _id: on_commit()))
        self._wakeup.set()

    async def flush(self) -> None:
        """Wait until everything submitted so far is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def release() -> None:
            if not done.done():
                done.set_result(None)

        self.barrier(release)
        await done

    @property
    def pending(self) -> int:
        return len(self._queue)

    async def close(self) -> None:
        """Commit what is queued, then stop."""
        if self._task is None:
            return
        await self.flush()
        self._closing = True
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._queue:
                batch = self._queue[:MAX_BATCH]
                del self._queue[:MAX_BATCH]
                self._busy = True
                try:
                    await self._commit(batch)
                finally:
                    self._busy = False

    async def _commit(self, batch: list[_Item]) -> None:
        changes = [item.change for item in batch if item.change is not None]
        ids: list[int] = []
        if changes:
            ids = await self._append_with_retry(changes)
            self.committed += len(changes)
            self.transactions += 1
        position = 0
        for item in batch:
            change_id = 0
            if item.change is not None:
                change_id = ids[position]
                position += 1
            try:
                item.on_commit(change_id)
            except Exception:
                log.exception("a commit callback failed")

    async def _append_with_retry(self, changes: list[NewChange]) -> list[int]:
        # A failing disk must not drop updates: keep retrying; meanwhile nothing is
        # broadcast, so no client is shown an update that is not stored.
        attempt = 0
        while True:
            try:
                return await self._store.append(changes)
            except Exception:
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                log.exception("change log commit failed; retrying in %.2fs", delay)
                attempt += 1
                await asyncio.sleep(delay)


def now_ms() -> int:
    return int(time.time() * 1000)
