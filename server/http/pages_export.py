"""HTML pages: start the DCE zip from the tender page and follow its progress; import a
file as a new document."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from roles import Action
from server.errors import AppError, CsrfRejected, NotFound
from server.export import dce
from server.http.api_import import import_new, upload
from server.http.pages_tenders import tender_page
from server.http.rendering import render
from server.http.routing import Context, RouteTable

routes = RouteTable()


@routes.page("POST", "/tenders/{tender_id}/exports", Action.TENDER_READ)
async def start_form(ctx: Context) -> Response:
    assert ctx.membership is not None
    form = await ctx.form()
    try:
        job = await dce.start(ctx.services, ctx.membership.tender, ctx.user.id, ctx.role, form)
    except AppError as error:
        return await tender_page(ctx, export_error=error, status=error.status)
    tender_id = ctx.membership.tender.id
    return RedirectResponse(f"/tenders/{tender_id}/exports/{job.id}", status_code=303)


@routes.page("GET", "/tenders/{tender_id}/exports/{job_id}", Action.TENDER_READ)
async def progress_page(ctx: Context) -> Response:
    assert ctx.membership is not None
    tender = ctx.membership.tender
    job = ctx.services.export_jobs.get(ctx.request.path_params["job_id"], tender.id)
    if job is None:
        raise NotFound()
    return render(ctx, "export_job.html", {"tender": tender, "job": job})


# The CSRF token travels in the multipart body, which the generic check does not parse.
@routes.page("POST", "/tenders/{tender_id}/imports", Action.DOCUMENT_MANAGE, csrf=False)
async def import_form(ctx: Context) -> Response:
    assert ctx.session is not None
    try:
        data, filename, fields = await upload(ctx, csrf=ctx.session.csrf_token)
        document, imported = await import_new(ctx, data, filename, fields)
    except CsrfRejected:
        raise
    except AppError as error:
        return await tender_page(ctx, import_error=error, status=error.status)
    return await tender_page(ctx, imported=(document, imported.report_json()["message"]))
