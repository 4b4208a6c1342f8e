"""HTML pages for site administrators: accounts and the e-mail outbox."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from server import administration
from server.db import accounts, outbox
from server.errors import AppError, InvalidInput
from server.http.rendering import render
from server.http.routing import ADMIN, Context, RouteTable
from server.i18n import gettext

routes = RouteTable()


async def _users_page(
    ctx: Context, *, notice: str = "", secret: str = "", error: str = "", status: int = 200
) -> Response:
    values: dict[str, Any] = {
        "users": await accounts.list_users(ctx.services.db),
        "notice": notice,
        "secret": secret,
        "error": error,
    }
    return render(ctx, "admin_users.html", values, status=status)


@routes.page("GET", "/admin", ADMIN)
async def users_page(ctx: Context) -> Response:
    return await _users_page(ctx)


@routes.page("POST", "/admin/users", ADMIN)
async def create(ctx: Context) -> Response:
    form = await ctx.form()
    try:
        user, generated = await administration.create_account(
            ctx.services, email=form.get("email"), name=form.get("name")
        )
    except InvalidInput as invalid:
        message = " ".join(gettext(m) for m in invalid.errors.values())
        return await _users_page(ctx, error=message, status=422)
    except AppError as error:
        return await _users_page(ctx, error=gettext(error.message), status=error.status)
    notice = gettext("Account created for %(name)s. Temporary password:") % {"name": user.name}
    return await _users_page(ctx, notice=notice, secret=generated or "")


@routes.page("POST", "/admin/users/{user_id}/flags", ADMIN)
async def flags(ctx: Context) -> Response:
    form = await ctx.form()
    changes = {name: form.get(name) == "1" for name in administration.FLAGS if name in form}
    try:
        await administration.set_flags(ctx.services, ctx.user, ctx.path_int("user_id"), changes)
    except AppError as error:
        return await _users_page(ctx, error=gettext(error.message), status=error.status)
    return await _users_page(ctx, notice=gettext("The account was updated."))


@routes.page("POST", "/admin/users/{user_id}/password", ADMIN)
async def password(ctx: Context) -> Response:
    secret = await administration.reset_password(ctx.services, ctx.path_int("user_id"))
    return await _users_page(ctx, notice=gettext("New temporary password:"), secret=secret)


@routes.page("GET", "/admin/outbox", ADMIN)
async def outbox_page(ctx: Context) -> Response:
    return render(ctx, "admin_outbox.html", {"messages": await outbox.recent(ctx.services.db)})
