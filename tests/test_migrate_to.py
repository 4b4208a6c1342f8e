"""`wikimarche migrate-to`: an SQLite installation moved to PostgreSQL loses nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support.api import ApiUser
from support.live import (
    ROOT,
    LiveServer,
    create_database,
    drop_database,
    postgres_under_test,
    run_async,
)

POSTGRES = postgres_under_test() or os.environ.get(
    "WIKIMARCHE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1/"
)


def _all_rows(database_url: str) -> dict[str, list[dict]]:
    from sqlalchemy import select

    from server.db import Database
    from server.db.transfer import tables

    async def read() -> dict[str, list[dict]]:
        db = Database(database_url)
        try:
            async with db.read() as conn:
                found = {}
                for table in tables():
                    order = list(table.primary_key.columns) or list(table.columns)
                    result = await conn.execute(select(table).order_by(*order))
                    found[table.name] = [dict(row) for row in result.mappings()]
                return found
        finally:
            await db.close()

    return run_async(read())


def _snapshot(user: ApiUser, doc_ids: list[int]) -> dict:
    """What users see: texts, versions with their content, comments and replies."""
    seen = {}
    for doc_id in doc_ids:
        versions = user.get(f"/api/documents/{doc_id}/versions").json()
        seen[doc_id] = {
            "text": user.document_text(doc_id),
            "versions": versions,
            "contents": [
                user.get(f"/api/documents/{doc_id}/versions/{v['number']}").json() for v in versions
            ],
            "comments": user.get(f"/api/documents/{doc_id}/comments").json(),
        }
    return seen


def _wikimarche(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_sqlite_installation_moves_to_postgresql_with_everything(tmp_path, yjs):
    data = tmp_path / "data"
    data.mkdir()
    sqlite_url = f"sqlite+aiosqlite:///{data / 'wikimarche.db'}"
    try:
        target = create_database(POSTGRES)
    except Exception as exc:
        pytest.skip(f"no PostgreSQL at {POSTGRES}: {exc}")
    old = LiveServer(data, database_url=sqlite_url)
    old.start()
    try:
        old.add_user("claire@ville.fr", "Claire Martin")
        old.add_user("karim@ville.fr", "Karim Benali")
        claire = ApiUser(old.url, "claire@ville.fr")
        tender_id = claire.create_tender("Voirie 2027")["id"]
        claire.post(
            f"/api/tenders/{tender_id}/members",
            json={"email": "karim@ville.fr", "role": "editor"},
        )
        doc_ids = [claire.create_document(tender_id), claire.create_document(tender_id, "RC", "RC")]
        yjs.connect("a", old.ws_url, doc_ids[0], claire.ws_headers)
        yjs.call("insert", name="a", index=0, text="Article 1 : objet du marché. ")
        claire.post(f"/api/documents/{doc_ids[0]}/versions", json={"label": "Envoi DAJCP"})
        yjs.call("burst", name="a", count=50, interval_ms=1, prefix="mot")
        anchor = yjs.call("anchor", name="a", index=0, length=9)
        comment = claire.post(
            f"/api/documents/{doc_ids[0]}/comments",
            json={"body": "Préciser l'objet.", "anchor": anchor, "quote": anchor["quote"]},
        ).json()
        claire.post(f"/api/comments/{comment['id']}/replies", json={"body": "Fait."})
        yjs.connect("rc", old.ws_url, doc_ids[1], claire.ws_headers)
        yjs.call("insert", name="rc", index=0, text="Règlement de la consultation.")
        yjs.call("destroy", name="a")
        yjs.call("destroy", name="rc")
        before = _snapshot(claire, doc_ids)
        claire.close()
    finally:
        old.stop()
    rows_before = _all_rows(sqlite_url)

    done = _wikimarche("migrate-to", "--data-dir", str(data), target)
    assert done.returncode == 0, done.stderr
    assert _all_rows(target) == rows_before  # every row of every table, byte for byte
    again = _wikimarche("migrate-to", "--data-dir", str(data), target)
    assert again.returncode == 2 and "empty database" in again.stderr

    new = LiveServer(tmp_path / "new", database_url=target)
    new.data_dir.mkdir()
    new.start()
    try:
        claire = ApiUser(new.url, "claire@ville.fr")
        assert _snapshot(claire, doc_ids) == before
        # Life goes on: new rows get fresh ids (the sequences were moved past the copy).
        yjs.connect("b", new.ws_url, doc_ids[0], claire.ws_headers)
        yjs.call("insert", name="b", index=0, text="Nouveau. ")
        third = claire.create_document(tender_id, "CCAP", "CCAP")
        assert third > max(doc_ids)
        reply = claire.post(f"/api/comments/{comment['id']}/replies", json={"body": "Relu."})
        assert reply.status_code == 201, reply.text
        claire.close()
    finally:
        new.stop()
        drop_database(target)
