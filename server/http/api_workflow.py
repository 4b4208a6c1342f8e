"""JSON API: validation and publication of a tender."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from roles import Action
from server import workflow
from server.http.routing import Context, RouteTable

routes = RouteTable()


@routes.api("GET", "/api/tenders/{tender_id}/workflow", Action.TENDER_READ)
async def read_workflow(ctx: Context) -> Response:
    assert ctx.membership is not None
    status = await workflow.status(ctx.services, ctx.membership.tender.id)
    return JSONResponse(status.to_json())


@routes.api("POST", "/api/tenders/{tender_id}/workflow/reviewers", Action.TENDER_PUBLISH)
async def request_validation(ctx: Context) -> Response:
    assert ctx.membership is not None
    data = await ctx.json()
    status = await workflow.request_validation(
        ctx.services, ctx.membership, ctx.user.id, data.get("user_ids")
    )
    return JSONResponse(status.to_json())


@routes.api("POST", "/api/tenders/{tender_id}/workflow/answer", Action.TENDER_READ)
async def answer(ctx: Context) -> Response:
    assert ctx.membership is not None
    data = await ctx.json()
    status = await workflow.answer(
        ctx.services,
        ctx.membership,
        ctx.user.id,
        approve=data.get("approve") is True,
        comment=data.get("comment"),
    )
    return JSONResponse(status.to_json())


@routes.api("POST", "/api/tenders/{tender_id}/workflow/publish", Action.TENDER_PUBLISH)
async def publish(ctx: Context) -> Response:
    assert ctx.membership is not None
    status = await workflow.publish(ctx.services, ctx.membership, ctx.user.id)
    return JSONResponse(status.to_json())


@routes.api("POST", "/api/tenders/{tender_id}/workflow/reopen", Action.TENDER_PUBLISH)
async def reopen(ctx: Context) -> Response:
    assert ctx.membership is not None
    status = await workflow.reopen(ctx.services, ctx.membership, ctx.user.id)
    return JSONResponse(status.to_json())


@routes.api("POST", "/api/tenders/{tender_id}/workflow/archive", Action.TENDER_PUBLISH)
async def archive(ctx: Context) -> Response:
    assert ctx.membership is not None
    status = await workflow.archive(ctx.services, ctx.membership, ctx.user.id)
    return JSONResponse(status.to_json())
