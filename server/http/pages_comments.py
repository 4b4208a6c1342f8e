"""HTML pages around comments: notifications (the bell), e-mail unsubscription, the
tender's comment settings and its Atom feed."""

from __future__ import annotations

import json

from starlette.responses import Response

from roles import Action
from server import discussion
from server.db import comments as stored
from server.db import tenders
from server.errors import NotFound
from server.feed import atom
from server.http.rendering import render
from server.http.routing import PUBLIC, SIGNED_IN, Context, RouteTable
from server.i18n import gettext
from server.notifier import UNSUBSCRIBE
from server.security.tokens import new_token, token_hash, unsigned

routes = RouteTable()


@routes.page("GET", "/notifications", SIGNED_IN)
async def notifications_page(ctx: Context) -> Response:
    items = await stored.list_notifications(ctx.services.db, ctx.user.id)
    await stored.mark_read(ctx.services.db, ctx.user.id)
    return render(ctx, "notifications.html", {"items": items})


def _unsubscribe_user(ctx: Context) -> int:
    user_id = unsigned(
        ctx.services.settings.secret_key, UNSUBSCRIBE, ctx.request.path_params["token"]
    )
    if user_id is None:
        raise NotFound()
    return user_id


@routes.page("GET", "/unsubscribe/{token}", PUBLIC)
async def unsubscribe_page(ctx: Context) -> Response:
    _unsubscribe_user(ctx)
    return render(
        ctx, "unsubscribe.html", {"token": ctx.request.path_params["token"], "done": False}
    )


@routes.page("POST", "/unsubscribe/{token}", PUBLIC, csrf=False)
async def unsubscribe(ctx: Context) -> Response:
    # The signed token is the proof; a forged POST can only unsubscribe its own bearer.
    await stored.unsubscribe(ctx.services.db, _unsubscribe_user(ctx))
    return render(ctx, "unsubscribe.html", {"token": "", "done": True})


async def _settings_page(ctx: Context, *, notice: str = "", feed_url: str = "") -> Response:
    assert ctx.membership is not None
    tender = ctx.membership.tender
    return render(
        ctx,
        "comment_settings.html",
        {
            "tender": tender,
            "categories": discussion.categories(tender),
            "notice": notice,
            "feed_url": feed_url,
        },
    )


@routes.page("GET", "/tenders/{tender_id}/comment-settings", Action.TENDER_SETTINGS)
async def comment_settings(ctx: Context) -> Response:
    return await _settings_page(ctx)


@routes.page("POST", "/tenders/{tender_id}/comment-settings", Action.TENDER_SETTINGS)
async def save_comment_settings(ctx: Context) -> Response:
    assert ctx.membership is not None
    form = await ctx.form()
    names = [line.strip()[:60] for line in form.get("categories", "").splitlines()]
    names = list(dict.fromkeys(n for n in names if n))[:30] or list(discussion.DEFAULT_CATEGORIES)
    await tenders.set_comment_settings(
        ctx.services.db,
        ctx.membership.tender.id,
        moderation=form.get("moderation") == "on",
        categories_json=json.dumps(names, ensure_ascii=False),
    )
    refreshed = await tenders.get_membership(ctx.services.db, ctx.membership.tender.id, ctx.user.id)
    ctx.membership = refreshed
    return await _settings_page(ctx, notice=gettext("The settings were saved."))


@routes.page("POST", "/tenders/{tender_id}/feed", Action.TENDER_SETTINGS)
async def new_feed(ctx: Context) -> Response:
    assert ctx.membership is not None
    token = new_token()
    await tenders.set_feed_token(ctx.services.db, ctx.membership.tender.id, token_hash(token))
    url = f"{ctx.services.settings.base_url}/feeds/{token}.atom"
    return await _settings_page(
        ctx, notice=gettext("New feed address (the old one no longer works):"), feed_url=url
    )


@routes.page("GET", "/feeds/{token}.atom", PUBLIC)
async def feed(ctx: Context) -> Response:
    token = ctx.request.path_params["token"]
    tender = (
        await tenders.tender_by_feed(ctx.services.db, token_hash(token))
        if len(token) < 100
        else None
    )
    if tender is None:
        raise NotFound()
    items = await stored.for_tender_feed(ctx.services.db, tender.id)
    base = ctx.services.settings.base_url
    body = atom(tender, items, base, f"{base}/feeds/{token}.atom")
    return Response(body, media_type="application/atom+xml; charset=utf-8")
