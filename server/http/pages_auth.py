"""HTML pages: sign in, sign out, language choice."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from server.errors import AppError, CsrfRejected
from server.http.rendering import render
from server.http.routing import LANGUAGE_COOKIE, PUBLIC, SIGNED_IN, Context, RouteTable
from server.http.signin import set_session_cookie, sign_in, sign_out
from server.i18n import LANGUAGES, gettext
from server.security.tokens import new_token, same

routes = RouteTable()
LOGIN_CSRF_COOKIE = "wm_login_csrf"


def _safe_next(value: str | None) -> str:
    # Only local paths: never an open redirect to another site.
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/tenders"


def _login_page(ctx: Context, *, error: str = "", email: str = "", status: int = 200) -> Response:
    token = ctx.request.cookies.get(LOGIN_CSRF_COOKIE) or new_token()
    response = render(
        ctx,
        "login.html",
        {
            "login_csrf": token,
            "error": error,
            "email": email,
            "next": _safe_next(ctx.request.query_params.get("next")),
        },
        status=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path="/login",
        secure=ctx.services.settings.secure_cookies,
    )
    return response


@routes.page("GET", "/", PUBLIC)
async def home(ctx: Context) -> Response:
    return RedirectResponse("/tenders" if ctx.session else "/login", status_code=303)


@routes.page("GET", "/login", PUBLIC)
async def login_form(ctx: Context) -> Response:
    if ctx.session is not None:
        return RedirectResponse("/tenders", status_code=303)
    return _login_page(ctx)


@routes.page("POST", "/login", PUBLIC, csrf=False)
async def login(ctx: Context) -> Response:
    form = await ctx.form()
    # Login CSRF: a double-submit token, since there is no session yet.
    if not same(form.get("csrf_token"), ctx.request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise CsrfRejected()
    email = form.get("email", "")
    try:
        _user, token, _csrf = await sign_in(ctx, email, form.get("password", ""))
    except AppError as error:
        return _login_page(ctx, error=gettext(error.message), email=email, status=error.status)
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    set_session_cookie(ctx, response, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@routes.page("POST", "/logout", SIGNED_IN)
async def logout(ctx: Context) -> Response:
    await sign_out(ctx)
    response = RedirectResponse("/login", status_code=303)
    set_session_cookie(ctx, response, None)
    return response


@routes.page("POST", "/language", PUBLIC, csrf=False)
async def choose_language(ctx: Context) -> Response:
    # Changing the display language is harmless, so it needs no CSRF token.
    form = await ctx.form()
    language = form.get("language", "fr")
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    if language in LANGUAGES:
        # Read by the server only: HttpOnly like every cookie, Secure behind https.
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 86400,
            samesite="lax",
            path="/",
            httponly=True,
            secure=ctx.services.settings.secure_cookies,
        )
    return response
