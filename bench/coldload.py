"""Server-side cold open of one document, timed with the server's own code.

The server does not log how long a room takes to load, so this runs exactly what it runs
on the first connection to a document (`RoomManager.open`: read the newest checkpoint and
the changes after it, apply them to a fresh `pycrdt.Doc`) plus the encoding of the full
state a new client receives (SyncStep2 for an empty state vector), on a copy of the
database in a fresh process. Prints one JSON line.

Run: `python -m bench.coldload --db DATA/wikimarche.db --document 7 [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import procfs


async def _measure(db_path: Path, document_id: int, repeat: int) -> dict[str, Any]:
    import os

    from server.db.changes import SqlChangeLog
    from server.db.engine import Database
    from server.sync.rooms import RoomManager
    from server.sync.writer import ChangeWriter

    db = Database(f"sqlite+aiosqlite:///{db_path}")
    store = SqlChangeLog(db)
    runs = []
    try:
        async with db.read() as conn:  # the server's connection pool is warm as well
            await conn.exec_driver_sql("SELECT 1")
        for _ in range(repeat):
            rss0 = procfs.rss_bytes(os.getpid())
            t0 = time.perf_counter()
            stored = await store.load(document_id)
            t1 = time.perf_counter()
            manager = RoomManager(store, ChangeWriter(store), checkpoint_every=10**9)
            room = await manager.open(document_id)
            t2 = time.perf_counter()
            state = room.doc.get_update(b"\x00")
            t3 = time.perf_counter()
            runs.append(
                {
                    "db_read_ms": round((t1 - t0) * 1000, 2),
                    "open_ms": round((t2 - t1) * 1000, 2),
                    "encode_state_ms": round((t3 - t2) * 1000, 2),
                    "server_side_ms": round((t3 - t1) * 1000, 2),
                    "rss_delta_mb": round((procfs.rss_bytes(os.getpid()) - rss0) / 2**20, 2),
                }
            )
            tail = len(stored.changes)
            checkpoint_bytes = len(stored.checkpoint or b"")
            state_bytes = len(state)
            manager.rooms.clear()
        del stored, room, state
        room_mb = await _room_memory(store, document_id)
    finally:
        await db.close()
    return {
        "runs": runs,
        "first_server_side_ms": runs[0]["server_side_ms"],
        "best_server_side_ms": min(r["server_side_ms"] for r in runs),
        "tail_changes": tail,
        "checkpoint_bytes": checkpoint_bytes,
        "state_bytes": state_bytes,
        "room_mb": room_mb,
        "note": "server_side_ms = RoomManager.open (DB read + apply) + full-state encode; "
        "open_ms includes a second DB read (RoomManager reads the log itself)",
    }


def _settled_rss() -> int:
    """RSS once garbage is collected and freed heap pages are given back to the system."""
    import ctypes
    import gc
    import os

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: RSS keeps what the allocator holds
        pass
    return procfs.rss_bytes(os.getpid())


async def _room_memory(store: Any, document_id: int) -> float:
    """What an open room holds: the RSS it adds once loading's temporaries are freed."""
    from server.sync.rooms import RoomManager
    from server.sync.writer import ChangeWriter

    before = _settled_rss()
    manager = RoomManager(store, ChangeWriter(store), checkpoint_every=10**9)
    room = await manager.open(document_id)
    after = _settled_rss()
    assert manager.rooms[document_id] is room  # still open while measured
    return round((after - before) / 2**20, 2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="time the cold open of one document")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--document", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coldload-") as tmp:
        copy = Path(tmp) / "copy.db"
        source = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        result = asyncio.run(_measure(copy, args.document, max(1, args.repeat)))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
