"""Versions on a live document: named and automatic versions, viewing, restoring while
people type, the zombie scenario, and who may do what."""

from __future__ import annotations

import pytest
from support.live import LiveServer, wait_until


@pytest.fixture
def server(tmp_path):
    live = LiveServer(
        tmp_path / "data",
        env={"WIKIMARCHE_VERSION_QUIET_SECONDS": "0.5", "WIKIMARCHE_VERSION_MAX_SECONDS": "3"},
    )
    live.data_dir.mkdir()
    live.start()
    yield live
    live.close()


def lines(text: str) -> list[str]:
    """Paragraphs of a text (the API separates top-level blocks by a blank line)."""
    return [line for line in text.split("\n") if line]


def _tender(make_user, add_member, *roles):
    claire = make_user("Claire Martin")
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    others = []
    for role in roles:
        user = make_user()
        add_member(tender_id, user.user_id, role)
        others.append(user)
    return claire, doc_id, others


def test_named_versions_are_listed_and_viewable_as_they_were(server, make_user, add_member, yjs):
    claire, doc_id, _ = _tender(make_user, add_member)
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Première rédaction.")
    created = claire.post(f"/api/documents/{doc_id}/versions", json={"label": "Envoi DAJCP"})
    assert created.status_code == 201
    first = created.json()
    assert first["number"] == 1 and first["kind"] == "named" and first["label"] == "Envoi DAJCP"
    assert first["authors"] == ["Claire Martin"] and first["words_added"] == 2
    yjs.call("insert", name="a", index="end", text=" Seconde phrase.")
    wait_until(lambda: "Seconde" in claire.document_text(doc_id))
    assert claire.get(f"/api/documents/{doc_id}/versions/1").json()["text"] == "Première rédaction."
    assert claire.post(f"/api/documents/{doc_id}/versions", json={"label": ""}).status_code == 422
    page = claire.get(f"/documents/{doc_id}/history").text
    assert "Envoi DAJCP" in page and "Historique" in page


def test_automatic_versions_follow_a_quiet_period(server, make_user, add_member, yjs):
    claire, doc_id, _ = _tender(make_user, add_member)
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Texte automatique.")
    versions = wait_until(
        lambda: claire.get(f"/api/documents/{doc_id}/versions").json(), 10, "an automatic version"
    )
    assert versions[0]["kind"] == "auto" and versions[0]["authors"] == ["Claire Martin"]


def test_the_zombie_scenario_restored_content_stays_and_offline_typing_is_kept(
    server, make_user, add_member, yjs
):
    claire, doc_id, (b, c, d) = _tender(make_user, add_member, "editor", "editor", "editor")
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Intro. Keep this café paragraph.")
    v1 = claire.post(f"/api/documents/{doc_id}/versions", json={"label": "V1"}).json()["number"]
    for name, user in (("b", b), ("c", c), ("d", d)):
        yjs.connect(name, server.ws_url, doc_id, user.ws_headers)
    yjs.call("append_paragraph", name="a", text="VANDAL TEXT.")
    yjs.call("delete", name="a", index=7, length=10)  # "Keep this "
    yjs.call("wait_equal", names=["a", "b", "c", "d"])
    for name in ("b", "c", "d"):
        yjs.call("disconnect", name=name)
        yjs.call("append_paragraph", name=name, text=f"Note hors ligne de {name}.")
    restored = claire.post(f"/api/documents/{doc_id}/restore", json={"version": v1})
    assert restored.status_code == 201 and restored.json()["kind"] == "restore"
    assert restored.json()["label"] == f"Restauration de la version {v1}"
    yjs.call("wait_text", name="a", contains="Keep this café")
    for name in ("b", "c", "d"):
        yjs.call("reconnect", name=name)
    yjs.call("wait_equal", names=["a", "b", "c", "d"], timeout=20)
    final = yjs.text("a")
    assert "Intro. Keep this café paragraph." in final
    assert "VANDAL" not in final
    assert all(f"Note hors ligne de {n}." in final for n in ("b", "c", "d"))
    wait_until(lambda: lines(claire.document_text(doc_id)) == lines(final), 10)
    kinds = [v["kind"] for v in claire.get(f"/api/documents/{doc_id}/versions").json()]
    assert kinds[:2] == ["restore", "auto"]  # the version before the restore allows undo


def test_restore_during_concurrent_typing_by_five_clients_converges(
    server, make_user, add_member, yjs
):
    claire, doc_id, others = _tender(make_user, add_member, *["editor"] * 4)
    yjs.connect("c0", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="c0", index=0, text="Paragraphe restauré.")
    v1 = claire.post(f"/api/documents/{doc_id}/versions", json={"label": "V1"}).json()["number"]
    yjs.call("insert", name="c0", index="end", text=" Ajout à annuler.")
    for i, user in enumerate(others, start=1):
        yjs.connect(f"c{i}", server.ws_url, doc_id, user.ws_headers)
        yjs.call("append_paragraph", name=f"c{i}", text=f"Ligne {i} :")
    names = [f"c{i}" for i in range(5)]
    yjs.call("wait_equal", names=names)
    bursts = [
        ("burst", {"name": n, "count": 60, "interval_ms": 5, "prefix": f"{n}-"}) for n in names
    ]
    import threading

    results: list = []
    thread = threading.Thread(target=lambda: results.extend(yjs.call_many(bursts)))
    thread.start()
    assert claire.post(f"/api/documents/{doc_id}/restore", json={"version": v1}).status_code == 201
    thread.join()
    yjs.call("wait_equal", names=names, timeout=30)
    final = yjs.text("c0")
    assert "Paragraphe restauré." in final and "Ajout à annuler" not in final
    wait_until(lambda: lines(claire.document_text(doc_id)) == lines(final), 10)


def test_observers_and_commenters_compare_but_cannot_name_or_restore(
    server, make_user, add_member, yjs
):
    claire, doc_id, (observer, commenter) = _tender(make_user, add_member, "observer", "commenter")
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Texte.")
    claire.post(f"/api/documents/{doc_id}/versions", json={"label": "V1"})
    for user in (observer, commenter):
        assert user.get(f"/api/documents/{doc_id}/versions").status_code == 200
        assert user.get(f"/api/documents/{doc_id}/diff?from=1&to=current").status_code == 200
        assert (
            user.post(f"/api/documents/{doc_id}/versions", json={"label": "X"}).status_code == 403
        )
        assert user.post(f"/api/documents/{doc_id}/restore", json={"version": 1}).status_code == 403
        assert "Restaurer" not in user.get(f"/documents/{doc_id}/history").text


def test_diff_reports_moves_words_and_escapes_text(server, make_user, add_member, yjs):
    claire, doc_id, _ = _tender(make_user, add_member)
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    first = "Le titulaire livre le rapport de diagnostic sous deux mois."
    second = "Les prestations sont réglées par virement administratif."
    yjs.call("insert", name="a", index=0, text=first)
    yjs.call("append_paragraph", name="a", text=second)
    yjs.call("append_paragraph", name="a", text='<img src=x onerror="alert(1)">')
    claire.post(f"/api/documents/{doc_id}/versions", json={"label": "V1"})
    same = claire.get(f"/api/documents/{doc_id}/diff?from=1&to=1").json()
    assert all(e["op"] == "equal" for e in same["entries"])
    assert same["summary"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "moved": 0,
        "words_added": 0,
        "words_removed": 0,
    }
    # Move the first paragraph to the end and change one word of the second.
    yjs.call("delete", name="a", index=0, length=len(first))
    yjs.call("append_paragraph", name="a", text=first)
    yjs.call("insert", name="a", index=0, text="X")
    diff = wait_until(
        lambda: (
            claire.get(f"/api/documents/{doc_id}/diff?from=1&to=current").json()
            if "X" in claire.document_text(doc_id)
            else None
        ),
        10,
    )
    assert diff["summary"]["moved"] == 1
    assert "<img src=x" not in diff["html"] and "&lt;img src=x" in diff["html"]
    assert "&lt;img" in diff["html_side_by_side"]
    page = claire.get(f"/documents/{doc_id}/compare?from=1&to=current")
    assert page.status_code == 200 and "déplacé du paragraphe 1 au paragraphe 4" in page.text
    assert "<img src=x" not in page.text
    assert claire.get(f"/api/documents/{doc_id}/diff?from=abc&to=1").status_code == 422
    assert claire.get(f"/api/documents/{doc_id}/diff?from=99&to=1").status_code == 404
