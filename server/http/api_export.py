"""JSON API and downloads: export of a document, and of the whole DCE as a zip."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import JSONResponse, Response

from roles import Action
from server.errors import AppError, NotFound
from server.export import dce, documents
from server.export.dce_zip import Job
from server.http.routing import Context, RouteTable

routes = RouteTable()


def download(data: bytes, filename: str, media_type: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


@routes.api("GET", "/api/documents/{document_id}/export", Action.DOCUMENT_READ)
async def export_document(ctx: Context) -> Response:
    assert ctx.document is not None and ctx.membership is not None
    query = ctx.request.query_params
    fmt = documents.clean_format(query.get("format"))
    version = documents.clean_version(query.get("version"))
    async with ctx.services.export_jobs.gate:
        exported = await documents.export_document(
            ctx.services,
            ctx.membership.tender,
            ctx.document,
            fmt,
            version=version,
            with_comments=query.get("comments") in ("1", "true", "on"),
            user_id=ctx.user.id,
            role=ctx.role,
        )
    return download(exported.data, exported.filename, exported.media_type)


@routes.api("POST", "/api/tenders/{tender_id}/exports", Action.TENDER_READ)
async def start_export(ctx: Context) -> Response:
    assert ctx.membership is not None
    job = await dce.start(
        ctx.services, ctx.membership.tender, ctx.user.id, ctx.role, await ctx.json()
    )
    return JSONResponse(job.to_json(), status_code=202)


def _job(ctx: Context) -> Job:
    assert ctx.membership is not None
    job_id = ctx.request.path_params["job_id"]
    job = ctx.services.export_jobs.get(job_id, ctx.membership.tender.id)
    if job is None:
        raise NotFound()
    return job


@routes.api("GET", "/api/tenders/{tender_id}/exports/{job_id}", Action.TENDER_READ)
async def export_progress(ctx: Context) -> Response:
    return JSONResponse(_job(ctx).to_json())


@routes.api("GET", "/api/tenders/{tender_id}/exports/{job_id}/file", Action.TENDER_READ)
async def export_file(ctx: Context) -> Response:
    job = _job(ctx)
    if job.state != "done":
        raise AppError("The export is not ready yet.", code="not_ready")
    return download(job.data, job.filename, "application/zip")
