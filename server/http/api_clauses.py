"""JSON API: the sustainable-clause library (search, detail, rendering, proposals, curation)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.responses import JSONResponse, Response

import clauses
from clauses.parameters import computed_value
from clauses.proposals import ProposalError
from roles import SiteAction
from server.db import clause_library
from server.errors import InvalidInput, NotFound
from server.http.routing import SIGNED_IN, Context, RouteTable

routes = RouteTable()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _parameter(parameter: clauses.Parameter) -> dict[str, Any]:
    return {
        "name": parameter.name,
        "label": parameter.label,
        "type": parameter.type.value,
        "default": _plain(parameter.default),
        "unit": parameter.unit,
        "min": _plain(parameter.min),
        "max": _plain(parameter.max),
        "choices": list(parameter.choices),
        "multiple": parameter.multiple,
        "required": parameter.required,
        "computed": parameter.computed,
        "help": parameter.help,
    }


def clause_json(clause: clauses.Clause, *, full: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": clause.id,
        "version": clause.version,
        "title": clause.title,
        "family": clause.family.value,
        "kind": clause.kind.value,
        "pieces": [p.value for p in clause.pieces],
        "ccag": [c.value for c in clause.ccag],
        "status": clause.status.value,
        "legal_basis": [clauses.describe(r) for r in clause.legal_basis],
        "valid_from": clause.valid_from.isoformat(),
        "valid_until": clause.valid_until.isoformat() if clause.valid_until else None,
    }
    if full:
        body.update(
            {
                "text": clause.text,
                "paragraphs": clauses.paragraphs(clause.text),
                "parameters": [_parameter(p) for p in clause.parameters],
                "usage_notes": clause.usage_notes,
                "vigilance": list(clause.vigilance),
                "change_note": clause.change_note,
            }
        )
    return body


@routes.api("GET", "/api/clauses", SIGNED_IN)
async def search(ctx: Context) -> Response:
    params = ctx.request.query_params
    filters = {name: params.get(name, "")[:60] for name in ("family", "kind", "piece", "ccag")}
    found = await ctx.services.library.search(params.get("q", "")[:200], filters)
    return JSONResponse([clause_json(clause) for clause in found])


@routes.api("GET", "/api/clauses/{clause_id}", SIGNED_IN)
async def detail(ctx: Context) -> Response:
    library = await ctx.services.library.current()
    found = library.versions(ctx.request.path_params["clause_id"][:100])
    if not found:
        raise NotFound()
    current = library.current(found[-1].id)
    usage = (await clause_library.usage_counts(ctx.services.db)).get(found[-1].id, 0)
    shown = current or found[-1]
    return JSONResponse(
        {
            **clause_json(shown, full=True),
            "current_version": current.version if current else None,
            "used_in_tenders": usage,
            "versions": [clause_json(v, full=True) for v in found],
        }
    )


def _value(raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    return value if value.is_finite() and 0 <= value < Decimal("1e12") else None


@routes.api("POST", "/api/clauses/{clause_id}/render", SIGNED_IN)
async def render(ctx: Context) -> Response:
    """The clause text for the given values, with computed values (for the insert form)."""
    data = await ctx.json()
    library = await ctx.services.library.current()
    clause_id = ctx.request.path_params["clause_id"][:100]
    version = data.get("version")
    clause = (
        library.get(clause_id, version) if isinstance(version, int) else library.current(clause_id)
    )
    if clause is None:
        raise NotFound()
    values = data.get("params")
    if not isinstance(values, dict) or len(values) > 50:
        raise InvalidInput({"params": "Parameter values must be an object."})
    context = clauses.ComputeContext(_value(data.get("estimated_value")))
    errors: dict[str, str] = {}
    try:
        complete = clauses.compute(clause, values, context)
    except clauses.ParameterError as error:
        errors = dict(error.errors)
        try:
            complete = clauses.compute(clause, {}, context, partial=True)
        except clauses.ParameterError:
            complete = {}
    suggestions: dict[str, Any] = {}
    for parameter in clause.parameters:
        if parameter.computed is None:
            continue
        try:
            suggestions[parameter.name] = _plain(
                computed_value(clause, parameter.name, values, context)
            )
        except (ValueError, KeyError, clauses.ParameterError):
            suggestions[parameter.name] = None
    try:
        paragraphs = clauses.render(clause, {} if errors else values, context)
    except clauses.ParameterError:
        paragraphs = clauses.paragraphs(clause.text)
    return JSONResponse(
        {
            "id": clause.id,
            "version": clause.version,
            "paragraphs": paragraphs,
            "values": clauses.dump_values(complete) if not errors else {},
            "computed": suggestions,
            "errors": errors,
        }
    )


def _problems(error: ProposalError) -> InvalidInput:
    return InvalidInput({"clause": " ; ".join(error.problems)}, "The clause is not valid.")


@routes.api("POST", "/api/clauses", SiteAction.CLAUSE_PROPOSE)
async def propose(ctx: Context) -> Response:
    data = await ctx.json()
    try:
        clause = await ctx.services.library.propose(data, user_id=ctx.user.id)
    except ProposalError as error:
        raise _problems(error) from error
    return JSONResponse(clause_json(clause, full=True), status_code=201)


@routes.api("POST", "/api/clauses/{clause_id}/versions", SiteAction.CLAUSE_PROPOSE)
async def propose_version(ctx: Context) -> Response:
    data = await ctx.json()
    clause_id = ctx.request.path_params["clause_id"][:100]
    try:
        clause = await ctx.services.library.propose(data, user_id=ctx.user.id, clause_id=clause_id)
    except KeyError as error:
        raise NotFound() from error
    except ProposalError as error:
        raise _problems(error) from error
    return JSONResponse(clause_json(clause, full=True), status_code=201)


CURATED = {"validated": clauses.Status.VALIDATED, "deprecated": clauses.Status.DEPRECATED}


@routes.api("POST", "/api/clauses/{clause_id}/versions/{number}/status", SiteAction.CLAUSE_CURATE)
async def curate(ctx: Context) -> Response:
    data = await ctx.json()
    status = CURATED.get(str(data.get("status")))
    if status is None:
        raise InvalidInput({"status": "Choose validated or deprecated."})
    note = data.get("note", "")
    if not isinstance(note, str):
        raise InvalidInput({"note": "The note must be text."})
    clause_id = ctx.request.path_params["clause_id"][:100]
    try:
        clause = await ctx.services.library.curate(
            clause_id, ctx.path_int("number"), status, reviewer=ctx.user.id, note=note
        )
    except KeyError as error:
        raise NotFound() from error
    except ProposalError as error:
        raise _problems(error) from error
    return JSONResponse(clause_json(clause, full=True))
