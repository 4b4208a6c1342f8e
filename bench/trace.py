"""Trace replay (load 4): the automerge-paper trace typed by one writer, followed by one
reader (tests/node/bench-trace.mjs). On every server: replay rate and the reader's lag
after the last edit. On ours also: what the change log stores, the committed update rate,
and the cold open after a restart (client-side time, server-side time with the server's
own code via `bench.coldload`, and the RSS the loaded room adds to the process).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from bench.harness import on_fresh_server
from bench.measure import CpuWindow, LoadContext, Record
from bench.node import NodeHandle, run_node
from bench.ours import OursServer
from bench.servers import ROOT, ServerProcess

TRACE = Path("/work/shared/traces/automerge-paper.json.gz")
QUICK_EDITS = 20_000


def expected_text(limit: int) -> str:
    """The text after the first `limit` patches (all of them when 0)."""
    trace = json.loads(gzip.decompress(TRACE.read_bytes()))
    if limit == 0:
        return str(trace["endContent"])
    chars: list[str] = []
    patches = (p for txn in trace["txns"] for p in txn["patches"])
    for n, (pos, deleted, inserted) in enumerate(patches):
        if n >= limit:
            break
        chars[pos : pos + deleted] = list(inserted)
    return "".join(chars)


async def _open_once(
    ctx: LoadContext, server: ServerProcess, room: str, hold: bool
) -> tuple[dict[str, Any], int | None]:
    """One fresh client opens `room`; returns the generator result and, with `hold`, the
    server RSS while the client is still connected."""
    held: list[int] = []

    async def on_phase(line: dict[str, object], handle: NodeHandle) -> None:
        if line["phase"] == "holding":
            await asyncio.sleep(1.0)
            held.append(server.rss_bytes())
            await handle.send({"cmd": "release"})

    args = ["--url", server.ws_url, "--rooms", json.dumps([room]), "--per-room", "1"]
    args += ["--timeout", "60000", "--report-text", "--headers-json"]
    args += [json.dumps(server.ws_headers())] + (["--hold"] if hold else [])
    run = await run_node(
        "bench-join.mjs", args, limit_s=120, log_path=ctx.node_log, on_phase=on_phase
    )
    if run.error or run.result is None:
        raise RuntimeError(f"cold open failed: {run.error}")
    return run.result, (held[0] if held else None)


async def _coldload(server: OursServer, document_id: int) -> dict[str, Any]:
    # Run from the server's frozen code; `bench` itself comes from PYTHONPATH.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.coldload", "--db", str(server.db_path),
        "--document", str(document_id), cwd=server.source, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 300)
    if process.returncode != 0:
        return {"error": err.decode()[-500:]}
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


async def _ours_after_replay(
    ctx: LoadContext, server: OursServer, rooms: list[str], result: dict[str, Any], text: str
) -> dict[str, Any]:
    doc_id = int(rooms[0])
    out: dict[str, Any] = {"storage_running": server.storage(doc_id)}
    # Ours broadcasts an update only once committed: the reader's pace is a lower bound
    # of the commit rate.
    out["committed_updates_per_s"] = result.get("end_to_end_edits_per_s")
    storage = out["storage_running"]
    keystrokes = result.get("edits_sent") or 0
    out["keystrokes"] = keystrokes
    if keystrokes:
        # Per keystroke typed, not per row: the updates a client sent in a row are stored
        # as one row (`Intake.integrate_received`).
        out["keystrokes_per_row"] = round(keystrokes / max(1, storage["change_rows"]), 1)
        out["update_bytes_per_keystroke"] = round(storage["change_bytes"] / keystrokes, 1)
        # On disk: the change log's pages (rows, record overhead, index) per keystroke.
        out["bytes_per_keystroke"] = round(storage["changes_table_disk_bytes"] / keystrokes, 1)
    out["graceful_stop"] = await asyncio.to_thread(server.stop)
    out["storage_stopped"] = server.storage(doc_id)
    out["coldload"] = await _coldload(server, doc_id)
    out["restart_seconds"] = round(await asyncio.to_thread(server.start), 3)
    await asyncio.sleep(1.0)
    out["rss_fresh_mb"] = round(server.rss_bytes() / 2**20, 1)
    small, _ = await _open_once(ctx, server, rooms[1], hold=False)
    out["first_small_open_ms"] = small["sync_ms"]["max"]
    await asyncio.sleep(0.5)
    idle = server.rss_bytes()
    big, loaded = await _open_once(ctx, server, rooms[0], hold=True)
    out["cold_open_client_ms"] = big["sync_ms"]["max"]
    out["cold_open_handshake_ms"] = big["open_ms"]["max"]  # websocket accepted
    out["cold_open_state_bytes"] = big["texts"][0]["state_bytes"]
    out["client_apply_state_ms"] = big["texts"][0]["client_apply_ms"]
    digest = hashlib.sha256(text.encode()).hexdigest()
    out["cold_open_text_ok"] = big["texts"][0]["sha256"] == digest
    out["rss_idle_mb"] = round(idle / 2**20, 1)
    if loaded is not None:
        out["room_rss_mb"] = round((loaded - idle) / 2**20, 2)
    return out


async def run_trace(ctx: LoadContext, server_name: str) -> Record:
    limit = QUICK_EDITS if ctx.quick else 0
    cap_ms = 60_000 if ctx.quick else 300_000
    drain_ms = 60_000 if ctx.quick else 300_000
    text = await asyncio.to_thread(expected_text, limit)

    async def body(server: ServerProcess, record: Record) -> None:
        rooms = server.rooms(2, "trace")
        window = CpuWindow(server)

        async def on_phase(line: dict[str, object], handle: NodeHandle) -> None:
            if line["phase"] == "send":
                window.begin(handle.process.pid)
            elif line["phase"] == "drained":
                window.end()

        args = [
            "--url", server.ws_url, "--room", rooms[0], "--trace", str(TRACE),
            "--limit", str(limit), "--time-cap-ms", str(cap_ms), "--drain-cap-ms", str(drain_ms),
            "--headers-json", json.dumps(server.ws_headers()),
        ]  # fmt: skip
        run = await run_node(
            "bench-trace.mjs", args, limit_s=(cap_ms + drain_ms) / 1000 + 120,
            log_path=ctx.node_log, on_phase=on_phase,
        )  # fmt: skip
        if run.error or run.result is None:
            record.error = run.error
            return
        result = run.result
        record.primary, record.unit = "reader_lag_ms", "ms"
        record.value = result["reader_lag_ms"]
        record.converged = bool(result["converged"]) and bool(result["complete"])
        # Not compared with the edit count: a server may merge updates into fewer messages.
        record.extra["reader_update_messages"] = result["reader_updates"]
        record.fill_cpu(window, result["edits_sent"])
        record.extra["replay"] = result
        record.extra["edits_per_s"] = result["edits_per_s"]
        held = result.get("reader_held_ms")
        if held:
            seconds = (held - result["first_edit_ms"]) / 1000
            result["end_to_end_edits_per_s"] = round(result["edits_sent"] / seconds, 1)
            record.extra["end_to_end_edits_per_s"] = result["end_to_end_edits_per_s"]
        if not result["complete"]:
            why = "writer closed by the server" if result.get("writer_closed") else "time cap"
            record.extra["note"] = (
                f"{why}: {result['edits_sent']}/{result['edits_total']} edits sent, "
                f"reader at {result['reader_progress']:.0%} of the writer's clock"
            )
        if isinstance(server, OursServer) and result["reader_done"]:
            record.extra["ours"] = await _ours_after_replay(ctx, server, rooms, result, text)

    return await on_fresh_server(ctx, "trace", server_name, "trace", body)
