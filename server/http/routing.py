"""Route declarations, and the one place where every HTTP request is checked.

Each route declares who may call it: `PUBLIC`, `SIGNED_IN`, or an `Action` that the
caller's role on the tender (or document) named in the path must grant. The wrapper built
here resolves the session, verifies the CSRF token on every state-changing request, loads
the membership, asks `roles.can()`, and maps refusals to JSON (API) or HTML (pages).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from roles import Action, Role, SiteAction, can, parse_role, site_can
from roles.workflow import permits
from server.db import accounts, comments, members, tenders
from server.errors import (
    AppError,
    CsrfRejected,
    Forbidden,
    Frozen,
    NotFound,
    NotSignedIn,
    TooLarge,
)
from server.i18n import gettext, pick_language, set_language
from server.security.tokens import same, token_hash

log = logging.getLogger("wikimarche.http")

PUBLIC = "public"
SIGNED_IN = "signed_in"
ADMIN = "admin"  # a site administrator
SESSION_COOKIE = "wm_session"
LANGUAGE_COOKIE = "wm_lang"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_JSON_BYTES = 1024 * 1024

Access = str | Action | SiteAction


@dataclass
class Context:
    """What a handler knows about the caller once the checks have passed."""

    request: Request
    session: accounts.Session | None = None
    membership: tenders.Membership | None = None
    document: tenders.Document | None = None
    role: Role | None = None
    language: str = "fr"
    unread: int = 0  # unread notifications, shown by the bell of every page

    @property
    def user(self) -> accounts.User:
        if self.session is None:
            raise NotSignedIn()
        return self.session.user

    def path_int(self, name: str) -> int:
        """An integer from the URL path; anything else is an unknown page (404)."""
        value = _path_id(self, name)
        if value is None:
            raise NotFound()
        return value

    @property
    def services(self) -> Any:
        return self.request.app.state.services

    async def json(self) -> dict[str, Any]:
        body = await self.request.body()
        if len(body) > MAX_JSON_BYTES:
            raise TooLarge()
        try:
            data = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise AppError(
                gettext("The request body is not valid JSON."), code="invalid_json"
            ) from None
        if not isinstance(data, dict):
            raise AppError(gettext("A JSON object is expected."), code="invalid_json")
        return data

    async def form(self) -> dict[str, str]:
        if int(self.request.headers.get("content-length") or 0) > MAX_JSON_BYTES:
            raise TooLarge()
        form = await self.request.form(max_files=0, max_fields=200)
        return {k: v for k, v in form.items() if isinstance(v, str)}


Handler = Callable[[Context], Awaitable[Response]]


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    access: Access
    handler: Handler
    kind: str  # "api" or "page"
    csrf: bool = True


@dataclass
class RouteTable:
    """The routes of one module, declared with their access rule."""

    specs: list[RouteSpec] = field(default_factory=list)

    def api(self, method: str, path: str, access: Access, *, csrf: bool = True) -> Any:
        return self._add("api", method, path, access, csrf)

    def page(self, method: str, path: str, access: Access, *, csrf: bool = True) -> Any:
        return self._add("page", method, path, access, csrf)

    def _add(self, kind: str, method: str, path: str, access: Access, csrf: bool) -> Any:
        def decorate(handler: Handler) -> Handler:
            self.specs.append(RouteSpec(method, path, access, handler, kind, csrf))
            return handler

        return decorate


def build_routes(tables: list[RouteTable]) -> list[Route]:
    return [
        Route(spec.path, _endpoint(spec), methods=[spec.method], name=spec.handler.__name__)
        for table in tables
        for spec in table.specs
    ]


def _endpoint(spec: RouteSpec) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        ctx = request_context(request)
        try:
            await _check(spec, ctx)
            if spec.kind == "page":
                await count_unread(ctx)
            return await spec.handler(ctx)
        except AppError as error:
            return refusal(spec.kind, ctx, error)

    return endpoint


def request_context(request: Request) -> Context:
    """A new request's context, in the language its reader chose (French otherwise)."""
    language = pick_language(
        request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
    )
    set_language(language)
    return Context(request, language=language)


async def count_unread(ctx: Context) -> None:
    """What the bell in every page's header shows: the reader's unread notifications."""
    if ctx.session is not None:
        ctx.unread = await comments.unread_count(ctx.services.db, ctx.user.id)


async def current_session(request: Request) -> accounts.Session | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or len(cookie) > 200:
        return None
    return await accounts.get_session(request.app.state.services.db, token_hash(cookie))


async def _check(spec: RouteSpec, ctx: Context) -> None:
    if spec.access == PUBLIC:
        ctx.session = await current_session(ctx.request)
        return
    ctx.session = await current_session(ctx.request)
    if ctx.session is None:
        raise NotSignedIn()
    if spec.csrf and ctx.request.method not in SAFE_METHODS:
        await _check_csrf(spec, ctx)
    if spec.access == ADMIN and not ctx.user.is_admin:
        raise NotFound()  # the administration is not advertised to others
    if isinstance(spec.access, SiteAction):
        user = ctx.user
        flags = {"is_admin": user.is_admin, "is_curator": user.is_curator, "is_active": True}
        if not site_can(spec.access, **flags):
            raise Forbidden()
    if isinstance(spec.access, Action):
        await _check_action(spec.access, ctx)


async def _check_csrf(spec: RouteSpec, ctx: Context) -> None:
    assert ctx.session is not None
    sent = ctx.request.headers.get("x-csrf-token")
    if sent is None and spec.kind == "page":
        sent = (await ctx.form()).get("csrf_token")
    if not same(sent, ctx.session.csrf_token):
        raise CsrfRejected()


def _path_id(ctx: Context, name: str) -> int | None:
    raw = ctx.request.path_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound()
    return int(raw)


async def _check_action(action: Action, ctx: Context) -> None:
    db = ctx.services.db
    user_id = ctx.user.id
    document_id = _path_id(ctx, "document_id")
    tender_id = _path_id(ctx, "tender_id")
    comment_id = _path_id(ctx, "comment_id")
    if comment_id is not None:
        document_id = await comments.document_of(db, comment_id)
        if document_id is None:
            raise NotFound()
    if document_id is not None:
        access = await tenders.get_document_access(db, document_id, user_id)
        if access is None:
            raise NotFound()
        ctx.document, ctx.membership = access
    elif tender_id is not None:
        ctx.membership = await tenders.get_membership(db, tender_id, user_id)
        if ctx.membership is None:
            raise NotFound()
    else:
        raise RuntimeError("an Action route needs a tender, document or comment id in its path")
    ctx.role = parse_role(ctx.membership.role)
    if not can(ctx.role, action):
        await members.log_activity(
            db,
            ctx.membership.tender.id,
            user_id,
            "access_refused",
            action=action.value,
            path=ctx.request.url.path,
        )
        raise Forbidden()
    if not permits(ctx.membership.tender.status, action):
        raise Frozen()


def refusal(kind: str, ctx: Context, error: AppError) -> Response:
    """An expected refusal as the caller reads it: JSON for the API, a page otherwise."""
    message = gettext(error.message)
    if kind == "api":
        body: dict[str, Any] = {"error": {"code": error.code, "message": message}}
        fields = getattr(error, "errors", None)
        if fields:
            body["error"]["fields"] = {k: gettext(v) for k, v in fields.items()}
        headers = (
            {"Retry-After": str(error.details["retry_after"])}
            if "retry_after" in (error.details)
            else None
        )
        return JSONResponse(body, status_code=error.status, headers=headers)
    if isinstance(error, NotSignedIn):
        target = quote(ctx.request.url.path, safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)
    from server.http.rendering import render

    return render(ctx, "error.html", {"error": error, "message": message}, status=error.status)
