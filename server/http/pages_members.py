"""HTML pages: "Membres" of a tender (invite, roles, removal), activity log, invitations."""

from __future__ import annotations

from typing import Any

from starlette.responses import RedirectResponse, Response

from roles import Action, Role, can
from server import membership
from server.db import accounts, invitations, members, tenders
from server.errors import AppError, CsrfRejected, NotFound
from server.http.pages_auth import LOGIN_CSRF_COOKIE
from server.http.rendering import render
from server.http.routing import PUBLIC, SIGNED_IN, Context, RouteTable
from server.http.signin import set_session_cookie, sign_in
from server.i18n import gettext
from server.security.passwords import MIN_LENGTH, hash_password
from server.security.tokens import new_token, same
from server.validation import clean_text, email_address

routes = RouteTable()
ROLES = [r.value for r in Role]


async def _members_page(
    ctx: Context, *, notice: str = "", link: str = "", error: str = "", status: int = 200
) -> Response:
    assert ctx.membership is not None
    tender = ctx.membership.tender
    db = ctx.services.db
    online = {
        conn.identity.user_id
        for conn in ctx.services.rooms.connections()
        if conn.identity.tender_id == tender.id
    }
    can_manage = can(ctx.role, Action.MEMBER_MANAGE)
    values: dict[str, Any] = {
        "tender": tender,
        "role": ctx.membership.role,
        "members": await tenders.list_members(db, tender.id),
        "online": online,
        "last_activity": await members.member_activity(db, tender.id),
        "can_manage": can_manage,
        "roles": ROLES,
        "notice": notice,
        "link": link,
        "error": error,
    }
    if can_manage:
        values["documents"] = await tenders.list_documents(db, tender.id)
        values["overrides"] = await members.document_overrides(db, tender.id)
        values["invitations"] = await invitations.pending(db, tender.id)
    return render(ctx, "members.html", values, status=status)


@routes.page("GET", "/tenders/{tender_id}/members", Action.TENDER_READ)
async def members_page(ctx: Context) -> Response:
    return await _members_page(ctx)


async def _act(ctx: Context, action: Any) -> Response:
    """Run a membership change; show its refusal on the page instead of an error page."""
    try:
        notice = await action()
    except AppError as error:
        return await _members_page(ctx, error=gettext(error.message), status=error.status)
    return await _members_page(ctx, notice=notice)


@routes.page("POST", "/tenders/{tender_id}/members", Action.MEMBER_MANAGE)
async def invite(ctx: Context) -> Response:
    assert ctx.membership is not None
    form = await ctx.form()
    try:
        result = await membership.invite(
            ctx.services,
            ctx.membership.tender,
            ctx.user,
            email=form.get("email", ""),
            role=form.get("role"),
            request_base=str(ctx.request.base_url),
        )
    except AppError as error:
        return await _members_page(ctx, error=gettext(error.message), status=error.status)
    if result.added:
        return await _members_page(ctx, notice=gettext("The member was added and notified."))
    notice = gettext("Invitation created. Send this link to the person you invite:")
    return await _members_page(ctx, notice=notice, link=result.url or "")


@routes.page("POST", "/tenders/{tender_id}/members/{user_id}/role", Action.MEMBER_MANAGE)
async def change_role(ctx: Context) -> Response:
    assert ctx.membership is not None
    form = await ctx.form()
    tender_id = ctx.membership.tender.id

    async def run() -> str:
        await membership.change_role(
            ctx.services, tender_id, ctx.user, ctx.path_int("user_id"), form.get("role")
        )
        return gettext("The role was changed.")

    return await _act(ctx, run)


@routes.page("POST", "/tenders/{tender_id}/members/{user_id}/remove", Action.MEMBER_MANAGE)
async def remove(ctx: Context) -> Response:
    assert ctx.membership is not None
    tender_id = ctx.membership.tender.id

    async def run() -> str:
        await membership.remove(ctx.services, tender_id, ctx.user, ctx.path_int("user_id"))
        return gettext("The member was removed.")

    return await _act(ctx, run)


@routes.page("POST", "/tenders/{tender_id}/members/{user_id}/document-role", Action.MEMBER_MANAGE)
async def document_role(ctx: Context) -> Response:
    assert ctx.membership is not None
    form = await ctx.form()
    raw = form.get("document_id", "")
    document = None
    if raw.isdigit():
        access = await tenders.get_document_access(ctx.services.db, int(raw), ctx.user.id)
        if access is not None and access[0].tender_id == ctx.membership.tender.id:
            document = access[0]
    if document is None:
        raise NotFound()

    async def run() -> str:
        assert document is not None
        await membership.set_document_role(
            ctx.services, document, ctx.user, ctx.path_int("user_id"), form.get("role") or None
        )
        return gettext("The role on this document was changed.")

    return await _act(ctx, run)


@routes.page(
    "POST", "/tenders/{tender_id}/invitations/{invitation_id}/revoke", Action.MEMBER_MANAGE
)
async def revoke(ctx: Context) -> Response:
    assert ctx.membership is not None
    await membership.revoke_invitation(
        ctx.services, ctx.membership.tender.id, ctx.user, ctx.request.path_params["invitation_id"]
    )
    return await _members_page(ctx, notice=gettext("The invitation was revoked."))


@routes.page("GET", "/tenders/{tender_id}/activity", Action.MEMBER_MANAGE)
async def activity_page(ctx: Context) -> Response:
    assert ctx.membership is not None
    entries = await members.list_activity(ctx.services.db, ctx.membership.tender.id)
    return render(ctx, "activity.html", {"tender": ctx.membership.tender, "entries": entries})


# -- following an invitation link ------------------------------------------------------


def _client(ctx: Context) -> str:
    return ctx.request.client.host if ctx.request.client else "?"


async def _invitation_page(
    ctx: Context, *, error: str = "", values: dict[str, str] | None = None, status: int = 200
) -> Response:
    token = ctx.request.path_params["token"]
    found = await membership.find_invitation(ctx.services, token, _client(ctx))
    login_csrf = ctx.request.cookies.get(LOGIN_CSRF_COOKIE) or new_token()
    response = render(
        ctx,
        "invitation.html",
        {
            "invitation": found,
            "token": token,
            "login_csrf": login_csrf,
            "error": error,
            "values": values or {"email": found.email or ""},
            "min_length": MIN_LENGTH,
        },
        status=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        login_csrf,
        httponly=True,
        samesite="strict",
        path="/invitations",
        secure=ctx.services.settings.secure_cookies,
    )
    return response


@routes.page("GET", "/invitations/{token}", PUBLIC)
async def invitation(ctx: Context) -> Response:
    # A GET never accepts: mail scanners open links by themselves.
    return await _invitation_page(ctx)


@routes.page("POST", "/invitations/{token}/accept", SIGNED_IN)
async def accept(ctx: Context) -> Response:
    found = await membership.find_invitation(
        ctx.services, ctx.request.path_params["token"], _client(ctx)
    )
    tender_id = await membership.accept(ctx.services, found, ctx.user)
    return RedirectResponse(f"/tenders/{tender_id}", status_code=303)


@routes.page("POST", "/invitations/{token}/register", PUBLIC, csrf=False)
async def register(ctx: Context) -> Response:
    form = await ctx.form()
    if not same(form.get("csrf_token"), ctx.request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise CsrfRejected()
    token = ctx.request.path_params["token"]
    found = await membership.find_invitation(ctx.services, token, _client(ctx))
    name = clean_text(form.get("name"), limit=200)
    email = email_address(form.get("email"))
    password = form.get("password", "")
    values = {"name": form.get("name", ""), "email": form.get("email", "")}
    if not name or email is None or len(password) < MIN_LENGTH or len(password) > 1024:
        message = gettext(
            "Give your name, a valid e-mail address and a password of at least %(n)s characters."
        ) % {"n": MIN_LENGTH}
        return await _invitation_page(ctx, error=message, values=values, status=422)
    try:
        await accounts.create_user(
            ctx.services.db, email=email, name=name, password_hash=hash_password(password)
        )
    except accounts.EmailTaken:
        message = gettext("An account already uses this address: sign in to accept.")
        return await _invitation_page(ctx, error=message, values=values, status=409)
    user, cookie, _csrf = await sign_in(ctx, email, password)
    tender_id = await membership.accept(ctx.services, found, user)
    response = RedirectResponse(f"/tenders/{tender_id}", status_code=303)
    set_session_cookie(ctx, response, cookie)
    return response
