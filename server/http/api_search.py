"""JSON API: a tender's compliance report, and search across the user's tenders."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from roles import Action
from server import compliance, memory
from server.http.routing import SIGNED_IN, Context, RouteTable

routes = RouteTable()


@routes.api("GET", "/api/tenders/{tender_id}/compliance", Action.TENDER_READ)
async def tender_compliance(ctx: Context) -> Response:
    assert ctx.membership is not None
    return JSONResponse(await compliance.report(ctx.services, ctx.membership.tender))


@routes.api("GET", "/api/search", SIGNED_IN)
async def search(ctx: Context) -> Response:
    query = ctx.request.query_params.get("q", "")[:200]
    results = await memory.search(ctx.services, ctx.user.id, query)
    return JSONResponse([result.to_json() for result in results])
