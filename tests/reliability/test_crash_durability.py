"""D1/D2: kill -9 at random moments while ten editors type; a graceful stop with twenty
rooms being edited.

"Acknowledged" is the server's own promise: message type 100 tells a client that its
updates up to a clock are committed. After every kill the database must hold everything
acknowledged, pass `PRAGMA integrity_check`, and once the editors reconnect (re-sending
what was not stored) they must converge on a text holding every marker anyone typed.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from pycrdt import Doc
from support.figures import record
from support.live import LiveServer, run_async
from support.typists import Typist, paragraphs_text, state_vector, wait_for

from server.db.changes import SqlChangeLog


def stored_doc(server: LiveServer, document_id: int) -> Doc:
    async def load(db):
        return (await SqlChangeLog(db).load(document_id)).replay(document_id)

    return server.db_call(load)


def integrity(server: LiveServer) -> str:
    return server.db_call(lambda db: db.integrity_check())


class Marks:
    """Which markers a typist typed, with the clock that each one ends at."""

    def __init__(self) -> None:
        self.ends: dict[str, list[tuple[str, int]]] = {}

    def add(self, typist: Typist, marker: str) -> None:
        end = state_vector(typist.doc).get(typist.client_id, 0)
        self.ends.setdefault(typist.name, []).append((marker, end))

    def acknowledged(self, typist: Typist) -> list[str]:
        return [m for m, end in self.ends.get(typist.name, []) if end <= typist.acked]


async def _type_until(typist: Typist, marks: Marks, stop: asyncio.Event, rng: random.Random):
    n = 0
    while not stop.is_set():
        marker = f"{typist.name}.{n} "
        n += 1
        await typist.type_marker(marker)
        marks.add(typist, marker)
        await asyncio.sleep(rng.uniform(0.005, 0.03))


def run_crash_cycles(server: LiveServer, make_user, cycles: int, seed: int) -> dict:
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])
    url = f"{server.ws_url}/{doc_id}"
    rng = random.Random(seed)
    typists_final: list[Doc] = []
    figures = {"cycles": 0, "acknowledged_checks": 0, "lost": 0, "integrity_ok": 0}

    async def scenario() -> None:
        typists = [Typist(f"t{i}", url, claire.ws_headers) for i in range(10)]
        await typists[0].connect()
        await typists[0].type_marker("Début. ")
        await wait_for(typists[0].all_acked, 10, "the first acknowledgement")
        await asyncio.gather(*(t.connect() for t in typists[1:]))
        marks = Marks()
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(_type_until(t, marks, stop, random.Random(seed + i)))
            for i, t in enumerate(typists)
        ]
        try:
            for cycle in range(cycles):
                await asyncio.sleep(rng.uniform(0.1, 0.8))
                await asyncio.to_thread(server.kill)
                await asyncio.sleep(0.05)  # let acks already on the wire be read
                on_disk = await asyncio.to_thread(stored_doc, server, doc_id)
                disk_state = state_vector(on_disk)
                disk_markers = set(paragraphs_text(on_disk).split())
                assert await asyncio.to_thread(integrity, server) == "ok", f"cycle {cycle}"
                figures["integrity_ok"] += 1
                for t in typists:
                    acked = marks.acknowledged(t)
                    figures["acknowledged_checks"] += len(acked)
                    missing = [m for m in acked if m.strip() not in disk_markers]
                    if disk_state.get(t.client_id, 0) < t.acked or missing:
                        figures["lost"] += max(1, len(missing))
                    assert disk_state.get(t.client_id, 0) >= t.acked, (cycle, t.name)
                    assert not missing, f"cycle {cycle}: acknowledged but lost {missing[:5]}"
                await asyncio.to_thread(server.start)
                await asyncio.gather(*(t.connect() for t in typists))
                figures["cycles"] += 1
            stop.set()
            await asyncio.gather(*tasks)
            await wait_for(lambda: all(t.all_acked() for t in typists), 30, "every ack")
            await wait_for(
                lambda: len({tuple(sorted(state_vector(t.doc).items())) for t in typists}) == 1,
                30,
                "convergence",
            )
            final = set(paragraphs_text(typists[0].doc).split())
            assert len({paragraphs_text(t.doc) for t in typists}) == 1
            lost = [m for t in typists for m in t.typed if m.strip() not in final]
            assert not lost, f"typed but missing after convergence: {lost[:5]}"
            figures["markers_typed"] = sum(len(t.typed) for t in typists)
            figures["acknowledged_markers"] = sum(len(marks.acknowledged(t)) for t in typists)
            figures["reconnects"] = sum(t.connects for t in typists)
            typists_final.append(typists[0].doc)
        finally:
            stop.set()
            for t in typists:
                await t.disconnect()

    run_async(scenario())
    final_text = paragraphs_text(typists_final[0])
    server.stop()
    assert paragraphs_text(stored_doc(server, doc_id)) == final_text
    assert integrity(server) == "ok"
    return figures


def test_fifteen_kill_cycles_lose_no_acknowledged_update(server, make_user):
    figures = run_crash_cycles(server, make_user, cycles=15, seed=15)
    record("D1 kill -9 (fast)", **figures)
    assert figures["cycles"] == 15 and figures["lost"] == 0


@pytest.mark.slow
def test_a_hundred_kill_cycles_lose_no_acknowledged_update(server, make_user):
    figures = run_crash_cycles(server, make_user, cycles=100, seed=100)
    record("D1 kill -9 (long)", **figures)
    assert figures["cycles"] == 100 and figures["lost"] == 0


def live_and_logged(server: LiveServer, document_id: int) -> tuple[Doc, Doc]:
    """The newest checkpoint (written from the room's live Doc at shutdown) and the replay
    of the whole change log, ignoring checkpoints."""
    from sqlalchemy import select

    from server.db.schema import changes, checkpoints

    async def load(db):
        async with db.read() as conn:
            state = (
                await conn.execute(
                    select(checkpoints.c.state)
                    .where(checkpoints.c.document_id == document_id)
                    .order_by(checkpoints.c.upto_change_id.desc())
                    .limit(1)
                )
            ).scalar_one()
            rows = (
                await conn.execute(
                    select(changes.c.data)
                    .where(changes.c.document_id == document_id)
                    .order_by(changes.c.id)
                )
            ).scalars()
            logged = Doc()
            for data in rows:
                logged.apply_update(bytes(data))
        live = Doc()
        live.apply_update(bytes(state))
        return live, logged

    return server.db_call(load)


def test_graceful_stop_with_twenty_rooms_being_edited_stores_their_live_state(server, make_user):
    """SIGTERM while twenty rooms still receive edits. At shutdown the server writes a
    checkpoint of each room from its live Doc; the change log must hold exactly that state,
    and everything acknowledged."""
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    doc_ids = [claire.create_document(tender_id, f"Pièce {i}", "other") for i in range(20)]
    acked: dict[int, tuple[int, int, list[str]]] = {}

    async def scenario() -> None:
        writers = [
            Typist(f"w{i}", f"{server.ws_url}/{d}", claire.ws_headers)
            for i, d in enumerate(doc_ids)
        ]
        await asyncio.gather(*(w.connect() for w in writers))
        stop = asyncio.Event()
        marks = Marks()
        tasks = [
            asyncio.create_task(_type_until(w, marks, stop, random.Random(i)))
            for i, w in enumerate(writers)
        ]
        await wait_for(lambda: all(len(w.typed) > 20 for w in writers), 20, "dirty rooms")
        await asyncio.to_thread(server.stop)  # SIGTERM while the typing goes on
        stop.set()
        await asyncio.gather(*tasks)
        for w, d in zip(writers, doc_ids, strict=True):
            acked[d] = (w.client_id, w.acked, marks.acknowledged(w))
            await w.disconnect()

    run_async(scenario())
    equal = 0
    for doc_id in doc_ids:
        live, logged = live_and_logged(server, doc_id)
        client_id, clock, markers = acked[doc_id]
        assert state_vector(logged).get(client_id, 0) >= clock, doc_id
        assert all(m in paragraphs_text(logged) for m in markers), doc_id
        assert state_vector(live) == state_vector(logged), doc_id
        assert paragraphs_text(live) == paragraphs_text(logged), doc_id
        equal += 1
    assert integrity(server) == "ok"
    record("D2 graceful stop", rooms=len(doc_ids), stored_equals_live=equal)
    assert equal == 20
