"""Runs one load on one freshly started server and always stops it afterwards, recording
start time, stop behaviour, log findings and the machine's load average with the result.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bench import procfs
from bench.kinds import make_server
from bench.measure import LoadContext, Record
from bench.servers import ServerProcess

Body = Callable[[ServerProcess, Record], Awaitable[None]]


async def on_fresh_server(
    ctx: LoadContext, load: str, server_name: str, group: str, body: Body
) -> Record:
    """Start a new `server_name`, run `body(server, record)`, stop the server."""
    started = time.monotonic()
    record = Record(load=load, server=server_name, group=group)
    record.extra["loadavg_before"] = procfs.load_average()
    record.extra["quiet"] = await asyncio.to_thread(procfs.wait_quiet, ctx.quiet_wait)
    server = make_server(
        server_name, ctx.server_dir(load, server_name), ctx.workdir / "template", ctx.source
    )
    try:
        record.extra["start_seconds"] = round(await asyncio.to_thread(server.start), 3)
        await body(server, record)
    except Exception as exc:  # one failed load must not stop the others
        record.error = f"{type(exc).__name__}: {exc}"
    finally:
        record.extra["stop"] = await asyncio.to_thread(server.stop)
        record.extra["server_log"] = server.log_findings().as_dict()
        record.extra["elapsed_s"] = round(time.monotonic() - started, 1)
    return record
