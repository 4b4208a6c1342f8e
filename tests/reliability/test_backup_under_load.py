"""`wikimarche backup` while an editor types: the copy is consistent (integrity check, and
the document holds a gap-free prefix of what was typed, including everything acknowledged
before the backup started), and `restore` into a fresh data directory serves the same
tenders, document and version history."""

from __future__ import annotations

import asyncio
import re
import sqlite3

import pytest
from support.api import ApiUser
from support.figures import record
from support.live import LiveServer, on_postgresql, run_async
from support.typists import Typist, state_vector, wait_for
from test_cli import wikimarche


@pytest.mark.skipif(
    on_postgresql(), reason="copies the SQLite file; PostgreSQL is backed up with pg_dump"
)
def test_backup_while_typing_then_restore_into_a_fresh_directory(server, make_user):
    claire = make_user(email="claire@ville.fr")
    tender_id = claire.create_tender("Voirie 2027")["id"]
    doc_id = claire.create_document(tender_id)
    url = f"{server.ws_url}/{doc_id}"
    backup = server.data_dir.parent / "copie.db"
    state: dict = {}

    clocks: dict[str, int] = {}  # marker → the clock of our client once it is typed

    async def scenario() -> None:
        typist = Typist("t", url, claire.ws_headers)

        async def type_marker(marker: str) -> None:
            await typist.type_marker(marker)
            clocks[marker] = state_vector(typist.doc).get(typist.client_id, 0)

        await typist.connect()
        for i in range(40):
            await type_marker(f"m{i} ")
        await wait_for(typist.all_acked, 10, "the first markers")
        for label in ("V1 avant appel d'offres", "V2 relue"):
            response = await asyncio.to_thread(
                claire.post, f"/api/documents/{doc_id}/versions", json={"label": label}
            )
            assert response.status_code == 201, response.text
        stop = asyncio.Event()
        typed = [40]

        async def keep_typing() -> None:
            while not stop.is_set():
                await type_marker(f"m{typed[0]} ")
                typed[0] += 1
                await asyncio.sleep(0.003)

        task = asyncio.create_task(keep_typing())
        await asyncio.sleep(0.3)
        acked_before = typist.acked
        state["acked_markers"] = [m for m, end in clocks.items() if end <= acked_before]
        done = await asyncio.to_thread(
            wikimarche, "backup", "--data-dir", str(server.data_dir), str(backup)
        )
        await asyncio.sleep(0.3)
        stop.set()
        await task
        assert done.returncode == 0, done.stderr
        state["typed"] = typed[0]
        await typist.disconnect()

    run_async(scenario())

    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    versions_live = [v["label"] for v in claire.get(f"/api/documents/{doc_id}/versions").json()]
    fresh = server.data_dir.parent / "restored"
    restored = wikimarche("restore", "--data-dir", str(fresh), str(backup))
    assert restored.returncode == 0, restored.stderr
    other = LiveServer(fresh)
    other.start()
    try:
        reader = ApiUser(other.url, "claire@ville.fr")
        text = reader.document_text(doc_id)
        numbers = [int(n) for n in re.findall(r"m(\d+) ", text)]
        # A consistent copy: a gap-free prefix of the typing, holding all that was
        # acknowledged before the backup began.
        assert numbers == list(range(len(numbers))), "the copy has a hole"
        assert all(m in text for m in state["acked_markers"])
        assert len(numbers) <= state["typed"]
        assert [t["title"] for t in reader.get("/api/tenders").json()] == ["Voirie 2027"]
        history = reader.get(f"/api/documents/{doc_id}/versions").json()
        assert [v["label"] for v in history] == versions_live
        for version in history:
            number = version["number"]
            live_version = claire.get(f"/api/documents/{doc_id}/versions/{number}").json()
            copy_version = reader.get(f"/api/documents/{doc_id}/versions/{number}").json()
            assert copy_version == live_version
        record(
            "Backup during editing",
            markers_typed=state["typed"],
            markers_in_copy=len(numbers),
            acknowledged_before_backup=len(state["acked_markers"]),
            versions=len(history),
        )
        reader.close()
    finally:
        other.stop()
