"""Export one document (current text or a version) to a file, with its cover and notes."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from roles import Role
from server import discussion, history
from server.db import tenders
from server.db import versions as stored
from server.errors import InvalidInput, NotFound
from server.export import convert
from server.export.html_doc import Export, Note, body_html, standalone_html
from server.i18n import gettext


@dataclass(frozen=True)
class ExportedFile:
    data: bytes
    filename: str
    media_type: str


def clean_format(value: Any) -> str:
    if not isinstance(value, str) or value not in convert.FORMATS:
        raise InvalidInput({"format": "Choose ODT, DOCX, PDF, HTML or Markdown."})
    return value


def clean_version(value: Any) -> int | None:
    if value in (None, "", "current"):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise InvalidInput({"version": "Unknown version."})


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")[:60] or "document"


def _date(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp).strftime("%d/%m/%Y %H:%M")


async def _notes(services: Any, document_id: int, user_id: int, role: Role | None) -> list[Note]:
    notes = []
    for thread in await discussion.threads(services, document_id, user_id, role):
        if thread["private"] or thread["moderation"] != "visible":
            continue  # an export is shared: private notes and unmoderated ones stay inside
        replies = tuple(
            (r["author"]["name"], r["body"])
            for r in thread["replies"]
            if not r["private"] and r["moderation"] == "visible"
        )
        notes.append(Note(thread["quote"], thread["author"]["name"], thread["body"], replies))
    return notes


async def _current_state(services: Any, document_id: int) -> bytes:
    room = services.rooms.rooms.get(document_id)
    if room is not None:
        return bytes(room.doc.get_update())
    loaded = await services.change_log.load(document_id)
    return await asyncio.to_thread(lambda: bytes(loaded.replay(document_id).get_update()))


def _blocks(state: bytes) -> list[Any]:
    # A Doc of its own in the worker thread: reading a large document never holds the loop.
    return history.blocks_of(history.doc_from_state(state))


async def gather(
    services: Any,
    tender: tenders.Tender,
    document: tenders.Document,
    *,
    version: int | None,
    with_comments: bool,
    user_id: int,
    role: Role | None,
) -> Export:
    """Everything an export of this document shows."""
    if version is None:
        state = await _current_state(services, document.id)
        label = gettext("Current text on %(date)s") % {"date": _date(time.time())}
    else:
        found = await stored.get_version(services.db, document.id, version)
        if found is None:
            raise NotFound()
        state = found[1]
        label = gettext("Version %(n)s of %(date)s") % {
            "n": version,
            "date": _date(found[0].created_at),
        }
    notes = await _notes(services, document.id, user_id, role) if with_comments else []
    reference = gettext("Reference: %(ref)s") % {"ref": tender.reference}
    return Export(
        tender_title=tender.title,
        reference=reference if tender.reference else "",
        title=f"{document.kind} — {document.title}" if document.kind else document.title,
        version_label=label,
        blocks=await asyncio.to_thread(_blocks, state),
        notes=notes,
    )


async def render(export: Export, fmt: str) -> bytes:
    """The file of `export` in format `fmt`, converted off the event loop."""
    if fmt == "html":
        return (await asyncio.to_thread(standalone_html, export)).encode("utf-8")
    if fmt == "pdf":
        return await convert.pdf(await asyncio.to_thread(standalone_html, export))
    html = (await asyncio.to_thread(body_html, export, pandoc=True)).encode("utf-8")
    return await convert.pandoc(html, "html", convert.FORMATS[fmt][0])


def filename(tender: tenders.Tender, document: tenders.Document, fmt: str) -> str:
    prefix = f"{slug(document.kind)}-" if document.kind else ""
    return f"{prefix}{slug(document.title)}.{convert.FORMATS[fmt][1]}"


async def export_document(
    services: Any,
    tender: tenders.Tender,
    document: tenders.Document,
    fmt: str,
    *,
    version: int | None,
    with_comments: bool,
    user_id: int,
    role: Role | None,
) -> ExportedFile:
    export = await gather(
        services,
        tender,
        document,
        version=version,
        with_comments=with_comments,
        user_id=user_id,
        role=role,
    )
    data = await render(export, fmt)
    return ExportedFile(data, filename(tender, document, fmt), convert.FORMATS[fmt][2])
