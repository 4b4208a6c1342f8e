"""JSON API: members, per-document roles, invitations, the activity log."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from roles import Action
from server import membership
from server.db import invitations, members
from server.http.routing import SIGNED_IN, Context, RouteTable

routes = RouteTable()


def _base(ctx: Context) -> str:
    return str(ctx.request.base_url)


@routes.api("POST", "/api/tenders/{tender_id}/members", Action.MEMBER_MANAGE)
async def add_member(ctx: Context) -> Response:
    assert ctx.membership is not None
    data = await ctx.json()
    result = await membership.invite(
        ctx.services,
        ctx.membership.tender,
        ctx.user,
        email=data.get("email"),
        role=data.get("role"),
        request_base=_base(ctx),
    )
    if result.added:
        return JSONResponse({"user_id": result.user_id, "role": data["role"]}, status_code=201)
    return JSONResponse(
        {"invited": True, "url": result.url, "expires_at": result.expires_at}, status_code=202
    )


@routes.api("PATCH", "/api/tenders/{tender_id}/members/{user_id}", Action.MEMBER_MANAGE)
async def change_role(ctx: Context) -> Response:
    assert ctx.membership is not None
    data = await ctx.json()
    user_id = ctx.path_int("user_id")
    await membership.change_role(
        ctx.services, ctx.membership.tender.id, ctx.user, user_id, data.get("role")
    )
    member = await members.get_member(ctx.services.db, ctx.membership.tender.id, user_id)
    return JSONResponse(member)


@routes.api("DELETE", "/api/tenders/{tender_id}/members/{user_id}", Action.MEMBER_MANAGE)
async def remove_member(ctx: Context) -> Response:
    assert ctx.membership is not None
    await membership.remove(
        ctx.services, ctx.membership.tender.id, ctx.user, ctx.path_int("user_id")
    )
    return Response(status_code=204)


@routes.api("PUT", "/api/documents/{document_id}/roles/{user_id}", Action.MEMBER_MANAGE)
async def document_role(ctx: Context) -> Response:
    assert ctx.document is not None
    data = await ctx.json()
    await membership.set_document_role(
        ctx.services, ctx.document, ctx.user, ctx.path_int("user_id"), data.get("role")
    )
    return JSONResponse(
        {
            "document_id": ctx.document.id,
            "user_id": ctx.path_int("user_id"),
            "role": data.get("role"),
        }
    )


@routes.api("POST", "/api/tenders/{tender_id}/invitations", Action.MEMBER_MANAGE)
async def create_invitation(ctx: Context) -> Response:
    assert ctx.membership is not None
    data = await ctx.json()
    result = await membership.invite(
        ctx.services,
        ctx.membership.tender,
        ctx.user,
        email=data.get("email"),
        role=data.get("role"),
        request_base=_base(ctx),
        link_only=True,
    )
    return JSONResponse({"url": result.url, "expires_at": result.expires_at}, status_code=201)


@routes.api("GET", "/api/tenders/{tender_id}/invitations", Action.MEMBER_MANAGE)
async def list_invitations(ctx: Context) -> Response:
    assert ctx.membership is not None
    return JSONResponse(await invitations.pending(ctx.services.db, ctx.membership.tender.id))


@routes.api("DELETE", "/api/tenders/{tender_id}/invitations/{invitation_id}", Action.MEMBER_MANAGE)
async def revoke_invitation(ctx: Context) -> Response:
    assert ctx.membership is not None
    await membership.revoke_invitation(
        ctx.services, ctx.membership.tender.id, ctx.user, ctx.request.path_params["invitation_id"]
    )
    return Response(status_code=204)


@routes.api("POST", "/api/invitations/{token}/accept", SIGNED_IN)
async def accept_invitation(ctx: Context) -> Response:
    client = ctx.request.client.host if ctx.request.client else "?"
    found = await membership.find_invitation(ctx.services, ctx.request.path_params["token"], client)
    tender_id = await membership.accept(ctx.services, found, ctx.user)
    return JSONResponse({"tender_id": tender_id, "role": found.role})


@routes.api("GET", "/api/tenders/{tender_id}/activity", Action.MEMBER_MANAGE)
async def activity(ctx: Context) -> Response:
    assert ctx.membership is not None
    return JSONResponse(await members.list_activity(ctx.services.db, ctx.membership.tender.id))
