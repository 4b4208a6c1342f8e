"""The whole DCE as one zip, built in the background with its progress readable.

A job converts the tender's documents one after another (never more than `PARALLEL`
conversions at once on the server, whoever asked), so a long export never delays
editing; the page polls the job and offers the file once it is ready.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from server.errors import AppError
from server.security.tokens import new_token

log = logging.getLogger("wikimarche.export")
PARALLEL = 1
KEEP_SECONDS = 30 * 60
MAX_JOBS = 50

Step = Callable[[], Awaitable[tuple[str, bytes]]]


@dataclass
class Job:
    id: str
    tender_id: int
    user_id: int
    filename: str
    total: int
    done: int = 0
    state: str = "running"  # running, done, failed
    error: str = ""
    data: bytes = b""
    created_at: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "error": self.error,
        }


class ExportJobs:
    """In-memory jobs of this server process (a restart forgets them; nothing is lost but
    the ready files, which are rebuilt on demand)."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self._gate: asyncio.Semaphore | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def gate(self) -> asyncio.Semaphore:
        if self._gate is None:
            self._gate = asyncio.Semaphore(PARALLEL)
        return self._gate

    def start(self, tender_id: int, user_id: int, filename: str, steps: list[Step]) -> Job:
        self._forget_old()
        job = Job(new_token()[:24], tender_id, user_id, filename, len(steps))
        self.jobs[job.id] = job
        task = asyncio.get_running_loop().create_task(self._run(job, steps), name="dce-zip")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    def get(self, job_id: str, tender_id: int) -> Job | None:
        """A job of this tender: every member may follow it and fetch the file, since
        every member may read the documents it holds."""
        job = self.jobs.get(job_id)
        if job is None or job.tender_id != tender_id:
            return None
        return job

    def _forget_old(self) -> None:
        limit = time.time() - KEEP_SECONDS
        for key in [k for k, j in self.jobs.items() if j.created_at < limit]:
            del self.jobs[key]
        while len(self.jobs) >= MAX_JOBS:
            del self.jobs[next(iter(self.jobs))]

    async def _run(self, job: Job, steps: list[Step]) -> None:
        buffer = io.BytesIO()
        try:
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for step in steps:
                    async with self.gate:
                        name, data = await step()
                    await asyncio.to_thread(archive.writestr, name, data)
                    job.done += 1
            job.data = buffer.getvalue()
            job.state = "done"
        except AppError as error:
            job.state, job.error = "failed", error.message
        except Exception:
            log.exception("export of tender %s failed", job.tender_id)
            job.state, job.error = "failed", "The conversion failed; nothing was changed."
