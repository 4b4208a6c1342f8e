"""JSON API: versions of a document, diffs between them, restore."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import JSONResponse, Response

from roles import Action
from server import content, history
from server.db import versions as stored
from server.errors import InvalidInput, NotFound
from server.http.routing import Context, RouteTable
from server.validation import clean_text

routes = RouteTable()


async def version_blocks(ctx: Context, which: str) -> tuple[list[Any], str]:
    """Blocks of version `which` (a number, or "current") and a label for it."""
    assert ctx.document is not None
    if which == "current":
        doc = await content.current_doc(ctx.services, ctx.document.id)
        return history.blocks_of(doc), "current"
    if not which.isdigit() or len(which) > 9:
        raise InvalidInput({"version": "Unknown version."})
    found = await stored.get_version(ctx.services.db, ctx.document.id, int(which))
    if found is None:
        raise NotFound()
    return history.blocks_of(history.doc_from_state(found[1])), which


@routes.api("GET", "/api/documents/{document_id}/versions", Action.VERSION_READ)
async def list_versions(ctx: Context) -> Response:
    assert ctx.document is not None
    found = await stored.list_versions(ctx.services.db, ctx.document.id)
    return JSONResponse([v.to_json() for v in found])


@routes.api("POST", "/api/documents/{document_id}/versions", Action.VERSION_CREATE)
async def create_version(ctx: Context) -> Response:
    assert ctx.document is not None
    data = await ctx.json()
    label = clean_text(data.get("label"), limit=200)
    if not label:
        raise InvalidInput({"label": "A name of 1 to 200 characters is required."})
    number = await history.capture(
        ctx.services, ctx.document.id, kind="named", label=label, user_id=ctx.user.id, force=True
    )
    assert number is not None
    found = await stored.get_version(ctx.services.db, ctx.document.id, number)
    assert found is not None
    return JSONResponse(found[0].to_json(), status_code=201)


@routes.api("GET", "/api/documents/{document_id}/versions/{number}", Action.VERSION_READ)
async def read_version(ctx: Context) -> Response:
    assert ctx.document is not None
    found = await stored.get_version(ctx.services.db, ctx.document.id, ctx.path_int("number"))
    if found is None:
        raise NotFound()
    text, html = content.render(history.doc_from_state(found[1]))
    return JSONResponse({**found[0].to_json(), "text": text, "html": html})


@routes.api("GET", "/api/documents/{document_id}/diff", Action.VERSION_READ)
async def diff(ctx: Context) -> Response:
    params = ctx.request.query_params
    old, old_label = await version_blocks(ctx, params.get("from", ""))
    new, new_label = await version_blocks(ctx, params.get("to", "current"))
    body = await asyncio.to_thread(_diff_json, old, new)
    return JSONResponse({"from": old_label, "to": new_label, **body})


def _diff_json(old: list[Any], new: list[Any]) -> dict[str, Any]:
    """Runs in a worker thread: a long diff must not hold up live editing."""
    import versions

    result = versions.diff_blocks(old, new)
    return {
        **result.to_json(),
        "html": versions.render_diff_inline(result),
        "html_side_by_side": versions.render_diff_side_by_side(result, 1, ("Avant", "Après")),
    }


@routes.api("POST", "/api/documents/{document_id}/restore", Action.VERSION_RESTORE)
async def restore(ctx: Context) -> Response:
    assert ctx.document is not None
    data = await ctx.json()
    number = data.get("version")
    # Bounded like the numbers read from URLs: a larger int does not fit a database integer.
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number < 10**9:
        raise InvalidInput({"version": "Unknown version."})
    new = await history.restore(ctx.services, ctx.document.id, number, ctx.user.id)
    found = await stored.get_version(ctx.services.db, ctx.document.id, new)
    assert found is not None
    return JSONResponse(found[0].to_json(), status_code=201)
