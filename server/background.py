"""A job that runs in the background for the application's life: started by the lifespan,
cancelled and awaited when the application stops."""

from __future__ import annotations

import asyncio
import contextlib


class BackgroundJob:
    """Subclasses implement `_run`, a loop that runs until cancelled."""

    name = "background-job"

    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        raise NotImplementedError
