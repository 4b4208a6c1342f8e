"""Import a DOCX, ODT, HTML or Markdown file as a document's content.

Pandoc reads the file into its JSON tree (in a child process, with limits), `ast_blocks`
maps it to our blocks and counts what the editor cannot hold, and the blocks are written
through the live room as one server update, so open editors see the text at once and the
change log keeps it like any edit. A file that cannot be read changes nothing.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from pycrdt import Doc, XmlFragment

import versions
from server.errors import AppError, Conflict, InvalidInput, TooLarge
from server.export import ast_blocks, convert
from server.i18n import gettext

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
READERS = {
    "docx": "docx",
    "odt": "odt",
    "html": "html",
    "htm": "html",
    "md": "markdown",
    "markdown": "markdown",
}
_ZIP_MAGIC = b"PK\x03\x04"


class UnreadableFile(AppError):
    status = 422
    code = "unreadable_file"
    message = "This file could not be read: check that it is a DOCX, ODT, HTML or Markdown file."


@dataclass(frozen=True)
class Imported:
    blocks: list[versions.Block]
    report: ast_blocks.Report

    def report_json(self) -> dict[str, Any]:
        return {"unsupported": dict(self.report), "message": report_message(self.report)}


def report_message(report: ast_blocks.Report) -> str:
    """A French (or current language) sentence listing what was not imported as is."""
    if not report:
        return gettext("Everything was imported.")
    parts = [f"{count} {gettext(kind)}" for kind, count in sorted(report.items())]
    return gettext("Imported, except: %(parts)s.") % {"parts": ", ".join(parts)}


def reader_for(filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower().lstrip(".")
    reader = READERS.get(suffix)
    if reader is None:
        raise InvalidInput({"file": "Choose a DOCX, ODT, HTML or Markdown file."})
    return reader


async def read_file(data: bytes, filename: str) -> Imported:
    """The blocks of an uploaded file, and what could not be kept."""
    if not data:
        raise InvalidInput({"file": "The file is empty."})
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge("The file is too large (10 MB at most).")
    reader = reader_for(filename)
    if reader in ("docx", "odt") and not data.startswith(_ZIP_MAGIC):
        raise UnreadableFile()
    if reader in ("html", "markdown"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableFile() from None
    try:
        raw = await convert.pandoc(data, reader, "json")
    except convert.ConversionFailed as error:
        if error.code == "conversion_failed":
            raise UnreadableFile() from None
        raise
    blocks, report = await asyncio.to_thread(lambda: ast_blocks.convert(json.loads(raw)))
    return Imported(blocks, report)


def _update_of(blocks: list[versions.Block]) -> bytes:
    scratch: Doc = Doc()
    versions.write_blocks(scratch.get("content", type=XmlFragment), blocks)
    return scratch.get_update()


def is_empty(doc: Doc) -> bool:
    blocks = versions.read_blocks(doc.get("content", type=XmlFragment))
    return len(blocks) <= 1 and all(not b.text.strip() and not b.children for b in blocks)


async def write_into(services: Any, document_id: int, imported: Imported, user_id: int) -> None:
    """Write the imported blocks into an empty document, as one change by `user_id`."""
    update = await asyncio.to_thread(_update_of, imported.blocks)
    room = await services.rooms.open(document_id)
    try:
        # No await between the check and the write: nobody can type in between.
        if not is_empty(room.doc):
            raise Conflict("The document is not empty: import into a new document instead.")
        if room.stored_bytes + len(update) > services.settings.max_document_bytes:
            raise TooLarge("The imported text is larger than a document may be.")
        room.doc.apply_update(update)
        room.apply_server_update(update, author_id=user_id)
        await services.writer.flush()
    finally:
        services.rooms.release_if_idle(room)
