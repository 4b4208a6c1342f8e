"""Memory per idle room: N small documents open at once, one client each, each holding a
short paragraph; (server RSS with the rooms open − RSS before) / N. The figure includes
the room's one connection, as a real idle document would have.
"""

from __future__ import annotations

import asyncio
import json

from bench.harness import on_fresh_server
from bench.measure import CpuWindow, LoadContext, Record
from bench.node import NodeHandle, run_node
from bench.servers import ServerProcess

PARAGRAPH = "Article 3 — Le titulaire exécute les prestations conformément au CCTP."


async def run_idle(ctx: LoadContext, server_name: str) -> Record:
    count = 100 if ctx.quick else 1000
    pause = 0.3 if ctx.quick else 1.0

    async def body(server: ServerProcess, record: Record) -> None:
        rooms = server.rooms(count, "idle")
        await asyncio.sleep(pause)
        before = server.rss_bytes()
        after: list[int] = []
        window = CpuWindow(server)
        window.begin()

        async def on_phase(line: dict[str, object], handle: NodeHandle) -> None:
            if line["phase"] == "holding":
                await asyncio.sleep(pause)
                after.append(server.rss_bytes())
                await handle.send({"cmd": "release"})

        args = [
            "--url", server.ws_url,
            "--rooms", json.dumps(rooms),
            "--per-room", "1",
            "--concurrency", "50",
            "--timeout", "60000",
            "--paragraph", PARAGRAPH,
            "--settle-ms", str(int(pause * 2000)),
            "--hold",
            "--headers-json", json.dumps(server.ws_headers()),
        ]  # fmt: skip
        run = await run_node(
            "bench-join.mjs", args, limit_s=240, log_path=ctx.node_log, on_phase=on_phase
        )
        window.end()
        if run.error or not after:
            record.error = run.error or "the generator never held the rooms open"
            return
        assert run.result is not None
        synced = int(run.result["synced"])
        record.delivered, record.expected = synced, count
        record.converged = synced == count
        record.primary, record.unit = "kb_per_room", "KB"
        record.value = round((after[0] - before) / count / 1024, 1)
        record.fill_cpu(window, None)
        record.extra.update(
            {
                "rooms": count,
                "rss_before_mb": round(before / 2**20, 1),
                "rss_with_rooms_mb": round(after[0] / 2**20, 1),
                "still_connected": run.result.get("still_connected"),
            }
        )

    return await on_fresh_server(ctx, "idle1000", server_name, "memory", body)
