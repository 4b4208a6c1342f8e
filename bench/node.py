"""Runs the Node load generators (tests/node/bench-*.mjs) as child processes.

A generator prints JSON lines on stdout: phase lines (`{"phase": ...}`) while it runs,
which let the driver sample the server at the right moments or act (kill a server,
release held clients), then one result line. Its stderr goes to a log file.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.servers import NODE_DIR

LINE_LIMIT = 16 * 1024 * 1024


class NodeHandle:
    """The running generator, as seen by a phase callback."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()


OnPhase = Callable[[dict[str, Any], NodeHandle], Awaitable[None]]


@dataclass
class NodeRun:
    """Outcome of one generator run."""

    result: dict[str, Any] | None = None
    phases: dict[str, float] = field(default_factory=dict)  # phase → time.monotonic()
    returncode: int | None = None
    timed_out: bool = False
    wall_seconds: float = 0.0
    stderr_tail: str = ""

    @property
    def error(self) -> str | None:
        if self.timed_out:
            return f"generator timed out after {self.wall_seconds:.0f} s"
        if self.result is None:
            return f"generator gave no result (exit {self.returncode}): {self.stderr_tail[-300:]}"
        if "error" in self.result:
            return str(self.result["error"])
        return None


async def run_node(
    script: str,
    args: list[str],
    *,
    limit_s: float,
    log_path: Path,
    on_phase: OnPhase | None = None,
) -> NodeRun:
    """Run `node tests/node/<script> <args>` and collect its phases and result line."""
    run = NodeRun()
    started = time.monotonic()
    with log_path.open("ab") as log:
        log.write(f"--- {script} {' '.join(args)[:500]}\n".encode())
        log.flush()
        process = await asyncio.create_subprocess_exec(
            "node",
            str(NODE_DIR / script),
            *args,
            cwd=NODE_DIR,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
            limit=LINE_LIMIT,
        )
        handle = NodeHandle(process)

        async def consume() -> None:
            assert process.stdout is not None
            async for raw in process.stdout:
                try:
                    line = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(line, dict) and "phase" in line:
                    run.phases[str(line["phase"])] = time.monotonic()
                    if on_phase is not None:
                        await on_phase(line, handle)
                elif isinstance(line, dict):
                    run.result = line
            await process.wait()

        try:
            await asyncio.wait_for(consume(), limit_s)
        except TimeoutError:
            run.timed_out = True
            process.kill()
            await process.wait()
        finally:
            if process.stdin is not None and not process.stdin.is_closing():
                process.stdin.close()
    run.returncode = process.returncode
    run.wall_seconds = time.monotonic() - started
    run.stderr_tail = _tail(log_path)
    return run


def _tail(path: Path, size: int = 2000) -> str:
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - size))
        return f.read().decode("utf-8", "replace")
