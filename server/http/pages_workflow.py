"""HTML forms of the tender page's "Validation et publication" section."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from roles import Action
from server import workflow
from server.errors import AppError, TooLarge
from server.http.pages_tenders import tender_page
from server.http.routing import MAX_JSON_BYTES, Context, RouteTable

routes = RouteTable()


async def _fields(ctx: Context) -> tuple[dict[str, str], list[int]]:
    if int(ctx.request.headers.get("content-length") or 0) > MAX_JSON_BYTES:
        raise TooLarge()
    form = await ctx.request.form(max_files=0, max_fields=500)
    reviewers = [int(v) for v in form.getlist("reviewer") if isinstance(v, str) and v.isdigit()]
    return {k: v for k, v in form.items() if isinstance(v, str)}, reviewers


async def _step(ctx: Context, step: str) -> Response:
    assert ctx.membership is not None
    fields, reviewers = await _fields(ctx)
    services, membership, user_id = ctx.services, ctx.membership, ctx.user.id
    try:
        if step == "reviewers":
            await workflow.request_validation(services, membership, user_id, reviewers)
        elif step in ("approve", "changes"):
            await workflow.answer(
                services,
                membership,
                user_id,
                approve=step == "approve",
                comment=fields.get("comment"),
            )
        elif step == "publish":
            await workflow.publish(services, membership, user_id)
        elif step == "reopen":
            await workflow.reopen(services, membership, user_id)
        else:
            await workflow.archive(services, membership, user_id)
    except AppError as error:
        return await tender_page(ctx, workflow_error=error, status=error.status)
    return RedirectResponse(f"/tenders/{membership.tender.id}#workflow", status_code=303)


@routes.page("POST", "/tenders/{tender_id}/workflow/reviewers", Action.TENDER_PUBLISH)
async def request_form(ctx: Context) -> Response:
    return await _step(ctx, "reviewers")


@routes.page("POST", "/tenders/{tender_id}/workflow/approve", Action.TENDER_READ)
async def approve_form(ctx: Context) -> Response:
    return await _step(ctx, "approve")


@routes.page("POST", "/tenders/{tender_id}/workflow/changes", Action.TENDER_READ)
async def changes_form(ctx: Context) -> Response:
    return await _step(ctx, "changes")


@routes.page("POST", "/tenders/{tender_id}/workflow/publish", Action.TENDER_PUBLISH)
async def publish_form(ctx: Context) -> Response:
    return await _step(ctx, "publish")


@routes.page("POST", "/tenders/{tender_id}/workflow/reopen", Action.TENDER_PUBLISH)
async def reopen_form(ctx: Context) -> Response:
    return await _step(ctx, "reopen")


@routes.page("POST", "/tenders/{tender_id}/workflow/archive", Action.TENDER_PUBLISH)
async def archive_form(ctx: Context) -> Response:
    return await _step(ctx, "archive")
