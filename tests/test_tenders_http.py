"""Tenders and documents over the JSON API and the HTML pages."""

from __future__ import annotations

import re


def test_create_read_update_and_delete_a_tender(make_user):
    claire = make_user()
    tender = claire.create_tender(
        "Entretien des espaces verts",
        reference="2026-EV-03",
        purchase_category="services",
        estimated_value="120 000,50",
        launch_date="2026-09-01",
    )
    assert tender["role"] == "manager" and tender["estimated_value"] == 120000.5
    assert tender["launch_date"] == "2026-09-01" and tender["status"] == "draft"
    assert [t["id"] for t in claire.get("/api/tenders").json()] == [tender["id"]]
    patched = claire.patch(f"/api/tenders/{tender['id']}", json={"title": "Espaces verts"})
    assert patched.status_code == 200 and patched.json()["title"] == "Espaces verts"
    assert claire.delete(f"/api/tenders/{tender['id']}").status_code == 204
    assert claire.get(f"/api/tenders/{tender['id']}").status_code == 404
    assert claire.get("/api/tenders").json() == []


def test_bad_tender_input_is_refused_with_field_messages_and_creates_nothing(make_user):
    claire = make_user()
    for body in (
        {},
        {"title": ""},
        {"title": "x" * 301},
        {"title": 3},
        {"title": "Ok", "estimated_value": "-5"},
        {"title": "Ok", "launch_date": "31/12/2026"},
        {"title": "Ok", "purchase_category": "armes"},
    ):
        response = claire.post("/api/tenders", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid_input"
        assert response.json()["error"]["fields"]
    assert (
        claire.post(
            "/api/tenders", content=b"{not json", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert claire.post("/api/tenders", json=[1, 2]).status_code == 400
    assert claire.get("/api/tenders").json() == []


def test_documents_are_added_renamed_and_deleted(make_user):
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    ids = [
        claire.create_document(tender_id, title, kind)
        for title, kind in (("Règlement", "RC"), ("Cahier technique", "CCTP"))
    ]
    listed = claire.get(f"/api/tenders/{tender_id}/documents").json()
    assert [(d["title"], d["kind"]) for d in listed] == [
        ("Règlement", "RC"),
        ("Cahier technique", "CCTP"),
    ]
    bad = claire.post(f"/api/tenders/{tender_id}/documents", json={"title": "X", "kind": "PDF"})
    assert bad.status_code == 422
    renamed = claire.patch(f"/api/documents/{ids[1]}", json={"title": "CCTP lot 1"})
    assert renamed.json()["title"] == "CCTP lot 1"
    fetched = claire.get(f"/api/documents/{ids[1]}").json()
    assert fetched["title"] == "CCTP lot 1" and fetched["text"] == "" and fetched["html"] == ""
    assert claire.delete(f"/api/documents/{ids[0]}").status_code == 204
    assert claire.get(f"/api/documents/{ids[0]}").status_code == 404
    assert [d["id"] for d in claire.get(f"/api/tenders/{tender_id}/documents").json()] == [ids[1]]


def test_outsiders_get_404_for_everything_and_never_a_hint(make_user):
    claire = make_user()
    outsider = make_user()
    tender_id = claire.create_tender("Marché confidentiel")["id"]
    doc_id = claire.create_document(tender_id)
    for method, path in (
        ("get", f"/api/tenders/{tender_id}"),
        ("get", f"/api/tenders/{tender_id}/documents"),
        ("get", f"/api/tenders/{tender_id}/members"),
        ("patch", f"/api/tenders/{tender_id}"),
        ("delete", f"/api/tenders/{tender_id}"),
        ("get", f"/api/documents/{doc_id}"),
        ("delete", f"/api/documents/{doc_id}"),
        ("get", "/api/tenders/999999"),
        ("get", "/api/documents/abc"),
    ):
        kwargs = {"json": {"title": "pirate"}} if method == "patch" else {}
        response = getattr(outsider, method)(path, **kwargs)
        assert response.status_code == 404, (method, path)
    assert outsider.get("/api/tenders").json() == []
    assert claire.get(f"/api/tenders/{tender_id}").json()["title"] == "Marché confidentiel"
    assert outsider.get(f"/documents/{doc_id}").status_code == 404


def test_members_lacking_the_right_get_403(make_user, add_member):
    claire = make_user()
    jean = make_user()
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    add_member(tender_id, jean.user_id, "observer")
    assert jean.get(f"/api/documents/{doc_id}").status_code == 200
    refused = jean.patch(f"/api/tenders/{tender_id}", json={"title": "Changé"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert (
        jean.post(
            f"/api/tenders/{tender_id}/documents", json={"title": "X", "kind": "RC"}
        ).status_code
        == 403
    )
    assert jean.delete(f"/api/documents/{doc_id}").status_code == 403


def test_pages_show_the_tender_and_escape_user_text(make_user):
    claire = make_user()
    payload = '<script>alert("x")</script>'
    tender_id = claire.create_tender(f"Marché {payload}")["id"]
    claire.create_document(tender_id, f"Pièce {payload}", "RC")
    for path in ("/tenders", f"/tenders/{tender_id}"):
        html = claire.get(path).text
        assert payload not in html and "Marché &lt;script&gt;alert(" in html
    html = claire.get(f"/tenders/{tender_id}").text
    assert "Pièces du marché" in html and "Ajouter une pièce" in html


def test_document_delete_asks_for_confirmation_first(make_user):
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id, "Acte d'engagement", "AE")
    confirm = claire.get(f"/documents/{doc_id}/delete")
    assert confirm.status_code == 200 and "Supprimer le document ?" in confirm.text
    assert claire.get(f"/api/documents/{doc_id}").status_code == 200  # still there
    done = claire.client.post(f"/documents/{doc_id}/delete", data={"csrf_token": claire.csrf})
    assert done.status_code == 303
    assert claire.get(f"/api/documents/{doc_id}").status_code == 404


def test_security_headers_are_set(make_user):
    claire = make_user()
    response = claire.get("/tenders")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_managers_edit_and_delete_a_tender_from_its_pages(make_user, add_member):
    claire = make_user()
    karim = make_user()
    tender_id = claire.create_tender("Ancien titre")["id"]
    add_member(tender_id, karim.user_id, "editor")
    form = claire.get(f"/tenders/{tender_id}/edit")
    assert form.status_code == 200 and "Paramètres du marché" in form.text
    assert karim.get(f"/tenders/{tender_id}/edit").status_code == 403
    saved = claire.client.post(
        f"/tenders/{tender_id}/edit",
        data={
            "csrf_token": claire.csrf,
            "title": "Nouveau titre",
            "reference": "R-1",
            "purchase_category": "works",
            "estimated_value": "1 500,00",
            "launch_date": "",
        },
    )
    assert saved.status_code == 303
    assert claire.get(f"/api/tenders/{tender_id}").json()["estimated_value"] == 1500.0
    invalid = claire.client.post(
        f"/tenders/{tender_id}/edit",
        data={"csrf_token": claire.csrf, "title": "", "estimated_value": "beaucoup"},
    )
    assert invalid.status_code == 422 and "Certains champs sont invalides" in invalid.text
    assert claire.get(f"/api/tenders/{tender_id}").json()["title"] == "Nouveau titre"
    assert "Supprimer le marché ?" in claire.get(f"/tenders/{tender_id}/delete").text
    done = claire.client.post(f"/tenders/{tender_id}/delete", data={"csrf_token": claire.csrf})
    assert done.status_code == 303
    assert karim.get(f"/api/tenders/{tender_id}").status_code == 404


def test_members_writing_together_have_caret_colours_of_their_own(make_user, add_member):
    claire = make_user()
    team = [make_user() for _ in range(4)]
    tender_id = claire.create_tender()["id"]
    documents = [claire.create_document(tender_id, title, "RC") for title in ("RC", "CCAP")]
    for member, role in zip(team, ("editor", "commenter", "observer", "editor"), strict=True):
        add_member(tender_id, member.user_id, role)

    def colour(user, document_id: int) -> str:
        page = user.get(f"/documents/{document_id}").text
        found = re.search(r'data-user-color="(#[0-9a-f]{6})"', page)
        assert found is not None
        return found.group(1)

    colours = [colour(user, documents[0]) for user in (claire, *team)]
    # Five people in one tender: five carets told apart by colour, not only by name.
    assert len(set(colours)) == 5
    # Each keeps hers in every document of the tender, and when someone joins later.
    add_member(tender_id, make_user().user_id, "editor")
    assert [colour(user, documents[1]) for user in (claire, *team)] == colours
