"""Validation and publication: named reviewers, approvals outdated by edits, publication
that freezes the tender (websocket and API) while comments stay open, reopening."""

from __future__ import annotations

import pytest
from support.live import wait_until

from roles import Action, Role
from roles.workflow import Decision, Review, State, Step, WorkflowError, check, effective_state


def _state(user, tender_id):
    return user.get(f"/api/tenders/{tender_id}/workflow").json()


def _setup(make_user, add_member):
    claire = make_user("Claire Martin")
    dajcp = make_user("Service DAJCP")
    technique = make_user("Direction technique")
    paul = make_user("Paul Rédacteur")
    tender_id = claire.create_tender("Marché de nettoyage")["id"]
    add_member(tender_id, dajcp.user_id, "observer")
    add_member(tender_id, technique.user_id, "editor")
    add_member(tender_id, paul.user_id, "editor")
    doc_id = claire.create_document(tender_id)
    return claire, dajcp, technique, paul, tender_id, doc_id


def test_approvals_are_outdated_by_an_edit_and_publication_needs_them_current(
    server, make_user, add_member, yjs
):
    claire, dajcp, technique, paul, tender_id, doc_id = _setup(make_user, add_member)
    yjs.connect("paul", server.ws_url, doc_id, paul.ws_headers)
    yjs.call("insert", name="paul", index=0, text="Article 1 - Objet du marché. ")
    wait_until(lambda: "Objet" in claire.document_text(doc_id), what="the first edit")
    assert _state(dajcp, tender_id)["state"] == "draft"

    reviewers = [dajcp.user_id, technique.user_id]
    path = f"/api/tenders/{tender_id}/workflow"
    assert paul.post(f"{path}/reviewers", json={"user_ids": reviewers}).status_code == 403
    assert claire.post(f"{path}/reviewers", json={"user_ids": [999]}).status_code == 422
    assert claire.post(f"{path}/reviewers", json={"user_ids": reviewers}).status_code == 200
    assert _state(paul, tender_id)["state"] == "in_validation"
    refused = claire.post(f"{path}/publish")
    assert refused.status_code == 409 and "approbation" in refused.json()["error"]["message"]
    assert paul.post(f"{path}/answer", json={"approve": True}).status_code == 409
    assert dajcp.post(f"{path}/answer", json={"approve": False}).status_code == 422

    assert dajcp.post(f"{path}/answer", json={"approve": True}).status_code == 200
    status = technique.post(f"{path}/answer", json={"approve": True}).json()
    assert status["state"] == "validated"
    assert {r["decision"] for r in status["reviews"]} == {"approved"}

    # An edit after the approvals outdates both of them.
    yjs.call("insert", name="paul", index="end", text="Ajout tardif.")
    wait_until(lambda: _state(claire, tender_id)["state"] == "in_validation", what="outdated")
    assert {r["decision"] for r in _state(claire, tender_id)["reviews"]} == {"outdated"}
    assert claire.post(f"{path}/publish").status_code == 409

    changes = {"approve": False, "comment": "Préciser la durée du marché."}
    status = technique.post(f"{path}/answer", json=changes).json()
    by_name = {r["name"]: r for r in status["reviews"]}
    assert by_name["Direction technique"]["decision"] == "changes_requested"
    assert by_name["Direction technique"]["comment"] == "Préciser la durée du marché."


def test_publication_freezes_the_tender_and_reopening_is_recorded(
    server, make_user, add_member, yjs
):
    claire, dajcp, technique, paul, tender_id, doc_id = _setup(make_user, add_member)
    second = claire.create_document(tender_id, "RC", "RC")
    yjs.connect("paul", server.ws_url, doc_id, paul.ws_headers)
    yjs.call("insert", name="paul", index=0, text="Texte validé. ")
    wait_until(lambda: "validé" in claire.document_text(doc_id), what="the edit")
    path = f"/api/tenders/{tender_id}/workflow"
    claire.post(f"{path}/reviewers", json={"user_ids": [dajcp.user_id]})
    dajcp.post(f"{path}/answer", json={"approve": True, "comment": "Conforme."})
    assert paul.post(f"{path}/publish").status_code == 403
    published = claire.post(f"{path}/publish")
    assert published.status_code == 200 and published.json()["state"] == "published"
    for document in (doc_id, second):
        kinds = [v["kind"] for v in claire.get(f"/api/documents/{document}/versions").json()]
        assert kinds[0] == "publish"

    # The open editor is now read-only: its write is refused and reaches nobody.
    yjs.call("insert", name="paul", index="end", text="INTRUSION")
    wait_until(lambda: 4403 in yjs.call("close_codes", name="paul")["codes"], what="refusal")
    assert "INTRUSION" not in claire.document_text(doc_id)
    yjs.connect("late", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="late", index=0, text="MANAGER ")
    wait_until(lambda: 4403 in yjs.call("close_codes", name="late")["codes"], what="refusal")
    assert claire.document_text(doc_id) == "Texte validé. "

    # API writes are refused with a clear message; reading and commenting still work.
    restore = claire.post(f"/api/documents/{doc_id}/restore", json={"version": 1})
    assert restore.status_code == 409
    assert "publié" in restore.json()["error"]["message"]
    new_doc = claire.post(f"/api/tenders/{tender_id}/documents", json={"title": "AE", "kind": "AE"})
    assert new_doc.status_code == 409
    imported = claire.post(
        f"/api/documents/{second}/import", files={"file": ("ajout.md", b"# Ajout")}
    )
    assert imported.status_code == 409 and claire.document_text(second) == ""
    yjs.connect("reader", server.ws_url, doc_id, technique.ws_headers)
    anchor = yjs.call("anchor", name="reader", index=0, length=5)
    comment = technique.post(
        f"/api/documents/{doc_id}/comments",
        json={
            "body": "Vu.",
            "anchor": {"start": anchor["start"], "end": anchor["end"]},
            "quote": anchor["quote"],
        },
    )
    assert comment.status_code == 201
    assert dajcp.get(f"/api/documents/{doc_id}/comments").json()[0]["body"] == "Vu."
    page = claire.get(f"/tenders/{tender_id}")
    assert "Publié" in page.text and "lecture seule" in page.text

    assert paul.post(f"{path}/reopen").status_code == 403
    assert claire.post(f"{path}/reopen").json()["state"] == "draft"
    kinds = [a["kind"] for a in claire.get(f"/api/tenders/{tender_id}/activity").json()]
    assert "tender_reopened" in kinds and "tender_published" in kinds
    yjs.connect("again", server.ws_url, doc_id, paul.ws_headers)
    yjs.call("insert", name="again", index="end", text="Reprise.")
    wait_until(lambda: "Reprise." in claire.document_text(doc_id), what="editing again")


def test_workflow_rules():
    manager, editor = Role.MANAGER, Role.EDITOR
    assert check(Step.REQUEST, State.DRAFT, role=manager, reviewers=2) == State.IN_VALIDATION
    with pytest.raises(WorkflowError):
        check(Step.REQUEST, State.DRAFT, role=editor, reviewers=2)
    with pytest.raises(WorkflowError):
        check(Step.REQUEST, State.DRAFT, role=manager, reviewers=0)
    with pytest.raises(WorkflowError):
        check(Step.PUBLISH, State.IN_VALIDATION, role=manager)
    assert check(Step.PUBLISH, State.VALIDATED, role=manager) == State.PUBLISHED
    with pytest.raises(WorkflowError):
        check(Step.APPROVE, State.PUBLISHED, role=editor, is_reviewer=True)
    assert check(Step.REOPEN, State.PUBLISHED, role=manager) == State.DRAFT
    approved = Review(1, Decision.APPROVED, {10: 5, 11: 0})
    assert effective_state("in_validation", [approved], {10: 5, 11: 0}) == State.VALIDATED
    assert effective_state("in_validation", [approved], {10: 6, 11: 0}) == State.IN_VALIDATION
    assert effective_state("in_validation", [approved], {10: 5, 11: 0, 12: 0}) == "in_validation"
    assert Action.DOCUMENT_EDIT.value == "document.edit"
