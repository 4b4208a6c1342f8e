"""Join time: 400 clients (4 in each of 100 rooms never opened before) connect all at once;
the figure is the time from the first connect to the last synced client.
"""

from __future__ import annotations

import json

from bench.harness import on_fresh_server
from bench.measure import CpuWindow, LoadContext, Record
from bench.node import run_node
from bench.servers import ServerProcess

ROOMS = 100
PER_ROOM = 4


async def run_join(ctx: LoadContext, server_name: str) -> Record:
    timeout_ms = 3_000 if ctx.quick else 60_000

    async def body(server: ServerProcess, record: Record) -> None:
        rooms = server.rooms(ROOMS, "join")
        args = [
            "--url", server.ws_url,
            "--rooms", json.dumps(rooms),
            "--per-room", str(PER_ROOM),
            "--timeout", str(timeout_ms),
            "--headers-json", json.dumps(server.ws_headers()),
        ]  # fmt: skip
        window = CpuWindow(server)
        window.begin()
        run = await run_node(
            "bench-join.mjs", args, limit_s=timeout_ms / 1000 + 60, log_path=ctx.node_log
        )
        window.end()
        if run.error:
            record.error = run.error
            return
        assert run.result is not None
        result = run.result
        sync = result.get("sync_ms") or {}
        for key in ("p50", "p95", "p99", "max"):
            setattr(record, key, sync.get(key))
        record.delivered, record.expected = result["synced"], result["clients"]
        record.converged = result["synced"] == result["clients"]
        record.primary, record.unit = "join_ms", "ms"
        record.value = result["total_ms"]
        record.fill_cpu(window, None)
        record.extra.update(
            {
                "clients": result["clients"],
                "failed": result["failed"],
                "first_failures": result.get("first_failures"),
                "timeout_ms": timeout_ms,
                "note": "p50..max columns: per-client time from its connect to its sync",
            }
        )
        if not record.converged:
            record.extra["note_incomplete"] = (
                f"{result['synced']}/{result['clients']} synced within {timeout_ms} ms"
            )

    return await on_fresh_server(ctx, "join400", server_name, "join", body)
