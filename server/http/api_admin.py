"""JSON API for site administrators: accounts and the e-mail outbox."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from server import administration
from server.db import accounts, outbox
from server.http.routing import ADMIN, Context, RouteTable

routes = RouteTable()


@routes.api("GET", "/api/admin/users", ADMIN)
async def list_users(ctx: Context) -> Response:
    users = await accounts.list_users(ctx.services.db)
    return JSONResponse([administration.user_json(u) for u in users])


@routes.api("POST", "/api/admin/users", ADMIN)
async def create_user(ctx: Context) -> Response:
    data = await ctx.json()
    user, generated = await administration.create_account(
        ctx.services,
        email=data.get("email"),
        name=data.get("name"),
        password=data.get("password"),
    )
    body = administration.user_json(user)
    if generated:
        body["temporary_password"] = generated
    return JSONResponse(body, status_code=201)


@routes.api("PATCH", "/api/admin/users/{user_id}", ADMIN)
async def update_user(ctx: Context) -> Response:
    user = await administration.set_flags(
        ctx.services, ctx.user, ctx.path_int("user_id"), await ctx.json()
    )
    return JSONResponse(administration.user_json(user))


@routes.api("POST", "/api/admin/users/{user_id}/password", ADMIN)
async def reset_password(ctx: Context) -> Response:
    password = await administration.reset_password(ctx.services, ctx.path_int("user_id"))
    return JSONResponse({"temporary_password": password})


@routes.api("GET", "/api/admin/outbox", ADMIN)
async def list_outbox(ctx: Context) -> Response:
    return JSONResponse(await outbox.recent(ctx.services.db))
