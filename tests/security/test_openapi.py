"""The OpenAPI description covers exactly the JSON API, and is a valid description."""

from __future__ import annotations

import schemathesis

from server.app import ROUTE_TABLES
from server.http.openapi import BODIES, QUERIES, describe

API = {(s.method, s.path) for t in ROUTE_TABLES for s in t.specs if s.kind == "api"}


def test_every_api_route_is_described_and_nothing_else():
    document = describe(ROUTE_TABLES)
    described = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert described == API
    assert set(BODIES) <= API and set(QUERIES) <= API
    # Every route that reads a JSON body says what it reads (deletions and actions
    # without parameters excepted).
    without_body = {key for key in API if key[0] in ("POST", "PATCH", "PUT") and key not in BODIES}
    assert without_body == {
        ("POST", "/api/invitations/{token}/accept"),
        ("POST", "/api/admin/users/{user_id}/password"),
        ("POST", "/api/comments/{comment_id}/resolve"),
        ("POST", "/api/comments/{comment_id}/reopen"),
        ("POST", "/api/notifications/read"),
        # Actions without parameters, and file uploads (multipart, not JSON).
        ("POST", "/api/tenders/{tender_id}/workflow/publish"),
        ("POST", "/api/tenders/{tender_id}/workflow/reopen"),
        ("POST", "/api/tenders/{tender_id}/workflow/archive"),
        ("POST", "/api/tenders/{tender_id}/imports"),
        ("POST", "/api/documents/{document_id}/import"),
        ("POST", "/api/archives"),
    }


def test_the_description_loads_as_openapi():
    schema = schemathesis.openapi.from_dict(describe(ROUTE_TABLES))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(API)


def test_the_description_is_served(server):
    import httpx

    response = httpx.get(f"{server.url}/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
