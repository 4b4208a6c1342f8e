"""The `wikimarche` command as an operator uses it."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys

import pytest
from support.api import ApiUser
from support.live import ROOT, LiveServer, on_postgresql


def wikimarche(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_user_add_creates_an_account_that_can_sign_in(tmp_path):
    data = tmp_path / "data"
    live = LiveServer(data)  # its database: a file in `data`, or PostgreSQL
    done = wikimarche(
        "user",
        "add",
        "--data-dir",
        str(data),
        "--database-url",
        live.database_url,
        "--email",
        "Anne@Ville.fr",
        "--name",
        "Anne Morel",
        "--password-stdin",
        stdin="un-secret-solide\n",
    )
    assert done.returncode == 0, done.stderr
    again = wikimarche(
        "user",
        "add",
        "--data-dir",
        str(data),
        "--database-url",
        live.database_url,
        "--email",
        "anne@ville.fr",
        "--name",
        "Anne",
        "--password",
        "un-autre-secret",
    )
    assert again.returncode == 2 and "already uses" in again.stderr
    short = wikimarche(
        "user",
        "add",
        "--data-dir",
        str(data),
        "--email",
        "b@ville.fr",
        "--name",
        "B",
        "--password",
        "court",
    )
    assert short.returncode == 2
    live.start()
    try:
        assert ApiUser(live.url, "anne@ville.fr", "un-secret-solide").user_id
    finally:
        live.close()


def test_serve_refuses_a_taken_port_and_an_unusable_database(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        taken = wikimarche("serve", "--no-demo", "--data-dir", str(tmp_path / "d"), "--port", port)
    assert taken.returncode == 2 and "already in use" in taken.stderr
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)
    unusable = wikimarche(
        "serve", "--no-demo", "--database-url", f"sqlite+aiosqlite:///{broken}", "--port", "0"
    )
    assert unusable.returncode == 1 and "unusable" in unusable.stderr


@pytest.mark.skipif(
    on_postgresql(), reason="copies the SQLite file; PostgreSQL is backed up with pg_dump"
)
def test_backup_during_editing_and_restore_into_a_fresh_directory(server, make_user, yjs):
    claire = make_user(email="claire@ville.fr")
    doc_id = claire.create_document(claire.create_tender("Voirie")["id"])
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Avant la sauvegarde. ")
    yjs.call("burst", name="a", count=100, interval_ms=2, prefix="b")
    backup = server.data_dir.parent / "copie.db"
    done = wikimarche("backup", "--data-dir", str(server.data_dir), str(backup))
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    fresh = server.data_dir.parent / "restored"
    restored = wikimarche("restore", "--data-dir", str(fresh), str(backup))
    assert restored.returncode == 0, restored.stderr
    refused = wikimarche("restore", "--data-dir", str(fresh), str(backup))
    assert refused.returncode == 2
    other = LiveServer(fresh)
    other.start()
    try:
        reader = ApiUser(other.url, "claire@ville.fr")
        text = reader.document_text(doc_id)
        assert text.startswith("Avant la sauvegarde. ")
        assert [t["title"] for t in reader.get("/api/tenders").json()] == ["Voirie"]
    finally:
        other.stop()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("pas une base")
    done = wikimarche("restore", "--data-dir", str(tmp_path / "d"), str(junk))
    assert done.returncode == 2 and "not a Wiki-Marché backup" in done.stderr
