"""Role changes reach open connections at once: demotion, removal, logout, promotion,
per-document roles and disabled accounts."""

from __future__ import annotations

from support.live import wait_until


def _codes(yjs, name):
    return yjs.call("close_codes", name=name)["codes"]


def _setup(make_user, role="editor"):
    claire = make_user("Claire Martin")
    karim = make_user("Karim Benali")
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    claire.post(f"/api/tenders/{tender_id}/members", json={"email": karim.email, "role": role})
    return claire, karim, tender_id, doc_id


def test_a_demoted_editor_cannot_write_the_next_second(server, make_user, yjs):
    claire, karim, tender_id, doc_id = _setup(make_user)
    yjs.connect("claire", server.ws_url, doc_id, claire.ws_headers)
    yjs.connect("karim", server.ws_url, doc_id, karim.ws_headers)
    yjs.call("insert", name="karim", index=0, text="Avant. ")
    yjs.call("wait_text", name="claire", contains="Avant.")
    demoted = claire.patch(
        f"/api/tenders/{tender_id}/members/{karim.user_id}", json={"role": "observer"}
    )
    assert demoted.status_code == 200
    yjs.call("insert", name="karim", index="end", text="Après.")
    wait_until(lambda: 4403 in _codes(yjs, "karim"), 1.0, "the write to be refused")
    yjs.call("insert", name="claire", index="end", text="Fin.")
    assert claire.document_text(doc_id) == "Avant. Fin."


def test_a_removed_member_is_disconnected_at_once(server, make_user, yjs):
    claire, karim, tender_id, doc_id = _setup(make_user)
    yjs.connect("karim", server.ws_url, doc_id, karim.ws_headers)
    claire.delete(f"/api/tenders/{tender_id}/members/{karim.user_id}")
    wait_until(lambda: 4403 in _codes(yjs, "karim"), 1.0, "the socket to close")
    again = yjs.connect("again", server.ws_url, doc_id, karim.ws_headers)
    assert again.get("closed") == 4404


def test_logout_closes_the_users_sockets(server, make_user, yjs):
    claire, karim, _tender_id, doc_id = _setup(make_user)
    yjs.connect("karim", server.ws_url, doc_id, karim.ws_headers)
    assert karim.delete("/api/session").status_code == 204
    wait_until(lambda: 4401 in _codes(yjs, "karim"), 1.0, "the socket to close")


def test_a_promoted_observer_writes_without_reconnecting(server, make_user, yjs):
    claire, jean, tender_id, doc_id = _setup(make_user, role="observer")
    yjs.connect("claire", server.ws_url, doc_id, claire.ws_headers)
    yjs.connect("jean", server.ws_url, doc_id, jean.ws_headers)
    claire.patch(f"/api/tenders/{tender_id}/members/{jean.user_id}", json={"role": "editor"})
    yjs.call("insert", name="jean", index=0, text="Promu. ")
    yjs.call("wait_text", name="claire", contains="Promu.")
    assert _codes(yjs, "jean") == []


def test_a_document_role_overrides_the_tender_role(server, make_user, yjs):
    claire, jean, tender_id, cctp = _setup(make_user, role="observer")
    rc = claire.create_document(tender_id, "Règlement", "RC")
    assert (
        claire.put(
            f"/api/documents/{cctp}/roles/{jean.user_id}", json={"role": "editor"}
        ).status_code
        == 200
    )
    yjs.connect("cctp", server.ws_url, cctp, jean.ws_headers)
    yjs.connect("rc", server.ws_url, rc, jean.ws_headers)
    yjs.call("insert", name="cctp", index=0, text="Rédigé par Jean.")
    wait_until(lambda: claire.document_text(cctp) == "Rédigé par Jean.", 5)
    yjs.call("insert", name="rc", index=0, text="Interdit.")
    wait_until(lambda: 4403 in _codes(yjs, "rc"), 5)
    assert claire.document_text(rc) == ""
    # Back to the tender role: the CCTP socket becomes read-only at once.
    claire.put(f"/api/documents/{cctp}/roles/{jean.user_id}", json={"role": None})
    yjs.call("insert", name="cctp", index="end", text=" Encore.")
    wait_until(lambda: 4403 in _codes(yjs, "cctp"), 1.0)
    assert claire.document_text(cctp) == "Rédigé par Jean."


def test_a_disabled_account_loses_its_sessions_and_sockets(server, make_user, yjs):
    claire, karim, _tender_id, doc_id = _setup(make_user)
    server.add_user("admin@ville.fr", "Admin", admin=True)
    from support.api import ApiUser

    admin = ApiUser(server.url, "admin@ville.fr")
    yjs.connect("karim", server.ws_url, doc_id, karim.ws_headers)
    assert (
        admin.patch(f"/api/admin/users/{karim.user_id}", json={"is_active": False}).status_code
        == 200
    )
    wait_until(lambda: 4401 in _codes(yjs, "karim"), 1.0)
    assert karim.get("/api/tenders").status_code == 401
