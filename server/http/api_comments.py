"""JSON API: comments and private annotations of a document, notifications."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from roles import Action
from server import discussion, reanchor
from server.db import comments as stored
from server.errors import NotFound
from server.http.routing import SIGNED_IN, Context, RouteTable

routes = RouteTable()


async def _comment(ctx: Context) -> dict[str, Any]:
    raw = ctx.request.path_params["comment_id"]
    comment = await stored.get(ctx.services.db, int(raw)) if raw.isdigit() else None
    if comment is None or not discussion.visible(comment, ctx.user.id, ctx.role):
        raise NotFound()
    return comment


@routes.api("GET", "/api/documents/{document_id}/comments", Action.DOCUMENT_READ)
async def list_comments(ctx: Context) -> Response:
    assert ctx.document is not None
    return JSONResponse(
        await discussion.threads(ctx.services, ctx.document.id, ctx.user.id, ctx.role)
    )


@routes.api("POST", "/api/documents/{document_id}/comments", Action.ANNOTATION_WRITE)
async def create_comment(ctx: Context) -> Response:
    assert ctx.document is not None and ctx.membership is not None
    created = await discussion.create(
        ctx.services, ctx.document, ctx.membership, ctx.user, await ctx.json()
    )
    return JSONResponse(created, status_code=201)


@routes.api("POST", "/api/comments/{comment_id}/replies", Action.ANNOTATION_WRITE)
async def reply(ctx: Context) -> Response:
    assert ctx.document is not None and ctx.membership is not None
    parent = await _comment(ctx)
    created = await discussion.reply(
        ctx.services, ctx.document, ctx.membership, ctx.user, parent, await ctx.json()
    )
    return JSONResponse(created, status_code=201)


@routes.api("PATCH", "/api/comments/{comment_id}", Action.ANNOTATION_WRITE)
async def edit(ctx: Context) -> Response:
    assert ctx.document is not None
    comment = await _comment(ctx)
    return JSONResponse(
        await discussion.edit(
            ctx.services, ctx.document, ctx.user, ctx.role, comment, await ctx.json()
        )
    )


@routes.api("DELETE", "/api/comments/{comment_id}", Action.ANNOTATION_WRITE)
async def delete(ctx: Context) -> Response:
    assert ctx.document is not None
    await discussion.remove(ctx.services, ctx.document, ctx.user, ctx.role, await _comment(ctx))
    return Response(status_code=204)


@routes.api("POST", "/api/comments/{comment_id}/resolve", Action.ANNOTATION_WRITE)
async def resolve(ctx: Context) -> Response:
    assert ctx.document is not None
    return JSONResponse(
        await discussion.set_status(
            ctx.services, ctx.document, ctx.user, ctx.role, await _comment(ctx), "resolved"
        )
    )


@routes.api("POST", "/api/comments/{comment_id}/reopen", Action.ANNOTATION_WRITE)
async def reopen(ctx: Context) -> Response:
    assert ctx.document is not None
    return JSONResponse(
        await discussion.set_status(
            ctx.services, ctx.document, ctx.user, ctx.role, await _comment(ctx), "open"
        )
    )


@routes.api("POST", "/api/comments/{comment_id}/anchor", Action.ANNOTATION_WRITE)
async def reattach(ctx: Context) -> Response:
    """Anyone who sees a detached comment may put it back on its passage, once it is back."""
    assert ctx.document is not None
    comment = await _comment(ctx)
    return JSONResponse(
        await reanchor.reattach(
            ctx.services, ctx.document, ctx.user, ctx.role, comment, await ctx.json()
        )
    )


@routes.api("POST", "/api/comments/{comment_id}/moderate", Action.COMMENT_MODERATE)
async def moderate(ctx: Context) -> Response:
    assert ctx.document is not None
    data = await ctx.json()
    return JSONResponse(
        await discussion.moderate(
            ctx.services, ctx.document, ctx.user, ctx.role, await _comment(ctx), data.get("state")
        )
    )


@routes.api("GET", "/api/notifications", SIGNED_IN)
async def notifications(ctx: Context) -> Response:
    items = await stored.list_notifications(ctx.services.db, ctx.user.id)
    unread = sum(1 for n in items if n["read_at"] is None)
    return JSONResponse({"unread": unread, "items": items})


@routes.api("POST", "/api/notifications/read", SIGNED_IN)
async def mark_read(ctx: Context) -> Response:
    await stored.mark_read(ctx.services.db, ctx.user.id)
    return Response(status_code=204)
