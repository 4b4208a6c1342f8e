"""C1/C2: twenty editors making random edits (ASCII and Unicode) converge; the same with
random disconnects, about 10 % of edits made offline and three kill -9 restarts.

Edits land at random places of the same paragraph, inserts and deletions mixed, with
accents, emoji, combining marks, CJK and right-to-left text (pycrdt offsets are UTF-8
bytes, Yjs in browsers counts UTF-16 units: both must agree on the result).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from pathlib import Path

import pytest
from pycrdt import XmlFragment
from support.figures import record
from support.live import run_async
from support.typists import Typist, state_vector, wait_for

import versions

ASCII = "abcdefghijklmnopqrstuvwxyz ,.;0123456789"
UNICODE = "éèàçœÉ«» –’😀👩‍💻🇫🇷e\u0301n\u0303漢字かなשלוםمرحبا\t"


def rendered(typist: Typist) -> str:
    return versions.render_text(versions.read_blocks(typist.doc.get("content", type=XmlFragment)))


async def _reconnect(typist: Typist, deadline: float, server) -> None:
    """Reconnect, retrying through server restarts."""
    while True:
        try:
            await typist.connect(timeout=10)
            return
        except Exception as exc:
            await typist.disconnect()
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"{typist.name} could not reconnect: {exc!r}\n{server.log()[-4000:]}"
                ) from exc
            await asyncio.sleep(0.1)


def run_editing(
    server,
    make_user,
    *,
    clients: int,
    edits: int,
    churn: bool,
    restarts: int,
    seed: int,
) -> dict:
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])
    url = f"{server.ws_url}/{doc_id}"
    figures: dict = {"clients": clients, "edits_per_client": edits, "restarts": 0}

    async def scenario() -> str:
        loop = asyncio.get_running_loop()
        typists = [Typist(f"t{i}", url, claire.ws_headers) for i in range(clients)]
        await typists[0].connect()
        await typists[0].type_marker("Début. ")
        await wait_for(typists[0].all_acked, 10, "the first paragraph")
        await asyncio.gather(*(t.connect() for t in typists[1:]))
        await wait_for(lambda: all("Début" in rendered(t) for t in typists), 10, "the paragraph")
        offline_edits = [0]
        disconnects = [0]
        done = [0]
        finished = asyncio.Event()

        async def work(t: Typist, index: int) -> None:
            rng = random.Random(seed * 1000 + index)
            alphabet = UNICODE if index % 2 else ASCII
            offline_left = 0
            for _ in range(edits):
                if churn and offline_left == 0 and rng.random() < 0.012:
                    await t.disconnect()
                    disconnects[0] += 1
                    offline_left = rng.randint(5, 15)
                if offline_left > 0:
                    offline_edits[0] += 1
                    offline_left -= 1
                    if offline_left == 0:
                        await t.random_edit(rng, alphabet)
                        done[0] += 1
                        await _reconnect(t, loop.time() + 60, server)
                        continue
                elif t.ws is None:  # dropped by a server restart
                    await _reconnect(t, loop.time() + 60, server)
                await t.random_edit(rng, alphabet)
                done[0] += 1
                await asyncio.sleep(rng.uniform(0.002, 0.02))

        async def restart_server() -> None:
            # Spread over the run: at a quarter, half and three quarters of the edits.
            for k in range(1, restarts + 1):
                target = clients * edits * k // (restarts + 1)
                await wait_for(lambda t=target: done[0] >= t or finished.is_set(), 600, "edits")
                if finished.is_set():
                    break
                await asyncio.to_thread(server.kill)
                await asyncio.to_thread(server.start)
                figures["restarts"] += 1

        restarter = asyncio.create_task(restart_server())
        started = loop.time()
        await asyncio.gather(*(work(t, i) for i, t in enumerate(typists)))
        finished.set()
        await restarter
        for t in typists:
            if t.ws is None:
                await _reconnect(t, loop.time() + 60, server)
        # Deadlines, not speed limits: 20 clients in this one process apply every edit of
        # the others, and on a slow machine their backlog takes a while to drain.
        try:
            await wait_for(lambda: all(t.all_acked() for t in typists), 120, "every ack")
        except AssertionError:
            late = [
                f"{t.name}: acked {t.acked} of {state_vector(t.doc).get(t.client_id, 0)},"
                f" {'online' if t.online else 'connected' if t.ws else 'offline'}"
                for t in typists
                if not t.all_acked()
            ]
            raise AssertionError(f"unacknowledged: {late}\n{server.log()[-4000:]}") from None
        await wait_for(
            lambda: len({tuple(sorted(state_vector(t.doc).items())) for t in typists}) == 1,
            120,
            "equal state vectors",
        )
        # A pure deletion moves no state vector: it may still be on its way.
        with contextlib.suppress(AssertionError):
            await wait_for(lambda: len({rendered(t) for t in typists}) == 1, 60, "equal texts")
        figures["seconds_to_converge"] = round(loop.time() - started, 1)
        texts = {rendered(t) for t in typists}
        if len(texts) != 1 and os.environ.get("WIKIMARCHE_DIVERGENCE_DUMP"):
            # Every client's whole document, to replay the divergence offline.
            dump = "".join(
                f"{t.client_id} {t.doc.get_update().hex()} {rendered(t)!r}\n" for t in typists
            )
            target = Path(os.environ["WIKIMARCHE_DIVERGENCE_DUMP"])
            await asyncio.to_thread(target.write_text, dump)
        assert len(texts) == 1, "same state vectors but different texts"
        figures["offline_edit_share"] = round(offline_edits[0] / (clients * edits), 3)
        figures["voluntary_disconnects"] = disconnects[0]
        figures["connects"] = sum(t.connects for t in typists)
        if not churn and not restarts:
            assert all(t.connects == 1 for t in typists), "a client was disconnected"
        for t in typists:
            await t.disconnect()
        return texts.pop()

    final = run_async(scenario())
    assert claire.document_text(doc_id) == final  # what the server stores and serves
    figures["final_characters"] = len(final)
    figures["non_ascii_characters"] = sum(1 for c in final if ord(c) > 127)
    return figures


def test_twenty_clients_random_edits_converge(server, make_user):
    figures = run_editing(server, make_user, clients=20, edits=100, churn=False, restarts=0, seed=1)
    record("C1 convergence (fast)", **figures)


def test_twenty_clients_with_disconnects_offline_edits_and_restarts_converge(server, make_user):
    figures = run_editing(server, make_user, clients=20, edits=100, churn=True, restarts=3, seed=2)
    record("C2 chaos (fast)", **figures)
    assert figures["restarts"] == 3


@pytest.mark.slow
def test_twenty_clients_times_five_hundred_edits_converge(server, make_user):
    figures = run_editing(server, make_user, clients=20, edits=500, churn=False, restarts=0, seed=3)
    record("C1 convergence (long)", **figures)


@pytest.mark.slow
@pytest.mark.parametrize("run", range(5))
def test_chaos_runs_converge(server, make_user, run):
    figures = run_editing(
        server, make_user, clients=20, edits=500, churn=True, restarts=3, seed=10 + run
    )
    record("C2 chaos (long)", run=run, **figures)
    assert figures["restarts"] == 3
