"""Addresses no route answers (an old bookmark, a link cut short in an e-mail, a wrong
method): the refusal every route gives, in the reader's language, never bare text."""

from __future__ import annotations

import httpx


def test_an_unknown_address_shows_the_usual_page_with_the_way_back(server, make_user):
    claire = make_user("Claire Martin")
    page = claire.get("/documents/1/historique")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "pas partagée avec vous." in page.text  # "Cette page n'existe pas ou…"
    assert 'href="/tenders"' in page.text
    assert "Claire Martin" in page.text  # the header of every page, signed in
    assert page.headers["x-content-type-options"] == "nosniff"

    claire.client.cookies.set("wm_lang", "en")
    assert "This page does not exist or is not shared with you." in claire.get("/nowhere").text

    stranger = httpx.get(f"{server.url}/nulle-part")
    assert stranger.status_code == 404
    assert "pas partagée avec vous." in stranger.text and "Se déconnecter" not in stranger.text


def test_the_api_answers_unknown_addresses_and_methods_with_its_json_error(make_user):
    claire = make_user()
    unknown = claire.get("/api/marches")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"

    wrong = claire.put("/api/tenders", json={})
    assert wrong.status_code == 405
    assert wrong.json()["error"] == {
        "code": "method_not_allowed",
        "message": "Cette adresse n'accepte pas ce type de demande.",
    }
    assert set(wrong.headers["allow"].split(", ")) >= {"GET", "POST"}
    assert claire.get("/api/tenders").json() == []  # and nothing was made

    page = claire.delete("/tenders")
    assert page.status_code == 405 and "accepte pas ce type de demande." in page.text
