"""HTML pages: a document's history, a version as it was, comparisons, restoring."""

from __future__ import annotations

import asyncio
import re
from html import escape
from typing import Any

from starlette.responses import RedirectResponse, Response

from roles import Action, can
from server import content, history
from server.db import versions as stored
from server.errors import AppError, NotFound
from server.http.api_versions import version_blocks
from server.http.rendering import render
from server.http.routing import Context, RouteTable
from server.i18n import gettext
from server.validation import clean_text

routes = RouteTable()


async def _history_page(
    ctx: Context, *, notice: str = "", error: str = "", status: int = 200
) -> Response:
    assert ctx.document is not None and ctx.membership is not None
    found = await stored.list_versions(ctx.services.db, ctx.document.id)
    previous = await stored.record_visit(
        ctx.services.db, ctx.document.id, ctx.user.id, found[0].number if found else 0
    )
    return render(
        ctx,
        "history.html",
        {
            "document": ctx.document,
            "tender": ctx.membership.tender,
            "versions": found,
            "since_visit": previous,
            "can_name": can(ctx.role, Action.VERSION_CREATE),
            "can_restore": can(ctx.role, Action.VERSION_RESTORE),
            "notice": notice,
            "error": error,
        },
        status=status,
    )


@routes.page("GET", "/documents/{document_id}/history", Action.VERSION_READ)
async def history_page(ctx: Context) -> Response:
    restored = ctx.request.query_params.get("restored", "")
    if restored.isdigit():
        notice = gettext("The document was restored; version %(n)s records it.") % {"n": restored}
        return await _history_page(ctx, notice=notice)
    return await _history_page(ctx)


@routes.page("POST", "/documents/{document_id}/versions", Action.VERSION_CREATE)
async def name_version(ctx: Context) -> Response:
    assert ctx.document is not None
    label = clean_text((await ctx.form()).get("label"), limit=200)
    if not label:
        return await _history_page(ctx, error=gettext("Give the version a name."), status=422)
    number = await history.capture(
        ctx.services, ctx.document.id, kind="named", label=label, user_id=ctx.user.id, force=True
    )
    notice = gettext("Version %(n)s “%(label)s” was recorded.") % {"n": number, "label": label}
    return await _history_page(ctx, notice=notice)


@routes.page("GET", "/documents/{document_id}/versions/{number}", Action.VERSION_READ)
async def version_page(ctx: Context) -> Response:
    assert ctx.document is not None and ctx.membership is not None
    found = await stored.get_version(ctx.services.db, ctx.document.id, ctx.path_int("number"))
    if found is None:
        raise NotFound()
    _text, html = content.render(history.doc_from_state(found[1]))
    return render(
        ctx,
        "version.html",
        {
            "document": ctx.document,
            "tender": ctx.membership.tender,
            "version": found[0],
            "html": html,
            "can_restore": can(ctx.role, Action.VERSION_RESTORE),
        },
    )


@routes.page("GET", "/documents/{document_id}/compare", Action.VERSION_READ)
async def compare_page(ctx: Context) -> Response:
    assert ctx.document is not None and ctx.membership is not None
    import versions

    params = ctx.request.query_params
    old, old_label = await version_blocks(ctx, params.get("from", ""))
    new, new_label = await version_blocks(ctx, params.get("to", "current"))
    view = "side" if params.get("view") == "side" else "inline"
    result = await asyncio.to_thread(versions.diff_blocks, old, new)
    if view == "side":
        labels = (
            gettext("Version %(n)s") % {"n": old_label},
            gettext("Current text")
            if new_label == "current"
            else gettext("Version %(n)s") % {"n": new_label},
        )
        html = await asyncio.to_thread(versions.render_diff_side_by_side, result, 1, labels)
    else:
        html = await asyncio.to_thread(versions.render_diff_inline, result)
    html = _label_moves(html)
    values: dict[str, Any] = {
        "document": ctx.document,
        "tender": ctx.membership.tender,
        "html": html,
        "summary": result.summary,
        "old": old_label,
        "new": new_label,
        "view": view,
        "versions": await stored.list_versions(ctx.services.db, ctx.document.id),
    }
    return render(ctx, "compare.html", values)


_MOVE_LABEL = re.compile(r'<span class="diff-move-label" data-from="(\d+)" data-to="(\d+)"></span>')


def _label_moves(html: str) -> str:
    """Spell out moves for readers ("moved from paragraph 3"), numbering from 1."""

    def label(match: re.Match[str]) -> str:
        text = gettext("moved from paragraph %(a)s to paragraph %(b)s") % {
            "a": int(match.group(1)) + 1,
            "b": int(match.group(2)) + 1,
        }
        return f'<span class="diff-move-label">{escape(text)}</span>'

    return _MOVE_LABEL.sub(label, html)


@routes.page("GET", "/documents/{document_id}/restore/{number}", Action.VERSION_RESTORE)
async def restore_confirmation(ctx: Context) -> Response:
    assert ctx.document is not None and ctx.membership is not None
    found = await stored.get_version(ctx.services.db, ctx.document.id, ctx.path_int("number"))
    if found is None:
        raise NotFound()
    return render(
        ctx,
        "restore.html",
        {"document": ctx.document, "version": found[0], "tender": ctx.membership.tender},
    )


@routes.page("POST", "/documents/{document_id}/restore/{number}", Action.VERSION_RESTORE)
async def restore(ctx: Context) -> Response:
    assert ctx.document is not None
    number = ctx.path_int("number")
    try:
        new = await history.restore(ctx.services, ctx.document.id, number, ctx.user.id)
    except AppError as error:
        return await _history_page(ctx, error=gettext(error.message), status=error.status)
    return RedirectResponse(f"/documents/{ctx.document.id}/history?restored={new}", status_code=303)


@routes.page("GET", "/documents/{document_id}/authorship", Action.VERSION_READ)
async def authorship(ctx: Context) -> Response:
    """Who changed each paragraph last, at version granularity."""
    assert ctx.document is not None and ctx.membership is not None
    rows = await stored.texts(ctx.services.db, ctx.document.id)
    names = {v.number: v for v in await stored.list_versions(ctx.services.db, ctx.document.id)}
    introduced: dict[str, int] = {}
    previous: set[str] = set()
    for number, text, _authors, _at in rows:
        paragraphs = {p for p in text.split("\n") if p.strip()}
        for paragraph in paragraphs - previous:
            introduced[paragraph] = number
        previous = paragraphs
    current_text, _html = content.render(await content.current_doc(ctx.services, ctx.document.id))
    lines = []
    for paragraph in (p for p in current_text.split("\n") if p.strip()):
        since = introduced.get(paragraph)
        lines.append((paragraph, names.get(since) if since else None))
    return render(
        ctx,
        "authorship.html",
        {"document": ctx.document, "tender": ctx.membership.tender, "lines": lines},
    )
