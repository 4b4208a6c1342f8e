"""JSON API: the sustainable-clause library (search, one clause with its versions)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from starlette.responses import JSONResponse, Response

import clauses
from server.errors import NotFound
from server.http.routing import SIGNED_IN, Context, RouteTable

routes = RouteTable()
MAX_RESULTS = 100


@lru_cache(maxsize=1)
def library() -> clauses.ClauseLibrary:
    """The shipped catalogue, loaded (and validated) once per process."""
    return clauses.ClauseLibrary.load()


@lru_cache(maxsize=1)
def index() -> clauses.SearchIndex:
    return clauses.SearchIndex(library().current_clauses())


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
        "legal_basis": [_reference(r) for r in clause.legal_basis],
    }
    if full:
        body.update(
            {
                "text": clause.text,
                "paragraphs": clauses.paragraphs(clause.text),
                "parameters": [_parameter(p) for p in clause.parameters],
                "usage_notes": clause.usage_notes,
                "vigilance": list(clause.vigilance),
                "valid_from": clause.valid_from.isoformat(),
                "valid_until": clause.valid_until.isoformat() if clause.valid_until else None,
            }
        )
    return body


def _reference(reference_id: str) -> dict[str, Any]:
    found = clauses.reference(reference_id)
    return {"id": found.id, "label": found.label, "summary": found.summary}


def _parameter(parameter: Any) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return (
            str(value)
            if value is not None and not isinstance(value, str | int | bool | list | tuple)
            else value
        )

    return {
        "name": parameter.name,
        "label": parameter.label,
        "type": str(parameter.type.value if hasattr(parameter.type, "value") else parameter.type),
        "default": plain(parameter.default),
        "unit": parameter.unit,
        "min": plain(parameter.min),
        "max": plain(parameter.max),
        "choices": list(parameter.choices),
        "required": parameter.required,
        "computed": parameter.computed,
        "help": parameter.help,
    }


@routes.api("GET", "/api/clauses", SIGNED_IN)
async def search(ctx: Context) -> Response:
    params = ctx.request.query_params
    try:
        hits = index().search(
            params.get("q", "")[:200],
            family=params.get("family") or None,
            kind=params.get("kind") or None,
            piece=params.get("piece") or None,
            ccag=params.get("ccag") or None,
            limit=MAX_RESULTS,
        )
    except ValueError:
        hits = []  # an unknown filter value matches nothing
    return JSONResponse([clause_json(hit.clause) for hit in hits])


@routes.api("GET", "/api/clauses/{clause_id}", SIGNED_IN)
async def detail(ctx: Context) -> Response:
    found = library().versions(ctx.request.path_params["clause_id"][:100])
    if not found:
        raise NotFound()
    return JSONResponse(
        {
            **clause_json(found[-1], full=True),
            "versions": [clause_json(v, full=True) for v in found],
        }
    )
