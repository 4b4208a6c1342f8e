"""JSON API: tenders and their members."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from roles import Action
from server import dce
from server.db import tenders
from server.http.routing import SIGNED_IN, Context, RouteTable
from server.sync.protocol import CloseCode
from server.sync.rooms import Selector
from server.validation import tender_fields

routes = RouteTable()


def tender_json(membership: tenders.Membership) -> dict[str, object]:
    return {**membership.tender.to_json(), "role": membership.role}


@routes.api("GET", "/api/tenders", SIGNED_IN)
async def list_tenders(ctx: Context) -> Response:
    memberships = await tenders.list_memberships(ctx.services.db, ctx.user.id)
    return JSONResponse([tender_json(m) for m in memberships])


@routes.api("POST", "/api/tenders", SIGNED_IN)
async def create_tender(ctx: Context) -> Response:
    data = await ctx.json()
    start = {key: data.pop(key, None) for key in ("template", "copy_from")}
    fields = tender_fields(data)
    template, source = await dce.check_start(ctx.services, ctx.user.id, start)
    tender = await tenders.create_tender(ctx.services.db, creator_id=ctx.user.id, fields=fields)
    await dce.populate(ctx.services, tender.id, ctx.user.id, template, source)
    return JSONResponse({**tender.to_json(), "role": "manager"}, status_code=201)


@routes.api("GET", "/api/tenders/{tender_id}", Action.TENDER_READ)
async def read_tender(ctx: Context) -> Response:
    assert ctx.membership is not None
    return JSONResponse(tender_json(ctx.membership))


@routes.api("PATCH", "/api/tenders/{tender_id}", Action.TENDER_SETTINGS)
async def update_tender(ctx: Context) -> Response:
    assert ctx.membership is not None
    fields = tender_fields(await ctx.json(), partial=True)
    db = ctx.services.db
    if fields:
        await tenders.update_tender(db, ctx.membership.tender.id, fields)
    updated = await tenders.get_membership(db, ctx.membership.tender.id, ctx.user.id)
    assert updated is not None
    return JSONResponse(tender_json(updated))


@routes.api("DELETE", "/api/tenders/{tender_id}", Action.TENDER_DELETE)
async def delete_tender(ctx: Context) -> Response:
    assert ctx.membership is not None
    tender_id = ctx.membership.tender.id
    await tenders.delete_tender(ctx.services.db, tender_id)
    ctx.services.rooms.close_matching(
        Selector(tender_id=tender_id), CloseCode.NOT_FOUND, "tender deleted"
    )
    return Response(status_code=204)


@routes.api("GET", "/api/tenders/{tender_id}/members", Action.TENDER_READ)
async def list_members(ctx: Context) -> Response:
    assert ctx.membership is not None
    rows = await tenders.list_members(ctx.services.db, ctx.membership.tender.id)
    return JSONResponse(
        [
            {"user_id": r["user_id"], "email": r["email"], "name": r["name"], "role": r["role"]}
            for r in rows
        ]
    )
