"""The clause library over the JSON API: accent-insensitive search, filters, details."""

from __future__ import annotations


def test_search_folds_accents_and_filters(make_user):
    claire = make_user()
    everything = claire.get("/api/clauses").json()
    assert len(everything) >= 30
    for query in ("réservé", "reserve", "RÉSERVÉ"):
        found = claire.get("/api/clauses", params={"q": query}).json()
        assert found and all("id" in c for c in found), query
    insertion = claire.get("/api/clauses", params={"q": "insertion"}).json()
    assert insertion and "insertion" in insertion[0]["title"].lower()
    social = claire.get("/api/clauses", params={"family": "social"}).json()
    assert social and {c["family"] for c in social} == {"social"}
    cctp = claire.get("/api/clauses", params={"piece": "CCTP"}).json()
    assert cctp and all("CCTP" in c["pieces"] for c in cctp)
    assert claire.get("/api/clauses", params={"family": "inconnue"}).json() == []


def test_a_clause_shows_its_legal_basis_parameters_and_versions(make_user):
    claire = make_user()
    first = claire.get("/api/clauses", params={"q": "insertion"}).json()[0]
    detail = claire.get(f"/api/clauses/{first['id']}").json()
    assert detail["legal_basis"] and detail["legal_basis"][0]["label"]
    assert detail["paragraphs"] and detail["versions"][-1]["version"] == detail["version"]
    assert all(p["label"] and p["type"] for p in detail["parameters"])
    assert claire.get("/api/clauses/n-existe-pas").status_code == 404


def test_the_library_needs_an_account(server):
    import httpx

    assert httpx.get(server.url + "/api/clauses").status_code == 401
