"""JSON API: import a DOCX, ODT, HTML or Markdown file as a new document or into an empty one."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, Response

from roles import Action
from server.db import tenders
from server.errors import CsrfRejected, InvalidInput, TooLarge
from server.export import importer
from server.http.routing import Context, RouteTable
from server.security.tokens import same
from server.validation import document_fields

routes = RouteTable()


async def upload(ctx: Context, *, csrf: str | None = None) -> tuple[bytes, str, dict[str, str]]:
    """The uploaded file (its bytes and name) and the other form fields; with `csrf`, the
    form's token is checked before anything else is looked at."""
    length = int(ctx.request.headers.get("content-length") or 0)
    if length > importer.MAX_UPLOAD_BYTES + 64 * 1024:
        raise TooLarge("The file is too large (10 MB at most).")
    form = await ctx.request.form(max_files=1, max_fields=20)
    token = form.get("csrf_token")
    if csrf is not None and not (isinstance(token, str) and same(token, csrf)):
        raise CsrfRejected()
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise InvalidInput({"file": "Choose a DOCX, ODT, HTML or Markdown file."})
    data = await file.read(importer.MAX_UPLOAD_BYTES + 1)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return data, file.filename, fields


async def import_new(ctx: Context, data: bytes, filename: str, fields: dict[str, str]) -> Any:
    """Read the file first, then create the document: a bad file creates nothing."""
    assert ctx.membership is not None
    title = fields.get("title") or filename.rsplit(".", 1)[0]
    clean = document_fields({"title": title, "kind": fields.get("kind") or "other"})
    imported = await importer.read_file(data, filename)
    document = await tenders.create_document(
        ctx.services.db,
        tender_id=ctx.membership.tender.id,
        creator_id=ctx.user.id,
        title=clean["title"],
        kind=clean["kind"],
    )
    try:
        await importer.write_into(ctx.services, document.id, imported, ctx.user.id)
    except BaseException:
        await tenders.delete_document(ctx.services.db, document.id)  # nothing half-made
        raise
    return document, imported


@routes.api("POST", "/api/tenders/{tender_id}/imports", Action.DOCUMENT_MANAGE)
async def import_document(ctx: Context) -> Response:
    data, filename, fields = await upload(ctx)
    document, imported = await import_new(ctx, data, filename, fields)
    return JSONResponse(
        {"document": document.to_json(), "report": imported.report_json()}, status_code=201
    )


@routes.api("POST", "/api/documents/{document_id}/import", Action.DOCUMENT_EDIT)
async def import_into(ctx: Context) -> Response:
    assert ctx.document is not None
    data, filename, _fields = await upload(ctx)
    imported = await importer.read_file(data, filename)
    await importer.write_into(ctx.services, ctx.document.id, imported, ctx.user.id)
    return JSONResponse({"document": ctx.document.to_json(), "report": imported.report_json()})
