"""A lossless archive of a tender as one zip: `archive.json` (every row, ids of the
source instance) and two binary files holding the Yjs updates of the change log and the
encoded states of the versions, referenced by offset and length.

Importing replays nothing: the same updates are stored again under new ids, so each
document, its history, versions and comment anchors (Yjs positions inside the updates)
are the same on the other instance.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from server.db import archive as stored
from server.db.engine import Database
from server.errors import AppError

FORMAT = "wikimarche-tender-archive"
VERSION = 1
MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024
_BINARY = {"changes": ("data", "changes.bin"), "versions": ("state", "versions.bin")}


class BadArchive(AppError):
    status = 422
    code = "bad_archive"
    message = "This file is not a Wiki-Marché tender archive."


def _pack(rows: list[dict[str, Any]], column: str, out: io.BytesIO) -> None:
    for row in rows:
        data = bytes(row.pop(column))
        row[column] = {"offset": out.tell(), "length": len(data)}
        out.write(data)


def _unpack(rows: list[dict[str, Any]], column: str, blob: bytes) -> None:
    for row in rows:
        ref = row[column]
        start, length = int(ref["offset"]), int(ref["length"])
        if start < 0 or length < 0 or start + length > len(blob):
            raise BadArchive()
        row[column] = blob[start : start + length]


async def export_tender(db: Database, tender_id: int) -> bytes:
    data = await stored.dump(db, tender_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, (column, name) in _BINARY.items():
            blob = io.BytesIO()
            _pack(data[key], column, blob)
            archive.writestr(name, blob.getvalue())
        body = {"format": FORMAT, "version": VERSION, **data}
        archive.writestr("archive.json", json.dumps(body, ensure_ascii=False, indent=1))
    return buffer.getvalue()


def read(raw: bytes) -> stored.Dump:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_ARCHIVE_BYTES:
                raise BadArchive("The archive is too large.")
            data = json.loads(archive.read("archive.json"))
            if data.get("format") != FORMAT or data.get("version") != VERSION:
                raise BadArchive()
            for key, (column, name) in _BINARY.items():
                _unpack(data[key], column, archive.read(name))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
        raise BadArchive() from None
    return dict(data)


async def import_tender(db: Database, raw: bytes, owner_id: int) -> int:
    """Create a new tender from an archive; `owner_id` becomes one of its managers."""
    return await stored.load(db, read(raw), owner_id)
