"""JSON API: download a tender's lossless archive; import one (site administrators)."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, Response

from roles import Action
from server.db import tenders
from server.errors import InvalidInput, TooLarge
from server.export import archive
from server.export.documents import slug
from server.http.api_export import download
from server.http.routing import ADMIN, Context, RouteTable

routes = RouteTable()
MAX_UPLOAD = 200 * 1024 * 1024


@routes.api("GET", "/api/tenders/{tender_id}/archive", Action.TENDER_SETTINGS)
async def export_archive(ctx: Context) -> Response:
    assert ctx.membership is not None
    tender = ctx.membership.tender
    await ctx.services.writer.flush()
    data = await archive.export_tender(ctx.services.db, tender.id)
    return download(
        data, f"archive-{slug(tender.reference or tender.title)}.zip", "application/zip"
    )


# Importing creates accounts (inactive) for unknown authors: an administrator's decision.
@routes.api("POST", "/api/archives", ADMIN)
async def import_archive(ctx: Context) -> Response:
    if int(ctx.request.headers.get("content-length") or 0) > MAX_UPLOAD:
        raise TooLarge()
    form = await ctx.request.form(max_files=1, max_fields=5)
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise InvalidInput({"file": "Choose an archive file."})
    raw = await file.read(MAX_UPLOAD + 1)
    tender_id = await archive.import_tender(ctx.services.db, raw, ctx.user.id)
    membership = await tenders.get_membership(ctx.services.db, tender_id, ctx.user.id)
    assert membership is not None
    return JSONResponse({**membership.tender.to_json(), "role": membership.role}, status_code=201)
