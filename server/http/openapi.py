"""The JSON API described in OpenAPI 3.0, served at GET /api/openapi.json.

Paths, methods and path parameters come from the route tables themselves; this module
adds what a table does not say: request bodies and query parameters. A test checks that
every API route appears here and that every body described belongs to a route, so the
description cannot drift from the code. Integrators generate clients from it; the test
suite fuzzes the API from it (schemathesis).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import JSONResponse, Response

from server.http.routing import ADMIN, PUBLIC, SIGNED_IN, Context, RouteTable
from server.validation import PURCHASE_CATEGORIES

routes = RouteTable()

STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
ROLE: dict[str, Any] = {"type": "string", "enum": ["manager", "editor", "commenter", "observer"]}


def _object(required: tuple[str, ...] = (), **properties: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


TENDER = _object(
    title=STRING,
    reference=STRING,
    purchase_category={"type": "string", "enum": list(PURCHASE_CATEGORIES)},
    estimated_value={"type": "number"},
    launch_date={"type": "string", "format": "date"},
    procedure=STRING,
    template=STRING,
    copy_from=INTEGER,
)
STRINGS: dict[str, Any] = {"type": "array", "items": STRING}
CLAUSE = _object(
    title=STRING,
    family=STRING,
    kind=STRING,
    pieces=STRINGS,
    ccag=STRINGS,
    legal_basis=STRINGS,
    text=STRING,
    usage_notes=STRING,
    change_note=STRING,
)
DOCUMENT = _object(title=STRING, kind=STRING)
MENTIONS: dict[str, Any] = {"type": "array", "items": INTEGER}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/session"): _object(("email", "password"), email=STRING, password=STRING),
    ("POST", "/api/tenders"): TENDER,
    ("PATCH", "/api/tenders/{tender_id}"): TENDER,
    ("POST", "/api/tenders/{tender_id}/documents"): DOCUMENT,
    ("PATCH", "/api/documents/{document_id}"): DOCUMENT,
    ("POST", "/api/tenders/{tender_id}/members"): _object(email=STRING, role=ROLE),
    ("PATCH", "/api/tenders/{tender_id}/members/{user_id}"): _object(role=ROLE),
    ("PUT", "/api/documents/{document_id}/roles/{user_id}"): _object(
        role={**ROLE, "nullable": True}
    ),
    ("POST", "/api/tenders/{tender_id}/invitations"): _object(email=STRING, role=ROLE),
    ("POST", "/api/admin/users"): _object(email=STRING, name=STRING, password=STRING),
    ("PATCH", "/api/admin/users/{user_id}"): _object(
        is_active=BOOLEAN, is_admin=BOOLEAN, is_curator=BOOLEAN
    ),
    ("POST", "/api/documents/{document_id}/versions"): _object(label=STRING),
    ("POST", "/api/documents/{document_id}/restore"): _object(("version",), version=INTEGER),
    ("POST", "/api/documents/{document_id}/comments"): _object(
        body=STRING,
        anchor=_object(start=STRING, end=STRING),
        quote=STRING,
        category=STRING,
        private=BOOLEAN,
        mentions=MENTIONS,
    ),
    ("POST", "/api/comments/{comment_id}/replies"): _object(body=STRING, mentions=MENTIONS),
    ("PATCH", "/api/comments/{comment_id}"): _object(body=STRING),
    ("POST", "/api/clauses"): CLAUSE,
    ("POST", "/api/clauses/{clause_id}/versions"): CLAUSE,
    ("POST", "/api/clauses/{clause_id}/render"): _object(
        version=INTEGER, params={"type": "object"}, estimated_value={"type": "number"}
    ),
    ("POST", "/api/clauses/{clause_id}/versions/{number}/status"): _object(
        status={"type": "string", "enum": ["validated", "deprecated"]}, note=STRING
    ),
    ("POST", "/api/tenders/{tender_id}/workflow/reviewers"): _object(
        user_ids={"type": "array", "items": INTEGER}
    ),
    ("POST", "/api/tenders/{tender_id}/workflow/answer"): _object(approve=BOOLEAN, comment=STRING),
    ("POST", "/api/tenders/{tender_id}/exports"): _object(format=STRING, comments=BOOLEAN),
    ("POST", "/api/comments/{comment_id}/anchor"): _object(
        anchor=_object(start=STRING, end=STRING)
    ),
    ("POST", "/api/comments/{comment_id}/moderate"): _object(
        state={"type": "string", "enum": ["visible", "hidden"]}
    ),
}

QUERIES: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("GET", "/api/documents/{document_id}/diff"): {"from": STRING, "to": STRING},
    ("GET", "/api/clauses"): {
        "q": STRING,
        "family": STRING,
        "kind": STRING,
        "piece": STRING,
        "ccag": STRING,
    },
    ("GET", "/api/search"): {"q": STRING},
    ("GET", "/api/documents/{document_id}/export"): {"format": STRING, "version": STRING},
}

# Path parameters that are not database ids.
STRING_PARAMETERS = {"token", "clause_id", "job_id"}


def _operation(spec: Any) -> dict[str, Any]:
    key = (spec.method, spec.path)
    access = spec.access if isinstance(spec.access, str) else f"role granting {spec.access.value}"
    operation: dict[str, Any] = {
        "operationId": spec.handler.__name__,
        "summary": (spec.handler.__doc__ or spec.handler.__name__).strip().splitlines()[0],
        "description": f"Access: {access}.",
        "parameters": [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": STRING if name in STRING_PARAMETERS else {**INTEGER, "minimum": 0},
            }
            for name in re.findall(r"\{(\w+)\}", spec.path)
        ]
        + [
            {"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in QUERIES.get(key, {}).items()
        ],
        "responses": {
            "default": {
                "description": "A JSON answer; errors are {'error': {'code', 'message'}}.",
                "content": {"application/json": {"schema": {}}},
            }
        },
    }
    if key in BODIES:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": BODIES[key]}},
        }
    if spec.access != PUBLIC:
        operation["security"] = [{"session": [], "csrf": []}]
    return operation


def describe(tables: list[RouteTable]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for table in tables:
        for spec in table.specs:
            if spec.kind == "api":
                paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Wiki-Marché API",
            "version": "1",
            "description": (
                "Sign in with POST /api/session; send the session cookie and, on every "
                "state-changing request, the X-CSRF-Token header it returned. Access "
                f"levels: {PUBLIC}, {SIGNED_IN}, {ADMIN} (site administrators), or a role "
                "on the tender named in the path."
            ),
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "wm_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            }
        },
    }


@routes.api("GET", "/api/openapi.json", PUBLIC)
async def openapi(ctx: Context) -> Response:
    """The OpenAPI description of this API."""
    from server.app import ROUTE_TABLES  # the app imports this module

    return JSONResponse(describe(ROUTE_TABLES))
