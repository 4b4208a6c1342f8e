"""HTML pages: the clause library (browse, detail, propose, curate) and search across tenders."""

from __future__ import annotations

from typing import Any

from starlette.responses import RedirectResponse, Response

import clauses
from clauses.proposals import ProposalError
from roles import SiteAction, site_can
from server import memory
from server.db import clause_library
from server.errors import NotFound
from server.http.api_clauses import CURATED, clause_json
from server.http.rendering import render
from server.http.routing import SIGNED_IN, Context, RouteTable

routes = RouteTable()
FILTERS = ("family", "kind", "piece", "ccag")
PROPOSAL_KEYS = ("title", "family", "kind", "pieces", "legal_basis", "text", "usage_notes")


def _is_curator(ctx: Context) -> bool:
    user = ctx.user
    return site_can(
        SiteAction.CLAUSE_CURATE, is_admin=user.is_admin, is_curator=user.is_curator, is_active=True
    )


def _choices() -> dict[str, Any]:
    return {
        "families": [f.value for f in clauses.Family],
        "kinds": [k.value for k in clauses.Kind],
        "pieces": [p.value for p in clauses.Piece],
        "ccags": [c.value for c in clauses.Ccag],
        "references": sorted(
            (r for r in clauses.REFERENCES.values() if r.source != "CMP2006"),
            key=lambda r: r.label,
        ),
    }


@routes.page("GET", "/library", SIGNED_IN)
async def library_page(ctx: Context) -> Response:
    params = ctx.request.query_params
    query = params.get("q", "")[:200]
    filters = {name: params.get(name, "")[:60] for name in FILTERS}
    found = await ctx.services.library.search(query, filters)
    usage = await clause_library.usage_counts(ctx.services.db)
    pending: list[Any] = []
    if _is_curator(ctx):
        stored = await clause_library.all_versions(ctx.services.db)
        pending = [row for row in stored if row.status == clauses.Status.DRAFT.value]
    return render(
        ctx,
        "library.html",
        {
            "query": query,
            "filters": filters,
            "clauses": [clause_json(c) for c in found],
            "usage": usage,
            "pending": pending,
            **_choices(),
        },
    )


async def _proposal_form(
    ctx: Context,
    values: dict[str, Any],
    problems: list[str] | None = None,
    *,
    clause_id: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        ctx,
        "clause_propose.html",
        {"values": values, "problems": problems or [], "clause_id": clause_id, **_choices()},
        status=status,
    )


@routes.page("GET", "/library/propose", SiteAction.CLAUSE_PROPOSE)
async def propose_form(ctx: Context) -> Response:
    # A passage selected in a document may arrive as ?text= (bounded like the form).
    text = ctx.request.query_params.get("text", "")[:20_000]
    return await _proposal_form(ctx, {"text": text, "pieces": [], "legal_basis": []})


async def _proposal_values(ctx: Context) -> dict[str, Any]:
    form = await ctx.request.form()
    values: dict[str, Any] = {k: str(form.get(k, "")) for k in PROPOSAL_KEYS}
    values["pieces"] = [str(v) for v in form.getlist("pieces")][:20]
    values["legal_basis"] = [str(v) for v in form.getlist("legal_basis")][:20]
    return values


@routes.page("POST", "/library/propose", SiteAction.CLAUSE_PROPOSE)
async def propose(ctx: Context) -> Response:
    values = await _proposal_values(ctx)
    try:
        clause = await ctx.services.library.propose(values, user_id=ctx.user.id)
    except ProposalError as error:
        return await _proposal_form(ctx, values, error.problems, status=422)
    return RedirectResponse(f"/library/{clause.id}?proposed={clause.version}", status_code=303)


@routes.page("GET", "/library/{clause_id}", SIGNED_IN)
async def clause_page(ctx: Context) -> Response:
    clause_id = ctx.request.path_params["clause_id"][:100]
    snapshot = await ctx.services.library.snapshot()
    found = snapshot.library.versions(clause_id)
    if not found:
        raise NotFound()
    current = snapshot.library.current(clause_id)
    usage = (await clause_library.usage_counts(ctx.services.db)).get(clause_id, 0)
    versions = [
        {**clause_json(v, full=True), "stored": snapshot.stored.get(v.key)} for v in reversed(found)
    ]
    shown = current or found[-1]
    return render(
        ctx,
        "clause.html",
        {
            "clause": clause_json(shown, full=True),
            "current": current,
            "versions": versions,
            "usage": usage,
            "is_curator": _is_curator(ctx),
            "proposed": ctx.request.query_params.get("proposed", ""),
            "values": {
                **clause_json(found[-1], full=True),
                "text": found[-1].text,
                "legal_basis": list(found[-1].legal_basis),
            },
            **_choices(),
        },
    )


@routes.page("POST", "/library/{clause_id}/versions", SiteAction.CLAUSE_PROPOSE)
async def propose_version(ctx: Context) -> Response:
    clause_id = ctx.request.path_params["clause_id"][:100]
    values = await _proposal_values(ctx)
    try:
        clause = await ctx.services.library.propose(
            values, user_id=ctx.user.id, clause_id=clause_id
        )
    except KeyError as error:
        raise NotFound() from error
    except ProposalError as error:
        return await _proposal_form(ctx, values, error.problems, clause_id=clause_id, status=422)
    return RedirectResponse(f"/library/{clause.id}?proposed={clause.version}", status_code=303)


@routes.page("POST", "/library/{clause_id}/versions/{number}/status", SiteAction.CLAUSE_CURATE)
async def curate(ctx: Context) -> Response:
    clause_id = ctx.request.path_params["clause_id"][:100]
    form = await ctx.form()
    status = CURATED.get(form.get("status", ""))
    if status is None:
        raise NotFound()
    try:
        await ctx.services.library.curate(
            clause_id,
            ctx.path_int("number"),
            status,
            reviewer=ctx.user.id,
            note=form.get("note", ""),
        )
    except KeyError as error:
        raise NotFound() from error
    except ProposalError:
        pass  # an entry that no longer validates stays as it was; the page shows it
    return RedirectResponse(f"/library/{clause_id}", status_code=303)


@routes.page("GET", "/search", SIGNED_IN)
async def search_page(ctx: Context) -> Response:
    query = ctx.request.query_params.get("q", "")[:200]
    results = await memory.search(ctx.services, ctx.user.id, query) if query else []
    return render(ctx, "search.html", {"query": query, "results": results})
