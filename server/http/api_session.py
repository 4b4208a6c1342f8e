"""JSON API: sign in (`POST /api/session`), who am I, sign out."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from server.http.routing import PUBLIC, SIGNED_IN, Context, RouteTable
from server.http.signin import set_session_cookie, sign_in, sign_out

routes = RouteTable()


def _user_json(user: object) -> dict[str, object]:
    return {"id": user.id, "email": user.email, "name": user.name}  # type: ignore[attr-defined]


@routes.api("POST", "/api/session", PUBLIC, csrf=False)
async def create_session(ctx: Context) -> Response:
    data = await ctx.json()
    user, token, csrf = await sign_in(ctx, data.get("email"), data.get("password"))
    response = JSONResponse({"user": _user_json(user), "csrf_token": csrf})
    set_session_cookie(ctx, response, token)
    return response


@routes.api("GET", "/api/session", SIGNED_IN)
async def read_session(ctx: Context) -> Response:
    assert ctx.session is not None
    return JSONResponse({"user": _user_json(ctx.user), "csrf_token": ctx.session.csrf_token})


@routes.api("DELETE", "/api/session", SIGNED_IN)
async def delete_session(ctx: Context) -> Response:
    await sign_out(ctx)
    response = Response(status_code=204)
    set_session_cookie(ctx, response, None)
    return response
