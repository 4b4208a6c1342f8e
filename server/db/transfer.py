"""Copy a whole installation from one database to another (SQLite → PostgreSQL).

The target is migrated first, then every table is copied in foreign-key order (parents
before children, rows in primary-key order so a reply follows its parent), then each
PostgreSQL sequence is moved past the highest copied id so new rows do not collide.
Everything is copied in one target transaction: a failed copy leaves the target empty.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Integer, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from server.db.engine import Database
from server.db.schema import metadata

CHUNK = 2000


class TargetNotEmpty(RuntimeError):
    """The target database already holds an installation."""


def tables() -> list[Table]:
    """Every table of the schema, parents first."""
    return list(metadata.sorted_tables)


async def copy_database(
    source: Database, target: Database, progress: Callable[[str, int], None] = lambda t, n: None
) -> dict[str, int]:
    """Copy every row of `source` into the migrated, empty `target`; rows per table."""
    await target.migrate()
    copied: dict[str, int] = {}
    async with source.read() as src, target.begin() as dst:
        for table in tables():
            if await dst.scalar(select(func.count()).select_from(table)):
                raise TargetNotEmpty(f"the target already has rows in {table.name}")
        for table in tables():
            copied[table.name] = await _copy_table(src, dst, table)
            progress(table.name, copied[table.name])
        if not target.is_sqlite:
            await _fix_sequences(dst)
    return copied


async def _copy_table(src: AsyncConnection, dst: AsyncConnection, table: Table) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    count = 0
    result = await src.stream(select(table).order_by(*order))
    async for chunk in result.mappings().partitions(CHUNK):
        await dst.execute(table.insert(), [dict(row) for row in chunk])
        count += len(chunk)
    return count


async def _fix_sequences(dst: AsyncConnection) -> None:
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue  # composite or text keys have no sequence
        top = await dst.scalar(select(func.max(key[0])))
        await dst.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, :column), :next, false)"),
            {"table": table.name, "column": key[0].name, "next": int(top or 0) + 1},
        )


async def row_counts(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        return {
            table.name: int(await conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in tables()
        }
