"""The change log's appends on SQLite: every batch size gets the ids of its own rows, in
order, and a batch the database refuses leaves no row behind (the writer retries it whole,
so a half-stored batch would be stored twice)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.live import run_async

from server.db import Database, accounts, tenders
from server.db.appender import ONE_STATEMENT_ROWS
from server.db.changes import SqlChangeLog
from server.sync.persistence import NewChange

# One row, a few, the largest single statement, the first batch past it, a long burst.
SIZES = (1, 3, ONE_STATEMENT_ROWS, ONE_STATEMENT_ROWS + 1, 2_000)


async def _database(data_dir: Path) -> tuple[Database, int, int]:
    db = Database(f"sqlite+aiosqlite:///{data_dir / 'log.db'}")
    await db.migrate()
    user = await accounts.create_user(db, email="c@ville.fr", name="Claire", password_hash="x")
    tender = await tenders.create_tender(db, creator_id=user.id, fields={"title": "Marché"})
    document = await tenders.create_document(
        db, tender_id=tender.id, creator_id=user.id, title="CCTP", kind="CCTP"
    )
    return db, user.id, document.id


async def _stored(db: Database) -> list[tuple[int, bytes]]:
    async with db.read() as conn:
        result = await conn.exec_driver_sql("SELECT id, data FROM changes ORDER BY id")
        return [(int(row[0]), bytes(row[1])) for row in result]


def test_each_batch_gets_the_ids_of_its_own_rows(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[tuple[int, bytes]], list[tuple[int, bytes]]]:
        db, user_id, document_id = await _database(tmp_path)
        log = SqlChangeLog(db)
        expected: list[tuple[int, bytes]] = []
        try:
            for size in SIZES:
                batch = [
                    NewChange(document_id, user_id, 1_700_000_000_000, f"{size}:{n}".encode())
                    for n in range(size)
                ]
                ids = await log.append(batch)
                expected += zip(ids, (change.data for change in batch), strict=True)
            return expected, await _stored(db)
        finally:
            await db.close()

    expected, stored = run_async(scenario())
    assert len(stored) == sum(SIZES)
    assert stored == expected


@pytest.mark.parametrize("size", [3, ONE_STATEMENT_ROWS + 5])
def test_a_refused_batch_stores_nothing(tmp_path: Path, size: int) -> None:
    async def scenario() -> list[tuple[int, bytes]]:
        db, user_id, document_id = await _database(tmp_path)
        log = SqlChangeLog(db)
        try:
            await log.append([NewChange(document_id, user_id, 1, b"before")])
            batch = [NewChange(document_id, user_id, 2, b"kept?") for _ in range(size)]
            # A document that does not exist: the foreign key refuses the last row.
            batch[-1] = NewChange(document_id + 1_000, user_id, 2, b"orphan")
            with pytest.raises(Exception, match="FOREIGN KEY"):
                await log.append(batch)
            await log.append([NewChange(document_id, user_id, 3, b"after")])
            return await _stored(db)
        finally:
            await db.close()

    stored = run_async(scenario())
    assert [data for _, data in stored] == [b"before", b"after"]
