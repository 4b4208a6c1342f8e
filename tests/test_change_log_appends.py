"""The change log's appends on SQLite: every batch size gets the ids of its own rows, in
order, and a batch the database refuses is retried whole and stored once (a half-stored
batch would be stored twice)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from support.live import run_async
from support.typists import wait_for

from server.db import Database, accounts, tenders
from server.db.appender import ONE_STATEMENT_ROWS
from server.db.changes import SqlChangeLog
from server.sync.persistence import NewChange

# One row, a few, the largest single statement, the first batch past it, a long burst.
SIZES = (1, 3, ONE_STATEMENT_ROWS, ONE_STATEMENT_ROWS + 1, 2_000)


async def _database(data_dir: Path) -> tuple[Database, int, int, int]:
    db = Database(f"sqlite+aiosqlite:///{data_dir / 'log.db'}")
    await db.migrate()
    user = await accounts.create_user(db, email="c@ville.fr", name="Claire", password_hash="x")
    tender = await tenders.create_tender(db, creator_id=user.id, fields={"title": "Marché"})
    document = await tenders.create_document(
        db, tender_id=tender.id, creator_id=user.id, title="CCTP", kind="CCTP"
    )
    return db, user.id, document.id, tender.id


async def _stored(db: Database) -> list[tuple[int, bytes]]:
    async with db.read() as conn:
        result = await conn.exec_driver_sql("SELECT id, data FROM changes ORDER BY id")
        return [(int(row[0]), bytes(row[1])) for row in result]


def test_each_batch_gets_the_ids_of_its_own_rows(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[tuple[int, bytes]], list[tuple[int, bytes]]]:
        db, user_id, document_id, _ = await _database(tmp_path)
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
def test_a_refused_batch_is_retried_whole_and_stored_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, size: int
) -> None:
    """The last change of a batch names a document that does not exist yet, so the
    database refuses the batch; other writers still write while it waits for its retry,
    and once one of them has created that document the batch is stored, each row once."""

    async def scenario() -> list[bytes]:
        db, user_id, document_id, tender_id = await _database(tmp_path)
        log = SqlChangeLog(db)
        try:
            await log.append([NewChange(document_id, user_id, 1, b"before")])
            # SQLite gives the next document the next id (no document is ever deleted here).
            batch = [NewChange(document_id, user_id, 2, b"%d" % n) for n in range(size - 1)]
            batch.append(NewChange(document_id + 1, user_id, 2, b"last"))
            appending = asyncio.ensure_future(log.append(batch))
            await wait_for(lambda: "commit failed" in caplog.text, 10, "a refusal")
            assert not appending.done()
            created = await asyncio.wait_for(
                tenders.create_document(
                    db, tender_id=tender_id, creator_id=user_id, title="DPGF", kind="DPGF"
                ),
                30,
            )
            assert created.id == document_id + 1
            await asyncio.wait_for(appending, 30)
            await log.append([NewChange(document_id, user_id, 3, b"after")])
            return [data for _, data in await _stored(db)]
        finally:
            await db.close()

    stored = run_async(scenario())
    assert stored == [b"before", *(b"%d" % n for n in range(size - 1)), b"last", b"after"]
