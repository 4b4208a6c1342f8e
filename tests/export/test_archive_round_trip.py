"""A tender's lossless archive, imported into a fresh instance: same documents, history,
versions, comments (and their anchors), activity and validation state under new ids."""

from __future__ import annotations

import subprocess
import sys

from support.api import ApiUser
from support.content import every_node_type, write_document
from support.live import ROOT, LiveServer, wait_until


def wikimarche(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _snapshot(user: ApiUser, tender_id: int) -> dict:
    """What a user sees of a tender, without the ids that differ between instances."""
    documents = []
    for document in user.get(f"/api/tenders/{tender_id}/documents").json():
        doc_id = document["id"]
        body = user.get(f"/api/documents/{doc_id}").json()
        versions = user.get(f"/api/documents/{doc_id}/versions").json()
        contents = [
            user.get(f"/api/documents/{doc_id}/versions/{v['number']}").json()["html"]
            for v in versions
        ]
        threads = [
            {
                "body": t["body"],
                "quote": t["quote"],
                "anchor": t["anchor"],
                "detached": t["detached"],
                "author": t["author"]["name"],
                "replies": [(r["author"]["name"], r["body"]) for r in t["replies"]],
            }
            for t in user.get(f"/api/documents/{doc_id}/comments").json()
        ]
        for version in versions:
            version.pop("created_at")
        documents.append(
            {
                "title": document["title"],
                "kind": document["kind"],
                "html": body["html"],
                "versions": versions,
                "contents": contents,
                "comments": threads,
            }
        )
    workflow = user.get(f"/api/tenders/{tender_id}/workflow").json()
    for review in workflow["reviews"]:
        review.pop("user_id")
    activity = [a["kind"] for a in user.get(f"/api/tenders/{tender_id}/activity").json()]
    return {"documents": documents, "workflow": workflow, "activity": activity}


def where(live: LiveServer) -> list[str]:
    """The CLI options that name a test server's data (its database may be PostgreSQL)."""
    return ["--data-dir", str(live.data_dir), "--database-url", live.database_url]


def test_archive_round_trip_into_a_fresh_instance(server, make_user, add_member, yjs, tmp_path):
    claire = make_user("Claire Martin", "claire@ville.example.fr")
    jean = make_user("Jean DAJCP", "jean@ville.example.fr")
    tender = claire.create_tender("Marché de nettoyage", reference="2026-NET-01")
    tender_id = tender["id"]
    add_member(tender_id, jean.user_id, "editor")
    cctp = claire.create_document(tender_id, "Cahier des clauses techniques", "CCTP")
    rc = claire.create_document(tender_id, "Règlement", "RC")
    write_document(server.ws_url, cctp, claire.ws_headers, every_node_type())
    claire.post(f"/api/documents/{cctp}/versions", json={"label": "Première relecture"})
    yjs.connect("jean", server.ws_url, rc, jean.ws_headers)
    yjs.call("insert", name="jean", index=0, text="Le marché est passé en procédure adaptée. ")
    yjs.call("insert", name="jean", index="end", text="Date limite : 15 mars.")
    wait_until(lambda: "15 mars" in claire.document_text(rc), what="jean's edits")
    anchor = yjs.call("anchor", name="jean", index=3, length=6)  # "marché"
    root = claire.post(
        f"/api/documents/{rc}/comments",
        json={"body": "Quel seuil ?", "anchor": anchor, "quote": anchor["quote"]},
    ).json()
    jean.post(f"/api/comments/{root['id']}/replies", json={"body": "Moins de 90 000 €."})
    claire.post(f"/api/tenders/{tender_id}/workflow/reviewers", json={"user_ids": [jean.user_id]})
    jean.post(f"/api/tenders/{tender_id}/workflow/answer", json={"approve": True})
    assert jean.get(f"/api/tenders/{tender_id}/archive").status_code == 403
    response = claire.get(f"/api/tenders/{tender_id}/archive")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    before = _snapshot(claire, tender_id)
    assert before["workflow"]["state"] == "validated"
    assert before["documents"][1]["comments"][0]["detached"] is False

    file = tmp_path / "archive.zip"
    exported = wikimarche("archive", "export", *where(server), str(tender_id), str(file))
    assert exported.returncode == 0, exported.stderr
    assert len(file.read_bytes()) == len(response.content)

    other = LiveServer(tmp_path / "other")
    other.data_dir.mkdir()
    other.add_user("admin@autre.example.fr", "Alice Autre")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 pas une archive")
    refused = wikimarche(
        "archive",
        "import",
        *where(other),
        str(bad),
        "--owner",
        "admin@autre.example.fr",
    )
    assert refused.returncode == 2 and "archive" in refused.stderr
    done = wikimarche(
        "archive",
        "import",
        *where(other),
        str(file),
        "--owner",
        "admin@autre.example.fr",
    )
    assert done.returncode == 0, done.stderr
    other.start()
    try:
        alice = ApiUser(other.url, "admin@autre.example.fr")
        imported = alice.get("/api/tenders").json()
        assert [(t["title"], t["reference"], t["role"]) for t in imported] == [
            ("Marché de nettoyage", "2026-NET-01", "manager")
        ]
        after = _snapshot(alice, imported[0]["id"])
        assert after["documents"] == before["documents"]
        assert after["workflow"] == before["workflow"]
        assert after["activity"] == before["activity"]
        alice.close()
    finally:
        other.close()
