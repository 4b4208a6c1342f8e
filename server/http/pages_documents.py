"""HTML pages: the live editor of a document, renaming and deleting it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.responses import RedirectResponse, Response

from roles import Action, can
from roles.workflow import may_edit
from server import discussion
from server.db import tenders
from server.errors import InvalidInput
from server.http.rendering import render
from server.http.routing import Context, RouteTable
from server.sync.protocol import CloseCode
from server.sync.rooms import Selector
from server.validation import document_fields

routes = RouteTable()

# Caret colours with at least 4.5:1 contrast on white, for the names shown beside carets.
PALETTE = ("#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4d7c0f")


def user_color(user_id: int, members: list[dict[str, Any]]) -> str:
    """The caret colour of a member, the same in every document of the tender.

    Members take the palette in the order they joined the tender, so the first eight of a
    team never share a colour (a colour hashed from the user id gave two of the demo's four
    members the same one) and nobody's changes when someone joins later.
    """
    joined = sorted(members, key=lambda m: (m["joined_at"], m["user_id"]))
    for rank, member in enumerate(joined):
        if member["user_id"] == user_id:
            return PALETTE[rank % len(PALETTE)]
    digest = hashlib.sha256(str(user_id).encode()).digest()  # not a member: any colour
    return PALETTE[digest[0] % len(PALETTE)]


@routes.page("GET", "/documents/{document_id}", Action.DOCUMENT_READ)
async def editor(ctx: Context) -> Response:
    assert ctx.document is not None and ctx.membership is not None
    members = await tenders.list_members(ctx.services.db, ctx.membership.tender.id)
    return render(
        ctx,
        "document.html",
        {
            "document": ctx.document,
            "tender": ctx.membership.tender,
            "can_edit": may_edit(ctx.role, ctx.membership.tender.status),
            "can_comment": can(ctx.role, Action.COMMENT_CREATE),
            "can_moderate": can(ctx.role, Action.COMMENT_MODERATE),
            "color": user_color(ctx.user.id, members),
            "categories_json": json.dumps(discussion.categories(ctx.membership.tender)),
            "members_json": json.dumps([{"id": m["user_id"], "name": m["name"]} for m in members]),
        },
    )


@routes.page("GET", "/documents/{document_id}/rename", Action.DOCUMENT_MANAGE)
async def rename_form(ctx: Context) -> Response:
    assert ctx.document is not None
    return render(
        ctx,
        "document_rename.html",
        {"document": ctx.document, "values": {"title": ctx.document.title}, "errors": {}},
    )


@routes.page("POST", "/documents/{document_id}/rename", Action.DOCUMENT_MANAGE)
async def rename(ctx: Context) -> Response:
    assert ctx.document is not None
    form = await ctx.form()
    values = {"title": form.get("title", "")}
    try:
        fields = document_fields(values, partial=True)
    except InvalidInput as invalid:
        return render(
            ctx,
            "document_rename.html",
            {"document": ctx.document, "values": values, "errors": invalid.errors},
            status=422,
        )
    await tenders.update_document(ctx.services.db, ctx.document.id, title=fields["title"])
    return RedirectResponse(f"/tenders/{ctx.document.tender_id}", status_code=303)


@routes.page("GET", "/documents/{document_id}/delete", Action.DOCUMENT_MANAGE)
async def delete_confirmation(ctx: Context) -> Response:
    assert ctx.document is not None
    return render(ctx, "document_delete.html", {"document": ctx.document})


@routes.page("POST", "/documents/{document_id}/delete", Action.DOCUMENT_MANAGE)
async def delete(ctx: Context) -> Response:
    assert ctx.document is not None
    document_id = ctx.document.id
    await tenders.delete_document(ctx.services.db, document_id)
    ctx.services.rooms.close_matching(
        Selector(document_id=document_id), CloseCode.NOT_FOUND, "document deleted"
    )
    return RedirectResponse(f"/tenders/{ctx.document.tender_id}", status_code=303)
