"""Reconnect storm: 1,000 clients in 50 rooms (quick: 100 in 5), each room holding one
paragraph; the server is killed with SIGKILL and restarted on the same port (ours on the
same data, the in-memory servers empty). The clients reconnect by themselves with the
y-websocket backoff (200 ms doubling, capped at 2.5 s). Measures the time until every
client is synced again, from the restart (server ready) and from the kill, and counts
errors: clients not back, unexpected close codes, lost content, server log errors.
"""

from __future__ import annotations

import asyncio
import json
import time

from bench.harness import on_fresh_server
from bench.measure import LoadContext, Record
from bench.node import NodeHandle, run_node
from bench.servers import ServerProcess

EXPECTED_CLOSE = "1006"  # abnormal closure: the process died, no close frame


async def run_storm(ctx: LoadContext, server_name: str) -> Record:
    rooms_n, per_room = (5, 20) if ctx.quick else (50, 20)
    storm_timeout_ms = 10_000 if ctx.quick else 60_000

    async def body(server: ServerProcess, record: Record) -> None:
        rooms = server.rooms(rooms_n, "storm")
        times: dict[str, float] = {}
        log_offset: list[int] = []

        async def on_phase(line: dict[str, object], _handle: NodeHandle) -> None:
            if line["phase"] != "ready":
                return
            times["kill_ms"] = time.time() * 1000
            await asyncio.to_thread(server.kill)
            log_offset.append(server.log_size())
            times["restart_seconds"] = await asyncio.to_thread(server.start)
            times["ready_ms"] = time.time() * 1000

        args = [
            "--url", server.ws_url,
            "--rooms", json.dumps(rooms),
            "--per-room", str(per_room),
            "--storm-timeout", str(storm_timeout_ms),
            "--headers-json", json.dumps(server.ws_headers()),
        ]  # fmt: skip
        run = await run_node(
            "bench-storm.mjs", args, limit_s=storm_timeout_ms / 1000 + 180,
            log_path=ctx.node_log, on_phase=on_phase,
        )  # fmt: skip
        if run.error or run.result is None:
            record.error = run.error
            return
        result = run.result
        if "ready_ms" not in times:
            record.error = "the server was never restarted"
            return
        last = result.get("last_resync_ms")
        clients = int(result["clients"])
        unexpected = {k: v for k, v in result["closes_by_code"].items() if k != EXPECTED_CLOSE}
        after = server.log_findings(log_offset[0]) if log_offset else None
        errors = (
            (clients - int(result["resynced"]))
            + sum(unexpected.values())
            + (clients - int(result["content_ok"]))
            + (after.errors if after else 0)
        )
        record.primary, record.unit = "resync_after_ready_ms", "ms"
        record.value = round(last - times["ready_ms"], 1) if last else None
        record.delivered, record.expected = int(result["resynced"]), clients
        record.converged = bool(result["converged"]) and result["resynced"] == clients
        record.extra.update(
            {
                "resync_after_kill_ms": round(last - times["kill_ms"], 1) if last else None,
                "restart_seconds": round(times["restart_seconds"], 3),
                "first_to_last_resync_ms": (
                    round(last - result["first_resync_ms"], 1) if last else None
                ),
                "errors": errors,
                "unexpected_closes": unexpected,
                "server_log_after_restart": after.as_dict() if after else None,
                "generator": result,
            }
        )

    return await on_fresh_server(ctx, "storm", server_name, "storm", body)
