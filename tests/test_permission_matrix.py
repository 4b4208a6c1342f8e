"""Every HTTP route × every kind of caller: the expected answer, and no side effect when
refused. Routes are enumerated from the application, so a new route is covered (and must
declare who may call it) without touching this file."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from support.api import ApiUser

from clauses import ClauseLibrary
from roles import Action, Role, SiteAction, can
from server.app import ROUTE_TABLES
from server.db import schema
from server.http.routing import ADMIN, PUBLIC, SIGNED_IN, RouteSpec
from server.security.tokens import signed

CLAUSE_ID = ClauseLibrary.load().ids()[0]
SPECS: list[RouteSpec] = [spec for table in ROUTE_TABLES for spec in table.specs]
PRINCIPALS = (
    "anonymous",
    "outsider",
    "observer",
    "commenter",
    "editor",
    "manager",
    "removed",
    "admin",
)
# Tables whose content a refused request must leave untouched (the activity log records
# refusals on purpose; sessions are not the subject here).
WATCHED = [t for t in schema.metadata.sorted_tables if t.name not in {"activity", "sessions"}]


def test_every_route_declares_who_may_call_it():
    assert len(SPECS) > 30
    for spec in SPECS:
        assert spec.access in (PUBLIC, SIGNED_IN, ADMIN) or isinstance(
            spec.access, Action | SiteAction
        ), spec
        if isinstance(spec.access, Action):
            assert any(
                f"{{{name}}}" in spec.path for name in ("tender_id", "document_id", "comment_id")
            ), spec.path
        if spec.access == PUBLIC and spec.method not in ("GET", "HEAD"):
            # Public writes must be few and deliberate.
            assert spec.path in {
                "/api/session",
                "/login",
                "/language",
                "/invitations/{token}/register",
                "/unsubscribe/{token}",
            }, spec.path


class World:
    """A tender with one member of each role, a removed member, and a pending invitation."""

    def __init__(self, server: Any, people: dict[str, ApiUser]) -> None:
        manager = people["manager"]
        self.tender_id = manager.create_tender("Marché témoin")["id"]
        self.document_id = manager.create_document(self.tender_id)
        for role in ("observer", "commenter", "editor", "removed"):
            response = manager.post(
                f"/api/tenders/{self.tender_id}/members",
                json={"email": people[role].email, "role": "editor" if role == "removed" else role},
            )
            assert response.status_code == 201, response.text
        manager.delete(f"/api/tenders/{self.tender_id}/members/{people['removed'].user_id}")
        link = manager.post(
            f"/api/tenders/{self.tender_id}/invitations", json={"role": "observer"}
        ).json()["url"]
        self.token = link.rsplit("/", 1)[1]
        self.invitation_id = manager.get(f"/api/tenders/{self.tender_id}/invitations").json()[-1][
            "id"
        ]
        version = manager.post(f"/api/documents/{self.document_id}/versions", json={"label": "V1"})
        assert version.status_code == 201, version.text
        comment = manager.post(
            f"/api/documents/{self.document_id}/comments",
            json={"body": "Avis ?", "anchor": {"start": "AAAA", "end": "AAAB"}, "quote": "x"},
        )
        assert comment.status_code == 201, comment.text
        self.comment_id = comment.json()["id"]
        export = manager.post(f"/api/tenders/{self.tender_id}/exports", json={"format": "md"})
        self.job_id = export.json()["id"]
        feed = manager.client.post(
            f"/tenders/{self.tender_id}/feed", data={"csrf_token": manager.csrf}
        )
        self.feed_token = feed.text.split("/feeds/")[1].split(".atom")[0]
        secret = (server.data_dir / "secret_key").read_text().strip()
        self.unsubscribe_token = signed(secret, "unsubscribe", people["observer"].user_id)
        self.target_user = people["editor"].user_id
        self.target_account = people["target"].user_id  # for administration routes

    def path(self, spec: RouteSpec) -> str:
        user_id = self.target_account if "admin" in spec.path else self.target_user
        token = self.token
        if spec.path.startswith("/feeds/"):
            token = self.feed_token
        elif spec.path.startswith("/unsubscribe/"):
            token = self.unsubscribe_token
        values = {
            "number": 1,
            "comment_id": self.comment_id,
            "clause_id": CLAUSE_ID,
            "tender_id": self.tender_id,
            "document_id": self.document_id,
            "user_id": user_id,
            "invitation_id": self.invitation_id,
            "token": token,
            "job_id": self.job_id,
        }
        return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), spec.path)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from support.live import LiveServer

    live = LiveServer(tmp_path_factory.mktemp("matrix") / "data")
    live.data_dir.mkdir()
    live.start()
    yield live
    live.close()


@pytest.fixture(scope="module")
def people(server) -> dict[str, ApiUser]:
    for name in PRINCIPALS[1:]:
        server.add_user(f"{name}@ville.fr", name.capitalize(), admin=(name == "admin"))
    server.add_user("target@ville.fr", "Compte cible")
    accounts = {name: ApiUser(server.url, f"{name}@ville.fr") for name in PRINCIPALS[1:]}
    accounts["target"] = ApiUser(server.url, "target@ville.fr")
    return accounts


def digest(server) -> list[Any]:
    async def read(db):
        async with db.read() as conn:
            return [
                sorted(map(tuple, (await conn.execute(select(t))).all()), key=repr) for t in WATCHED
            ]

    return server.db_call(read)


def call(
    server, people, principal: str, spec: RouteSpec, path: str, world: World
) -> httpx.Response:
    if principal == "anonymous":
        client = httpx.Client(base_url=server.url)
        headers: dict[str, str] = {}
    else:
        client = people[principal].client
        headers = {"X-CSRF-Token": people[principal].csrf}
    body: dict[str, Any] = {
        "role": "observer",
        "title": "Titre",
        "kind": "RC",
        "email": "nouveau@ville.fr",
        "name": "Nouveau",
        "document_id": str(world.document_id),
        "label": "Version témoin",
        "version": 1,
        "body": "Un avis.",
        "state": "visible",
    }
    if spec.kind == "api":
        return client.request(
            spec.method,
            path,
            json=body if spec.method != "GET" else None,
            headers=headers,
            follow_redirects=False,
        )
    form = {**body, "csrf_token": people[principal].csrf if principal != "anonymous" else ""}
    return client.request(
        spec.method,
        path,
        data=form if spec.method != "GET" else None,
        headers=headers,
        follow_redirects=False,
    )


def expected(spec: RouteSpec, principal: str, people: dict[str, ApiUser]) -> str:
    """'allowed', or the refusal status."""
    if spec.access == PUBLIC:
        return "allowed"
    if principal == "anonymous":
        return "401" if spec.kind == "api" else "303"
    if spec.access == SIGNED_IN:
        return "allowed"
    if spec.access == ADMIN:
        return "allowed" if principal == "admin" else "404"
    if isinstance(spec.access, SiteAction):
        # No principal here is a library curator (curation is tested in test_clause_library).
        return "allowed" if spec.access is SiteAction.CLAUSE_PROPOSE else "403"
    assert isinstance(spec.access, Action)
    if principal in ("outsider", "removed", "admin"):
        return "404"
    allowed = RULES.get((spec.method, spec.path))
    if allowed is not None:  # finer rules than the route's declared action
        return "allowed" if principal in allowed else "403"
    return "allowed" if can(Role(principal), spec.access) else "403"


# Comment routes declare the least right (annotating) and apply finer rules: a public
# comment needs comment.create, only its author edits it, moderators resolve and delete.
MODERATORS = {"manager", "editor"}
RULES = {
    ("POST", "/api/documents/{document_id}/comments"): {"manager", "editor", "commenter"},
    ("POST", "/api/comments/{comment_id}/replies"): {"manager", "editor", "commenter"},
    ("PATCH", "/api/comments/{comment_id}"): {"manager"},
    ("DELETE", "/api/comments/{comment_id}"): MODERATORS,
    ("POST", "/api/comments/{comment_id}/resolve"): MODERATORS,
    ("POST", "/api/comments/{comment_id}/reopen"): MODERATORS,
}


def _check(response: httpx.Response, outcome: str, label: str, public: bool = False) -> None:
    if outcome == "allowed":
        assert response.status_code not in (401, 403, 404, 500), (label, response.text[:300])
        if response.status_code == 303 and not public:
            assert not response.headers["location"].startswith("/login"), label
    else:
        assert str(response.status_code) == outcome, (
            label,
            response.status_code,
            response.text[:200],
        )
        if outcome == "303":
            assert response.headers["location"].startswith("/login"), label


# Sign-in and sign-out change sessions by design; the public forms need their own
# double-submit cookie (tested in test_accounts_http and test_invitations).
SKIP_ALLOWED = {
    ("POST", "/api/session"),
    ("DELETE", "/api/session"),
    ("POST", "/logout"),
    ("POST", "/login"),
    ("POST", "/invitations/{token}/register"),
}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.method} {s.path}")
def test_route_answers_each_principal_as_the_roles_table_says(server, people, spec):
    world = World(server, people)
    path = world.path(spec)
    refusals = [p for p in PRINCIPALS if expected(spec, p, people) != "allowed"]
    before = digest(server)
    for principal in refusals:
        response = call(server, people, principal, spec, path, world)
        _check(response, expected(spec, principal, people), f"{principal} {spec.path}")
    assert digest(server) == before, f"a refused call to {spec.method} {spec.path} changed data"
    if (spec.method, spec.path) in SKIP_ALLOWED:
        return
    allowed = [p for p in PRINCIPALS if expected(spec, p, people) == "allowed"]
    for principal in allowed:
        # A fresh world for each allowed write: an earlier one may have deleted the target.
        if spec.method != "GET":
            world = World(server, people)
            path = world.path(spec)
        response = call(server, people, principal, spec, path, world)
        _check(
            response,
            "allowed",
            f"{principal} {spec.method} {spec.path}",
            public=spec.access == PUBLIC,
        )
