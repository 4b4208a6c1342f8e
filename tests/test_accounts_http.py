"""Accounts and sessions over real HTTP: sign in, CSRF, rotation, logout everywhere."""

from __future__ import annotations

import httpx
from support.api import ApiUser


def test_sign_in_returns_user_and_csrf_and_sets_an_httponly_cookie(server):
    server.add_user("claire@ville.fr", "Claire Martin")
    response = httpx.post(
        server.url + "/api/session",
        json={"email": "claire@ville.fr", "password": "motdepasse-solide"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == "claire@ville.fr" and body["user"]["name"] == "Claire Martin"
    assert len(body["csrf_token"]) >= 32
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_bad_credentials_get_401_with_the_same_message_for_unknown_accounts(server):
    server.add_user("claire@ville.fr", "Claire Martin")
    wrong = httpx.post(
        server.url + "/api/session", json={"email": "claire@ville.fr", "password": "mauvais-mot"}
    )
    unknown = httpx.post(
        server.url + "/api/session", json={"email": "personne@ville.fr", "password": "mauvais-mot"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "bad_credentials"
    assert "mot de passe" in wrong.json()["error"]["message"]


def test_login_is_rate_limited(tmp_path):
    from support.live import LiveServer

    live = LiveServer(tmp_path / "data", env={"WIKIMARCHE_LOGIN_ATTEMPTS_PER_MINUTE": "5"})
    live.data_dir.mkdir()
    live.start()
    try:
        statuses = [
            httpx.post(
                live.url + "/api/session", json={"email": "x@ville.fr", "password": f"essai-{i}"}
            ).status_code
            for i in range(8)
        ]
        assert statuses[:5] == [401] * 5 and statuses[5:] == [429] * 3
    finally:
        live.close()


def test_state_changing_requests_need_the_csrf_token_of_their_own_session(make_user):
    claire = make_user()
    karim = make_user()
    for token in (None, "faux-jeton", karim.csrf):
        headers = {} if token is None else {"X-CSRF-Token": token}
        claire.client.headers.pop("X-CSRF-Token", None)
        response = claire.client.post("/api/tenders", json={"title": "Sans jeton"}, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "csrf_rejected"
    claire.client.headers["X-CSRF-Token"] = claire.csrf
    assert claire.get("/api/tenders").json() == []  # nothing was created


def test_session_id_is_rotated_at_sign_in_and_logout_kills_it_everywhere(server, make_user):
    claire = make_user(email="claire@ville.fr")
    first_cookie = claire.client.cookies["wm_session"]
    again = ApiUser(server.url, "claire@ville.fr")
    assert again.client.cookies["wm_session"] != first_cookie
    # A copy of the cookie (another device, or a thief) stops working after logout.
    stolen = httpx.Client(base_url=server.url, cookies={"wm_session": first_cookie})
    assert stolen.get("/api/tenders").status_code == 200
    assert claire.delete("/api/session").status_code == 204
    assert stolen.get("/api/tenders").status_code == 401
    assert again.get("/api/tenders").status_code == 200


def test_anonymous_requests_get_401_and_pages_redirect_to_login(server):
    assert httpx.get(server.url + "/api/tenders").status_code == 401
    page = httpx.get(server.url + "/tenders/1")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/tenders/1"


def test_login_form_signs_in_and_logout_form_signs_out(server):
    server.add_user("claire@ville.fr", "Claire Martin")
    browser = httpx.Client(base_url=server.url)
    form = browser.get("/login")
    assert "Se connecter" in form.text
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    bad = browser.post(
        "/login", data={"csrf_token": token, "email": "claire@ville.fr", "password": "faux"}
    )
    assert bad.status_code == 401 and "Adresse électronique ou mot de passe incorrect" in bad.text
    done = browser.post(
        "/login",
        data={
            "csrf_token": token,
            "email": "claire@ville.fr",
            "password": "motdepasse-solide",
            "next": "/tenders",
        },
    )
    assert done.status_code == 303 and done.headers["location"] == "/tenders"
    home = browser.get("/tenders")
    assert "Mes marchés" in home.text and "Claire Martin" in home.text
    csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert browser.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert browser.get("/tenders").status_code == 303


def test_login_form_without_its_token_is_refused(server):
    server.add_user("claire@ville.fr", "Claire Martin")
    response = httpx.post(
        server.url + "/login", data={"email": "claire@ville.fr", "password": "motdepasse-solide"}
    )
    assert response.status_code == 403 and "wm_session" not in response.headers.get(
        "set-cookie", ""
    )


def test_english_is_selectable(server):
    browser = httpx.Client(base_url=server.url)
    response = browser.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 303
    assert "Sign in" in browser.get("/login").text
