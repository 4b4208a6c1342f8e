"""A room the manager unloads is freed, with its document: a server that opens and closes
documents all day keeps only the rooms in use in memory."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from pycrdt import Text
from support.live import run_async
from support.typists import wait_for

from server.db import Database, accounts, tenders
from server.db.changes import SqlChangeLog
from server.sync.rooms import RoomManager
from server.sync.writer import ChangeWriter


async def _unload_rooms(data_dir: Path, times: int) -> tuple[int, int]:
    db = Database(f"sqlite+aiosqlite:///{data_dir / 'rooms.db'}")
    await db.migrate()
    user = await accounts.create_user(db, email="c@ville.fr", name="Claire", password_hash="x")
    tender = await tenders.create_tender(db, creator_id=user.id, fields={"title": "Marché"})
    writer = ChangeWriter(SqlChangeLog(db))
    writer.start()
    manager = RoomManager(SqlChangeLog(db), writer, grace_seconds=0)
    refs = []
    try:
        for _ in range(times):
            document = await tenders.create_document(
                db, tender_id=tender.id, creator_id=user.id, title="CCTP", kind="CCTP"
            )
            room = await manager.open(document.id)
            room.doc.get("notes", type=Text).insert(0, "Clause d'insertion. " * 500)
            refs.append(weakref.ref(room))
            manager.release_if_idle(room)
            del room
            await wait_for(lambda d=document.id: d not in manager.rooms, 10, "the unload")
        gc.collect()
        return sum(ref() is not None for ref in refs), len(manager.rooms)
    finally:
        await manager.shutdown()
        await writer.close()
        await db.close()


def test_unloaded_rooms_are_freed(tmp_path):
    alive, open_rooms = run_async(_unload_rooms(tmp_path, 20))
    assert (alive, open_rooms) == (0, 0)
