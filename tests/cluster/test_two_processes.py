"""Two server processes behind no load balancer at all: clients on each co-edit, see each
other's presence, comments, restores and revocations, and lose nothing when one dies."""

from __future__ import annotations

import asyncio
import threading
import time

from support.live import run_async, wait_until
from support.rawws import PyClient


def lines(text: str) -> list[str]:
    """Paragraphs of a text (the API separates top-level blocks by a blank line)."""
    return [line for line in text.split("\n") if line]


def _comment(user, doc_id, anchor, body):
    return user.post(f"/api/documents/{doc_id}/comments", json={"body": body, "anchor": anchor})


def test_clients_on_two_processes_converge_and_see_each_others_presence(
    cluster, shared_document, yjs
):
    doc_id, claire, (karim,) = shared_document("editor")
    yjs.connect("a", cluster.a.ws_url, doc_id, claire["a"].ws_headers)
    yjs.connect("b", cluster.b.ws_url, doc_id, karim["b"].ws_headers)
    yjs.call("insert", name="a", index=0, text="Article 1 : objet. ")
    yjs.call("insert", name="b", index="end", text="Article 2 : durée.")
    yjs.call("wait_text", name="a", contains="Article 2")
    yjs.call("wait_equal", names=["a", "b"])
    yjs.call("awareness", name="a", state={"user": {"name": "x", "color": "#c00"}, "cursor": 3})

    def karim_sees_claire():
        peers = yjs.call("peers", name="b")["peers"].values()
        return any((p or {}).get("user", {}).get("name") == "Claire Martin" for p in peers)

    wait_until(karim_sees_claire, 1.0, "Claire's presence on the other process")
    # Both processes serve the same stored text.
    expected = yjs.text("a")
    wait_until(lambda: lines(claire["b"].document_text(doc_id)) == lines(expected), 5)
    yjs.call("destroy", name="a")

    def claire_gone():
        peers = yjs.call("peers", name="b")["peers"].values()
        return not any((p or {}).get("user", {}).get("name") == "Claire Martin" for p in peers)

    wait_until(claire_gone, 2.0, "Claire's presence to leave")


def test_a_comment_made_on_one_process_reaches_editors_on_the_other(cluster, shared_document, yjs):
    doc_id, claire, (karim,) = shared_document("editor")
    yjs.connect("a", cluster.a.ws_url, doc_id, claire["a"].ws_headers)
    yjs.call("insert", name="a", index=0, text="Texte commenté en direct.")
    anchor = yjs.call("anchor", name="a", index=0, length=5)
    received: list[bytes] = []
    ready = threading.Event()
    done = threading.Event()

    async def listen() -> None:
        url = f"{cluster.b.ws_url}/{doc_id}"
        client = await PyClient.connect(url, karim["b"].ws_headers)
        await asyncio.wait_for(client.synced.wait(), 10)
        original = client._handle

        async def spy(data: bytes) -> None:
            if data[:1] == b"\x66":  # message type 102
                received.append(data)
            await original(data)

        client._handle = spy  # type: ignore[method-assign]
        ready.set()
        await asyncio.to_thread(done.wait, 30)
        await client.close()

    thread = threading.Thread(target=lambda: run_async(listen()))
    thread.start()
    try:
        assert ready.wait(10)
        assert _comment(claire["a"], doc_id, anchor, "Vu de l'autre côté").status_code == 201
        wait_until(lambda: received, 1.0, "the comment event on the other process")
    finally:
        done.set()
        thread.join()


def test_a_restore_on_one_process_reaches_clients_of_the_other(cluster, shared_document, yjs):
    doc_id, claire, (karim,) = shared_document("editor")
    yjs.connect("a", cluster.a.ws_url, doc_id, claire["a"].ws_headers)
    yjs.connect("b", cluster.b.ws_url, doc_id, karim["b"].ws_headers)
    yjs.call("insert", name="a", index=0, text="Version d'origine.")
    yjs.call("wait_text", name="b", contains="origine")
    v1 = claire["a"].post(f"/api/documents/{doc_id}/versions", json={"label": "V1"})
    assert v1.status_code == 201, v1.text
    yjs.call("insert", name="b", index=0, text="AJOUT INDÉSIRABLE. ")
    yjs.call("wait_text", name="a", contains="INDÉSIRABLE")
    restored = claire["a"].post(
        f"/api/documents/{doc_id}/restore", json={"version": v1.json()["number"]}
    )
    assert restored.status_code == 201, restored.text
    wait_until(lambda: "INDÉSIRABLE" not in yjs.text("b"), 1.0, "the restore on process b")
    yjs.call("wait_equal", names=["a", "b"])
    assert yjs.text("b") == "Version d'origine."


def test_revocations_on_one_process_close_sockets_on_the_other_within_a_second(
    cluster, shared_document, yjs
):
    doc_id, claire, (karim, jean) = shared_document("editor", "editor")
    yjs.connect("karim", cluster.b.ws_url, doc_id, karim["b"].ws_headers)
    yjs.connect("jean", cluster.b.ws_url, doc_id, jean["b"].ws_headers)
    tender_id = claire["a"].get(f"/api/documents/{doc_id}").json()["tender_id"]
    # Removal from the tender, decided on process a.
    claire["a"].delete(f"/api/tenders/{tender_id}/members/{jean['a'].user_id}")
    wait_until(lambda: 4403 in yjs.call("close_codes", name="jean")["codes"], 1.0, "jean's socket")
    # A demotion decided on a: karim's socket on b becomes read-only at once.
    claire["a"].patch(
        f"/api/tenders/{tender_id}/members/{karim['a'].user_id}", json={"role": "observer"}
    )
    started = time.monotonic()
    while time.monotonic() - started < 1.0:
        yjs.call("insert", name="karim", index=0, text="x")
        if 4403 in yjs.call("close_codes", name="karim")["codes"]:
            break
        time.sleep(0.05)
    assert 4403 in yjs.call("close_codes", name="karim")["codes"]
    # Signing out on b closes the session's sockets, wherever they are.
    yjs.connect(
        "claire", cluster.a.ws_url, doc_id, claire["b"].ws_headers | {"Origin": cluster.a.url}
    )
    assert claire["b"].delete("/api/session").status_code == 204
    wait_until(
        lambda: 4401 in yjs.call("close_codes", name="claire")["codes"], 1.0, "claire's socket"
    )


def test_killing_one_process_loses_nothing_acknowledged(cluster, shared_document, yjs):
    doc_id, claire, (karim,) = shared_document("editor")
    yjs.connect("reader", cluster.b.ws_url, doc_id, karim["b"].ws_headers)

    async def type_then_wait_for_acks() -> str:
        url = f"{cluster.a.ws_url}/{doc_id}"
        client = await PyClient.connect(url, claire["a"].ws_headers)
        await asyncio.wait_for(client.synced.wait(), 10)
        for word in ("Pénalités ", "de ", "retard ", "plafonnées."):
            await client.type(word)
        deadline = asyncio.get_running_loop().time() + 10
        while not client.all_acked():
            assert asyncio.get_running_loop().time() < deadline, "no acknowledgement"
            await asyncio.sleep(0.01)
        return client.paragraph_text()

    typed = "Pénalités de retard plafonnées."
    assert typed in run_async(type_then_wait_for_acks())
    cluster.a.kill()
    yjs.call("wait_text", name="reader", contains=typed)
    assert typed in claire["b"].document_text(doc_id)
    # The reader keeps editing on the surviving process.
    yjs.call("insert", name="reader", index="end", text=" Suite.")
    wait_until(lambda: "Suite." in claire["b"].document_text(doc_id), 5)
    assert typed in claire["b"].document_text(doc_id)


def test_a_room_opened_on_the_second_process_mid_burst_misses_nothing(
    cluster, shared_document, yjs
):
    doc_id, claire, (karim,) = shared_document("editor")
    yjs.connect("writer", cluster.a.ws_url, doc_id, claire["a"].ws_headers)
    yjs.call("insert", name="writer", index=0, text="Début. ")
    answers = yjs.call_many(
        [
            ("burst", {"name": "writer", "count": 300, "interval_ms": 3}),
            *[
                (
                    "connect",
                    {
                        "name": f"late{i}",
                        "url": cluster.b.ws_url,
                        "room": str(doc_id),
                        "headers": karim["b"].ws_headers,
                        "timeout": 30000,
                    },
                )
                for i in range(3)
            ],
        ]
    )
    assert all(a.get("ok") for a in answers), answers
    yjs.call("wait_equal", names=["writer", "late0", "late1", "late2"], timeout=20)
    text = yjs.text("late0")
    assert all(f"writer-{i} " in text for i in range(300))
    wait_until(lambda: lines(claire["b"].document_text(doc_id)) == lines(text), 10)


def test_the_login_rate_limit_is_shared_by_the_processes(tmp_path):
    import httpx
    from support.cluster import running_cluster

    with running_cluster(tmp_path, {"WIKIMARCHE_LOGIN_ATTEMPTS_PER_MINUTE": "4"}) as pair:
        statuses = [
            httpx.post(
                server.url + "/api/session",
                json={"email": "x@ville.fr", "password": f"essai-{i}"},
            ).status_code
            for i, server in enumerate([pair.a, pair.b] * 3)
        ]
    assert statuses[:4] == [401] * 4 and statuses[4:] == [429] * 2


def test_fan_out_survives_a_lost_redis_connection(cluster, shared_document, yjs):
    import redis

    doc_id, claire, (karim,) = shared_document("editor")
    yjs.connect("a", cluster.a.ws_url, doc_id, claire["a"].ws_headers)
    yjs.connect("b", cluster.b.ws_url, doc_id, karim["b"].ws_headers)
    yjs.call("insert", name="a", index=0, text="Avant la coupure. ")
    yjs.call("wait_text", name="b", contains="coupure")
    # Cut every subscriber connection of this installation, then keep typing.
    admin = redis.Redis.from_url(cluster.a.redis_url)
    pids = {str(cluster.a.process.pid), str(cluster.b.process.pid)}
    cut = [
        c
        for c in admin.client_list()
        if c["name"].startswith("wikimarche:") and c["name"].rsplit("-", 1)[-1] in pids
    ]
    assert cut, "the servers' Redis connections are named after them"
    for client in cut:
        admin.client_kill_filter(_id=client["id"])
    yjs.call("insert", name="a", index="end", text="Pendant. ")
    yjs.call("insert", name="a", index="end", text="Après la coupure.")
    yjs.call("wait_text", name="b", contains="Après la coupure.", timeout=10)
    yjs.call("wait_equal", names=["a", "b"])
    admin.close()


def test_checkpoints_written_by_both_processes_keep_every_edit(tmp_path, yjs):
    from support.cluster import running_cluster

    with running_cluster(tmp_path, {"WIKIMARCHE_CHECKPOINT_EVERY": "7"}) as pair:
        owner = pair.user("Claire Martin")
        tender_id = owner["a"].create_tender()["id"]
        doc_id = owner["a"].create_document(tender_id)
        yjs.connect("a", pair.a.ws_url, doc_id, owner["a"].ws_headers)
        yjs.connect("b", pair.b.ws_url, doc_id, owner["b"].ws_headers)
        answers = yjs.call_many(
            [
                ("burst", {"name": "a", "count": 120, "interval_ms": 2, "prefix": "a"}),
                ("burst", {"name": "b", "count": 120, "interval_ms": 2, "prefix": "b"}),
            ]
        )
        assert all(a.get("ok") for a in answers), answers
        yjs.call("wait_equal", names=["a", "b"], timeout=20)
        expected = yjs.text("a")
        for name in ("a", "b"):
            yjs.call("destroy", name=name)
        # Both processes wrote checkpoints while the other was appending: a cold load from
        # the database must still hold every edit of both.
        pair.a.kill()
        pair.b.kill()
        assert pair.b.db_call(lambda db: _checkpoints(db, doc_id)) > 0
        pair.b.start()
        yjs.connect("reader", pair.b.ws_url, doc_id, owner["b"].ws_headers)
        text = yjs.text("reader")
        assert all(f"a{i} " in text and f"b{i} " in text for i in range(120))
        assert text == expected


async def _checkpoints(db, document_id: int) -> int:
    from sqlalchemy import func, select

    from server.db.schema import checkpoints

    async with db.read() as conn:
        query = select(func.count()).select_from(checkpoints)
        return int(await conn.scalar(query.where(checkpoints.c.document_id == document_id)))


def test_publication_on_one_process_freezes_editors_on_the_other(cluster, shared_document, yjs):
    doc_id, claire, (karim,) = shared_document("editor")
    yjs.connect("karim", cluster.b.ws_url, doc_id, karim["b"].ws_headers)
    yjs.call("insert", name="karim", index=0, text="Texte validé. ")
    wait_until(lambda: "validé" in claire["a"].document_text(doc_id), 5, "the edit")
    tender_id = claire["a"].get(f"/api/documents/{doc_id}").json()["tender_id"]
    path = f"/api/tenders/{tender_id}/workflow"
    claire["a"].post(f"{path}/reviewers", json={"user_ids": [karim["a"].user_id]})
    karim["a"].post(f"{path}/answer", json={"approve": True, "comment": "Conforme."})
    assert claire["a"].post(f"{path}/publish").json()["state"] == "published"
    # Karim's socket on the other process is read-only at once: his write is refused.
    started = time.monotonic()
    while time.monotonic() - started < 1.0:
        yjs.call("insert", name="karim", index="end", text="x")
        if 4403 in yjs.call("close_codes", name="karim")["codes"]:
            break
        time.sleep(0.05)
    assert 4403 in yjs.call("close_codes", name="karim")["codes"]
    assert claire["b"].document_text(doc_id) == "Texte validé. "
