"""The change-log writer: every update is committed before anyone is shown it.

Rooms `submit()` updates without waiting; whatever has accumulated while the previous
transaction committed goes in the next one (group commit), and the callbacks of a batch
run in submission order. The callbacks broadcast the updates, so persist-then-broadcast
holds by construction, and a burst of keystrokes costs one transaction, not one per
keystroke. A `barrier()` runs its callback once everything submitted before it is committed.

Where the store has a committing thread of its own (SQLite files, `DirectAppends`), the
writer hands it each change at once and the thread does the grouping; otherwise
(PostgreSQL) one background task here commits the batches through `ChangeLog.append`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from server.sync.persistence import (
    MAX_BATCH,
    RETRY_DELAYS,
    ChangeLog,
    DirectAppends,
    NewChange,
    OnCommit,
    Submitted,
    run_commit_callbacks,
)

log = logging.getLogger("wikimarche.writer")


class ChangeWriter:
    """Group-committing writer of the change log (one per process)."""

    def __init__(self, store: ChangeLog) -> None:
        self._store = store
        self._direct: DirectAppends | None = store.direct_appends()
        self._queue: list[Submitted] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._busy = False  # a batch is being committed; its callbacks have not run yet

    def start(self) -> None:
        if self._task is None and self._direct is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="change-writer")

    def submit(self, change: NewChange, on_commit: OnCommit) -> None:
        """Queue a change; `on_commit(change_id)` runs after its transaction commits."""
        if self._closing:
            raise RuntimeError("the change writer is closed")
        if self._direct is not None:
            self._direct.submit(change, on_commit)
            return
        self._queue.append((change, on_commit))
        self._wakeup.set()

    def barrier(self, on_commit: Callable[[], None]) -> None:
        """Run `on_commit()` once everything submitted so far is committed."""
        if self._direct is not None:
            if self._direct.pending == 0:
                on_commit()
            else:
                self._direct.submit(None, lambda _id: on_commit())
            return
        if not self._queue and not self._busy:
            on_commit()
            return
        self._queue.append((None, lambda _id: on_commit()))
        self._wakeup.set()

    async def flush(self) -> None:
        """Wait until everything submitted so far is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def release() -> None:
            if not done.done():
                done.set_result(None)

        self.barrier(release)
        await done

    async def close(self) -> None:
        """Commit what is queued, then stop."""
        await self.flush()
        self._closing = True
        if self._task is None:
            return
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

    async def _commit(self, batch: list[Submitted]) -> None:
        changes = [change for change, _ in batch if change is not None]
        ids = await self._append_with_retry(changes) if changes else []
        run_commit_callbacks(batch, ids)

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
