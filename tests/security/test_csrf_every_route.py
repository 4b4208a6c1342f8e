"""A4 (CSRF): every state-changing route refuses a request whose token is missing, wrong
or belongs to another session — and such a request changes nothing.

Routes are enumerated from the application; the caller is the tender's manager (the site
administrator for administration routes), so only the token decides."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support.api import ApiUser
from test_permission_matrix import PRINCIPALS, SPECS, World, digest

from server.http.routing import ADMIN, PUBLIC, SAFE_METHODS

WRITES = [s for s in SPECS if s.method not in SAFE_METHODS and s.access != PUBLIC]
# Public writes have no session to bind a token to; each has its own protection, tested
# elsewhere: sign-in forms carry a double-submit token, invitation and unsubscribe links a
# secret, and the language switch only sets a cookie.
PUBLIC_WRITES = {(s.method, s.path) for s in SPECS if s.method not in SAFE_METHODS} - {
    (s.method, s.path) for s in WRITES
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from support.live import LiveServer

    live = LiveServer(tmp_path_factory.mktemp("csrf") / "data")
    live.data_dir.mkdir()
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def people(server) -> dict[str, ApiUser]:
    for name in PRINCIPALS[1:]:
        server.add_user(f"{name}@ville.fr", name.capitalize(), admin=(name == "admin"))
    server.add_user("target@ville.fr", "Compte cible")
    accounts = {name: ApiUser(server.url, f"{name}@ville.fr") for name in PRINCIPALS[1:]}
    accounts["target"] = ApiUser(server.url, "target@ville.fr")
    return accounts


@pytest.fixture(scope="module")
def world(server, people) -> World:
    return World(server, people)


def test_every_state_changing_route_checks_the_token():
    assert len(WRITES) > 25
    # A file upload form carries its token in the multipart body, which its handler reads
    # and checks before anything else (and the parametrized test below proves it).
    self_checked = {("POST", "/tenders/{tender_id}/imports")}
    unchecked = [(s.method, s.path) for s in WRITES if not s.csrf]
    assert set(unchecked) == self_checked, unchecked
    assert PUBLIC_WRITES == {
        ("POST", "/api/session"),
        ("POST", "/login"),
        ("POST", "/language"),
        ("POST", "/invitations/{token}/register"),
        ("POST", "/unsubscribe/{token}"),
    }


BODY: dict[str, Any] = {
    "role": "observer",
    "title": "Titre",
    "kind": "RC",
    "email": "nouveau@ville.fr",
    "name": "Nouveau",
    "label": "Version témoin",
    "version": 1,
    "body": "Un avis.",
    "state": "visible",
}


@pytest.mark.parametrize("spec", WRITES, ids=lambda s: f"{s.method} {s.path}")
def test_missing_wrong_or_foreign_tokens_are_refused(server, people, world, spec):
    caller = people["admin"] if spec.access == ADMIN else people["manager"]
    foreign = people["target"].csrf  # a valid token, of another session
    path = world.path(spec)
    before = digest(server)
    for variant, token in (("missing", None), ("wrong", "x" * 43), ("foreign", foreign)):
        headers = {"X-CSRF-Token": token} if token is not None else {}
        cookies = caller.client.cookies
        client = httpx.Client(base_url=server.url, cookies=cookies)
        try:
            if spec.kind == "api":
                response = client.request(spec.method, path, json=BODY, headers=headers)
            else:
                form = {**BODY, **({"csrf_token": token} if token is not None else {})}
                response = client.request(spec.method, path, data=form, follow_redirects=False)
        finally:
            client.close()
        assert response.status_code == 403, (variant, response.status_code, response.text[:200])
        if spec.kind == "api":
            assert response.json()["error"]["code"] == "csrf_rejected"
    assert digest(server) == before, f"a refused {spec.method} {spec.path} changed data"
