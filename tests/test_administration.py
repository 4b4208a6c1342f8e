"""Site administration: accounts (create, disable, reset password) and the outbox."""

from __future__ import annotations

import httpx
from support.api import ApiUser


def test_administrators_create_disable_and_reset_accounts(server):
    server.add_user("admin@ville.fr", "Anne Admin", admin=True)
    admin = ApiUser(server.url, "admin@ville.fr")
    created = admin.post("/api/admin/users", json={"email": "paul@ville.fr", "name": "Paul"})
    assert created.status_code == 201
    temporary = created.json()["temporary_password"]
    paul = ApiUser(server.url, "paul@ville.fr", temporary)
    duplicate = admin.post("/api/admin/users", json={"email": "paul@ville.fr", "name": "P"})
    assert duplicate.status_code == 409
    assert admin.post("/api/admin/users", json={"email": "x", "name": ""}).status_code == 422

    reset = admin.post(f"/api/admin/users/{paul.user_id}/password").json()["temporary_password"]
    assert paul.get("/api/tenders").status_code == 401  # old sessions are gone
    bad = httpx.post(
        server.url + "/api/session", json={"email": "paul@ville.fr", "password": temporary}
    )
    assert bad.status_code == 401
    paul = ApiUser(server.url, "paul@ville.fr", reset)

    assert (
        admin.patch(f"/api/admin/users/{paul.user_id}", json={"is_curator": True}).json()[
            "is_curator"
        ]
        is True
    )
    assert (
        admin.patch(f"/api/admin/users/{paul.user_id}", json={"is_active": "non"}).status_code
        == 422
    )
    admin.patch(f"/api/admin/users/{paul.user_id}", json={"is_active": False})
    refused = httpx.post(
        server.url + "/api/session", json={"email": "paul@ville.fr", "password": reset}
    )
    assert refused.status_code == 401
    own = admin.patch(f"/api/admin/users/{admin.user_id}", json={"is_active": False})
    assert own.status_code == 409


def test_the_admin_pages_are_french_and_hidden_from_others(server, make_user):
    server.add_user("admin@ville.fr", "Anne Admin", admin=True)
    admin = ApiUser(server.url, "admin@ville.fr")
    other = make_user()
    page = admin.get("/admin")
    assert page.status_code == 200 and "Comptes" in page.text and "Nouveau compte" in page.text
    assert "Courriels envoyés" in admin.get("/admin/outbox").text
    assert other.get("/admin").status_code == 404
    assert "Administration" not in other.get("/tenders").text
