"""The clause library in the database: proposals and curation, clause blocks seen by the
server (usage, update available, compliance), DCE templates and search across tenders."""

from __future__ import annotations

from support.api import ApiUser
from support.clauses import clause_block, write_blocks
from support.live import wait_until

import clauses
from server.db import accounts
from versions import build

LIBRARY = clauses.ClauseLibrary.load()


def make_curator(server, user: ApiUser) -> None:
    server.db_call(lambda db: accounts.update_user(db, user.user_id, is_curator=True))


def test_proposals_wait_for_a_curator(server, make_user):
    agent, curator = make_user(), make_user()
    make_curator(server, curator)
    proposal = {
        "title": "Covoiturage des intervenants",
        "family": "environnemental",
        "kind": "condition-execution",
        "pieces": ["CCAP"],
        "legal_basis": ["CCP-L2112-2"],
        "text": "Le titulaire organise le covoiturage de ses équipes au moins {{jours}} par mois.",
    }
    created = agent.post("/api/clauses", json=proposal)
    assert created.status_code == 201, created.text
    clause_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert clause_id not in [c["id"] for c in agent.get("/api/clauses?q=covoiturage").json()]
    # Only curators decide; a refusal changes nothing.
    path = f"/api/clauses/{clause_id}/versions/1/status"
    assert agent.post(path, json={"status": "validated"}).status_code == 403
    assert agent.get(f"/api/clauses/{clause_id}").json()["current_version"] is None
    assert curator.post(path, json={"status": "validated"}).status_code == 200
    found = agent.get("/api/clauses", params={"q": "covoitur"}).json()
    assert found[0]["id"] == clause_id  # title matches rank first
    # A new version replaces the old one once validated; deprecation needs no new text.
    second = agent.post(
        f"/api/clauses/{clause_id}/versions",
        json={**proposal, "text": proposal["text"] + " Un bilan annuel est remis."},
    )
    assert second.status_code == 201 and second.json()["version"] == 2
    curator.post(f"/api/clauses/{clause_id}/versions/2/status", json={"status": "validated"})
    detail = agent.get(f"/api/clauses/{clause_id}").json()
    assert detail["current_version"] == 2 and len(detail["versions"]) == 2
    deprecated = curator.post(path, json={"status": "deprecated"})
    assert deprecated.json()["valid_until"] is not None


def test_bad_proposals_are_refused_with_every_problem(make_user):
    agent = make_user()
    before = len(agent.get("/api/clauses").json())
    response = agent.post(
        "/api/clauses",
        json={"title": "", "family": "inconnue", "kind": "x", "pieces": [], "text": "{{"},
    )
    assert response.status_code == 422
    assert "famille" in response.json()["error"]["fields"]["clause"]
    assert len(agent.get("/api/clauses").json()) == before


def test_render_computes_insertion_hours(make_user):
    agent = make_user()
    insertion = next(c for c in LIBRARY.current_clauses() if any(p.computed for p in c.parameters))
    computed = next(p for p in insertion.parameters if p.computed)
    response = agent.post(
        f"/api/clauses/{insertion.id}/render",
        json={"params": {}, "estimated_value": 500000},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["paragraphs"] and body["computed"][computed.name] is not None
    bad = agent.post(f"/api/clauses/{insertion.id}/render", json={"params": []})
    assert bad.status_code == 422


def test_compliance_follows_the_clauses_in_the_documents(server, make_user):
    claire = make_user()
    tender = claire.create_tender(
        "Étude mobilité",
        launch_date="2026-09-01",
        estimated_value=80000,
        procedure="procedure-adaptee",
        purchase_category="intellectual_services",
    )
    document_id = claire.create_document(tender["id"], "CCAP", "CCAP")
    url = f"/api/tenders/{tender['id']}/compliance"
    before = {f["id"]: f["severity"] for f in claire.get(url).json()["findings"]}
    assert before["climat-condition-environnementale"] == "bloquant"
    write_blocks(server, claire, document_id, [clause_block("reunions-a-distance", {})])
    report = claire.get(url).json()  # refreshed now, not after the indexing delay
    assert "climat-condition-environnementale" not in {f["id"] for f in report["findings"]}
    assert report["clauses"][0]["clause_id"] == "reunions-a-distance"
    assert report["clauses"][0]["edited"] is False
    assert report["decp"]["environnementales"] != ["Pas de considération environnementale"]
    # Launched the day before the loi Climat obligations: advice, nothing blocks.
    claire.patch(f"/api/tenders/{tender['id']}", json={"launch_date": "2026-08-20"})
    early = claire.get(url).json()["findings"]
    assert all(f["severity"] != "bloquant" for f in early if f["id"].startswith("climat-"))
    # The clause is used once, in one tender.
    detail = claire.get("/api/clauses/reunions-a-distance").json()
    assert detail["used_in_tenders"] == 1


def test_an_edited_clause_block_is_flagged(server, make_user):
    claire = make_user()
    tender = claire.create_tender("Impression")
    document_id = claire.create_document(tender["id"])
    write_blocks(
        server, claire, document_id, [clause_block("reunions-a-distance", {}, edit=" Ajout.")]
    )
    report = claire.get(f"/api/tenders/{tender['id']}/compliance").json()
    assert report["clauses"][0]["edited"] is True


def test_a_tender_starts_from_a_template_or_a_past_tender(make_user):
    claire, outsider = make_user(), make_user()
    created = claire.post("/api/tenders", json={"title": "AMO", "template": "intellectual"})
    assert created.status_code == 201, created.text
    source = created.json()["id"]
    documents = claire.get(f"/api/tenders/{source}/documents").json()
    assert [d["kind"] for d in documents] == ["RC", "CCAP", "CCTP"]
    ccap = claire.document_text(documents[1]["id"])
    assert "CCAG" in ccap
    copy = claire.post("/api/tenders", json={"title": "AMO 2027", "copy_from": source})
    copied = claire.get(f"/api/tenders/{copy.json()['id']}/documents").json()
    assert [claire.document_text(d["id"]) for d in copied] == [
        claire.document_text(d["id"]) for d in documents
    ]
    # Nobody copies a tender they cannot read, and a refusal creates nothing.
    before = outsider.get("/api/tenders").json()
    refused = outsider.post("/api/tenders", json={"title": "Vol", "copy_from": source})
    assert refused.status_code == 422
    assert outsider.get("/api/tenders").json() == before
    assert claire.post("/api/tenders", json={"title": "X", "template": "?"}).status_code == 422


def test_search_across_my_tenders_highlights_and_respects_membership(server, make_user):
    claire, outsider = make_user(), make_user()
    tender = claire.create_tender("Restauration scolaire", reference="2026-RS-01")
    document_id = claire.create_document(tender["id"])
    write_blocks(
        server,
        claire,
        document_id,
        [build.paragraph("Les denrées issues de l'agriculture biologique représentent 20 %.")],
    )

    def found(user: ApiUser, query: str) -> list[dict]:
        return user.get("/api/search", params={"q": query}).json()

    hits = wait_until(lambda: [h for h in found(claire, "denree") if h["document_id"]], 15)
    assert "<mark>denrées</mark>" in hits[0]["excerpt_html"]
    assert found(claire, "restauration")[0]["tender_id"] == tender["id"]
    assert found(outsider, "denree") == [] and found(outsider, "restauration") == []
    # Markup in a document comes back escaped.
    write_blocks(server, claire, document_id, [build.paragraph("<script>denree()</script>")])
    hits = wait_until(lambda: [h for h in found(claire, "script") if h["document_id"]], 15)
    assert "<script>" not in hits[0]["excerpt_html"]


def test_library_pages_in_french(server, make_user):
    agent, curator = make_user(), make_user()
    make_curator(server, curator)
    page = agent.get("/library", params={"q": "insertion", "family": "social"})
    assert page.status_code == 200 and "Bibliothèque de clauses" in page.text
    assert "Condition d'exécution" in page.text or "Clause" in page.text
    clause_id = agent.get("/api/clauses", params={"q": "insertion"}).json()[0]["id"]
    detail = agent.get(f"/library/{clause_id}")
    assert "Fondement juridique" in detail.text and "Valider" not in detail.text
    form = agent.get("/library/propose", params={"text": "Passage choisi <b>"})
    assert "Passage choisi &lt;b&gt;" in form.text and "{{nom}}" in form.text
    # A form proposal, then a curator validates it from the clause page.
    response = agent.client.post(
        "/library/propose",
        data={
            "csrf_token": agent.csrf,
            "title": "Tri des biodéchets du chantier",
            "family": "environnemental",
            "kind": "condition-execution",
            "pieces": ["CCAP", "CCTP"],
            "legal_basis": ["CCP-L2112-2"],
            "text": "Le titulaire trie les biodéchets.",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert "Votre proposition est enregistrée" in agent.get(location).text
    assert "Propositions à examiner" in curator.get("/library").text
    new_id = location.split("/library/")[1].split("?")[0]
    assert "Valider" in curator.get(f"/library/{new_id}").text
    validated = curator.client.post(
        f"/library/{new_id}/versions/1/status",
        data={"csrf_token": curator.csrf, "status": "validated"},
        follow_redirects=False,
    )
    assert validated.status_code == 303
    assert agent.get("/api/clauses", params={"q": "biodechets"}).json()[0]["id"] == new_id


def test_tender_page_shows_compliance_and_creation_offers_templates(make_user):
    claire = make_user()
    tender = claire.create_tender("Nettoyage", launch_date="2026-10-01")
    page = claire.get(f"/tenders/{tender['id']}")
    assert "Conformité" in page.text and "Des points bloquent le marché" in page.text
    form = claire.get("/tenders/new")
    assert "Prestations intellectuelles (CCAG-PI 2021)" in form.text and "Nettoyage" in form.text
    created = claire.client.post(
        "/tenders",
        data={"csrf_token": claire.csrf, "title": "Étude", "start": "template:generic"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    assert "Règlement de la consultation" in claire.get(created.headers["location"]).text
