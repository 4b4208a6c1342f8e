"""Invitations and membership changes: links, single use, expiry, revocation, rate limits,
the last manager, notifications and the activity log."""

from __future__ import annotations

import httpx
from sqlalchemy import update
from support.api import ApiUser
from support.live import LiveServer

from server.db.schema import invitations


def _link(manager: ApiUser, tender_id: int, role: str = "editor", email: str | None = None):
    body = {"role": role, **({"email": email} if email else {})}
    response = manager.post(f"/api/tenders/{tender_id}/invitations", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _register(server, token: str, name: str, email: str) -> httpx.Client:
    browser = httpx.Client(base_url=server.url)
    page = browser.get(f"/invitations/{token}")
    assert page.status_code == 200, page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    done = browser.post(
        f"/invitations/{token}/register",
        data={"csrf_token": csrf, "name": name, "email": email, "password": "motdepasse-solide"},
    )
    assert done.status_code == 303, done.text
    return browser


def test_a_link_creates_an_account_and_lands_in_the_tender_with_its_role(server, make_user):
    claire = make_user("Claire Martin")
    tender_id = claire.create_tender("Collecte des déchets")["id"]
    invitation = _link(claire, tender_id, "commenter", "nadia@ville.fr")
    assert invitation["url"].startswith(server.url + "/invitations/")
    assert len(invitation["url"].rsplit("/", 1)[1]) >= 43  # 256 random bits
    token = invitation["url"].rsplit("/", 1)[1]
    browser = _register(server, token, "Nadia Haddad", "nadia@ville.fr")
    landing = browser.get(f"/tenders/{tender_id}")
    assert landing.status_code == 200 and "Collecte des déchets" in landing.text
    members = claire.get(f"/api/tenders/{tender_id}/members").json()
    assert {m["email"]: m["role"] for m in members}["nadia@ville.fr"] == "commenter"
    # The invitation e-mail went to the outbox (no SMTP here), in French, with the link.
    admin_id = server.add_user("admin@ville.fr", "Admin", admin=True)
    assert admin_id
    mails = ApiUser(server.url, "admin@ville.fr").get("/api/admin/outbox").json()
    assert any(
        m["recipient"] == "nadia@ville.fr"
        and invitation["url"] in m["body"]
        and "Invitation" in m["subject"]
        for m in mails
    )


def test_tokens_are_single_use_and_every_bad_token_gets_the_same_answer(server, make_user):
    claire = make_user()
    karim = make_user()
    tender_id = claire.create_tender()["id"]
    used = _link(claire, tender_id)["url"].rsplit("/", 1)[1]
    revoked = _link(claire, tender_id)["url"].rsplit("/", 1)[1]
    expired = _link(claire, tender_id)["url"].rsplit("/", 1)[1]
    assert karim.post(f"/api/invitations/{used}/accept").status_code == 200
    pending = claire.get(f"/api/tenders/{tender_id}/invitations").json()
    assert len(pending) == 2
    assert (
        claire.delete(f"/api/tenders/{tender_id}/invitations/{pending[0]['id']}").status_code == 204
    )

    async def expire(db):
        async with db.begin() as conn:
            await conn.execute(
                update(invitations).where(invitations.c.id == pending[1]["id"]).values(expires_at=0)
            )

    server.db_call(expire)
    other = make_user()
    answers = [
        other.post(f"/api/invitations/{t}/accept")
        for t in (used, revoked, expired, "inconnu", "x" * 300)
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1
    assert "plus valable" in answers[0].json()["error"]["message"]
    assert other.get(f"/api/tenders/{tender_id}").status_code == 404
    page = httpx.get(f"{server.url}/invitations/{used}")
    assert page.status_code == 404 and "plus valable" in page.text


def test_an_invitation_only_opens_its_own_tender(server, make_user):
    claire = make_user()
    tender_a = claire.create_tender("A")["id"]
    tender_b = claire.create_tender("B")["id"]
    token = _link(claire, tender_a, "observer")["url"].rsplit("/", 1)[1]
    invitation_id = claire.get(f"/api/tenders/{tender_a}/invitations").json()[0]["id"]
    # Revoking it through another tender does nothing.
    assert claire.delete(f"/api/tenders/{tender_b}/invitations/{invitation_id}").status_code == 404
    guest = make_user()
    assert guest.post(f"/api/invitations/{token}/accept").json() == {
        "tender_id": tender_a,
        "role": "observer",
    }
    assert [t["title"] for t in guest.get("/api/tenders").json()] == ["A"]


def test_guessing_tokens_is_rate_limited(tmp_path):
    live = LiveServer(tmp_path / "data", env={"WIKIMARCHE_INVITATION_ATTEMPTS_PER_MINUTE": "10"})
    live.data_dir.mkdir()
    live.start()
    try:
        statuses = [httpx.get(f"{live.url}/invitations/essai{i}").status_code for i in range(14)]
        assert statuses[:10] == [404] * 10 and set(statuses[10:]) == {429}
    finally:
        live.close()


def test_existing_accounts_are_added_at_once_and_notified(server, make_user):
    claire = make_user("Claire Martin")
    karim = make_user("Karim Benali")
    tender_id = claire.create_tender("Voirie 2027")["id"]
    added = claire.post(
        f"/api/tenders/{tender_id}/members", json={"email": karim.email, "role": "editor"}
    )
    assert added.status_code == 201 and added.json()["user_id"] == karim.user_id
    again = claire.post(
        f"/api/tenders/{tender_id}/members", json={"email": karim.email, "role": "observer"}
    )
    assert again.status_code == 409
    assert karim.get(f"/api/tenders/{tender_id}").json()["role"] == "editor"
    unknown = claire.post(
        f"/api/tenders/{tender_id}/members", json={"email": "nouvelle@ville.fr", "role": "observer"}
    )
    assert unknown.status_code == 202 and "/invitations/" in unknown.json()["url"]
    bad = claire.post(
        f"/api/tenders/{tender_id}/members", json={"email": karim.email, "role": "admin"}
    )
    assert bad.status_code == 422


def test_a_tender_always_keeps_a_manager(server, make_user):
    claire = make_user()
    karim = make_user()
    tender_id = claire.create_tender()["id"]
    claire.post(f"/api/tenders/{tender_id}/members", json={"email": karim.email, "role": "editor"})
    me = f"/api/tenders/{tender_id}/members/{claire.user_id}"
    assert claire.patch(me, json={"role": "editor"}).json()["error"]["code"] == "last_manager"
    assert claire.delete(me).status_code == 409
    assert (
        claire.patch(
            f"/api/tenders/{tender_id}/members/{karim.user_id}", json={"role": "manager"}
        ).status_code
        == 200
    )
    assert claire.patch(me, json={"role": "observer"}).status_code == 200
    assert claire.get(f"/api/tenders/{tender_id}").json()["role"] == "observer"


def test_the_activity_log_records_changes_and_refusals(server, make_user):
    claire = make_user("Claire Martin")
    jean = make_user("Jean Dupont")
    tender_id = claire.create_tender()["id"]
    claire.post(f"/api/tenders/{tender_id}/members", json={"email": jean.email, "role": "observer"})
    assert jean.patch(f"/api/tenders/{tender_id}", json={"title": "X"}).status_code == 403
    claire.patch(f"/api/tenders/{tender_id}/members/{jean.user_id}", json={"role": "editor"})
    claire.delete(f"/api/tenders/{tender_id}/members/{jean.user_id}")
    kinds = [e["kind"] for e in claire.get(f"/api/tenders/{tender_id}/activity").json()]
    assert kinds == ["member_removed", "role_changed", "access_refused", "member_added"]
    page = claire.get(f"/tenders/{tender_id}/activity").text
    assert "Journal d'activité" in page and "accès refusé" in page and "Jean Dupont" in page
