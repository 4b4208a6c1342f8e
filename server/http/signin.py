"""Signing in and out: password check, rate limit, session rotation, cookie."""

from __future__ import annotations

from starlette.responses import Response

from server.db import accounts
from server.errors import BadCredentials, RateLimited
from server.http.routing import SESSION_COOKIE, Context
from server.security.passwords import MAX_LENGTH, hash_password, needs_rehash, verify_password
from server.security.tokens import new_token, token_hash
from server.sync.protocol import CloseCode
from server.sync.rooms import Selector
from server.validation import email_address


async def sign_in(ctx: Context, email: object, password: object) -> tuple[accounts.User, str, str]:
    """Check credentials and open a new session: (user, cookie token, csrf token).

    A new session id is issued at every sign-in (no fixation); the previous session
    cookie of this browser, if any, is revoked.
    """
    services = ctx.services
    address = email_address(email) or ""
    client = ctx.request.client.host if ctx.request.client else "?"
    if not await services.login_limiter.hit(
        f"email:{address}"
    ) or not await services.login_limiter.hit(f"ip:{client}"):
        raise RateLimited(retry_after=60)
    if not isinstance(password, str) or len(password) > MAX_LENGTH:
        raise BadCredentials()
    found = await accounts.find_login(services.db, address) if address else None
    stored_hash = found[1] if found else None
    if not verify_password(stored_hash, password) or found is None or not found[0].is_active:
        raise BadCredentials()
    user = found[0]
    if needs_rehash(found[1]):
        await accounts.set_password_hash(services.db, user.id, hash_password(password))
    if ctx.session is not None:
        await sign_out(ctx)
    token = new_token()
    csrf = new_token()
    await accounts.create_session(
        services.db,
        token_hash=token_hash(token),
        user_id=user.id,
        csrf_token=csrf,
        lifetime=services.settings.session_days * 86400,
    )
    return user, token, csrf


async def sign_out(ctx: Context) -> None:
    """Revoke the current session everywhere, live connections included."""
    if ctx.session is None:
        return
    hashed = ctx.session.token_hash
    await accounts.delete_session(ctx.services.db, hashed)
    ctx.services.rooms.close_matching(
        Selector(session_hash=hashed), CloseCode.NOT_SIGNED_IN, "signed out"
    )


def set_session_cookie(ctx: Context, response: Response, token: str | None) -> None:
    settings = ctx.services.settings
    if token is None:
        response.delete_cookie(SESSION_COOKIE, path="/")
        return
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
