"""Live co-editing with real clients: convergence, API view, refusals before any byte."""

from __future__ import annotations

import asyncio

import pytest
from support.live import run_async, wait_until
from support.rawws import Closed, PyClient, open_socket


def test_two_yjs_clients_converge_and_the_api_sees_the_text(server, make_user, add_member, yjs):
    claire = make_user("Claire Martin")
    karim = make_user("Karim Benali")
    tender = claire.create_tender("Marché de nettoyage")
    add_member(tender["id"], karim.user_id, "editor")
    doc_id = claire.create_document(tender["id"])

    assert yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)["ok"]
    assert yjs.connect("b", server.ws_url, doc_id, karim.ws_headers)["ok"]
    yjs.call("insert", name="a", index=0, text="Article 1 – Objet. ")
    yjs.call("wait_text", name="b", contains="Article 1")
    yjs.call("insert", name="b", index="end", text="Le marché porte sur le nettoyage.")
    yjs.call("insert", name="a", index=0, text="Préambule. ")
    yjs.call("wait_equal", names=["a", "b"])
    text = yjs.text("a")
    assert "Préambule. Article 1 – Objet. Le marché porte sur le nettoyage." == text
    wait_until(lambda: claire.document_text(doc_id) == text, what="the API to show the text")


def test_text_survives_closing_every_client_and_reopening(server, make_user, yjs):
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Délai d'exécution : 12 mois.")
    yjs.call("destroy", name="a")
    # The room unloads after its grace period; reopening loads it from the database.
    wait_until(lambda: "12 mois" in claire.document_text(doc_id))
    server.stop()
    server.start()
    answer = yjs.connect("b", server.ws_url, doc_id, claire.ws_headers)
    assert answer["ok"] and answer["text"] == "Délai d'exécution : 12 mois."


@pytest.mark.parametrize(
    "headers, code",
    [
        ({}, 4401),
        ({"Cookie": "wm_session=forged-value"}, 4401),
    ],
)
def test_unauthenticated_socket_is_closed_before_any_document_byte(
    server, make_user, headers, code
):
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])

    async def probe() -> tuple[int | None, int]:
        ws = await open_socket(f"{server.ws_url}/{doc_id}", {"Origin": server.url, **headers})
        received = 0
        try:
            async for _ in ws:
                received += 1
        except Closed:
            pass
        return ws.close_code, received

    close_code, received = run_async(probe())
    assert (close_code, received) == (code, 0)


def test_foreign_absent_and_null_origins_are_refused_at_the_handshake(server, make_user):
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])

    async def handshake(origin: str | None) -> str:
        headers = {"Cookie": claire.cookie}
        if origin is not None:
            headers["Origin"] = origin
        try:
            ws = await open_socket(f"{server.ws_url}/{doc_id}", headers)
        except Exception as exc:
            status = getattr(getattr(exc, "response", None), "status_code", "")
            return f"{type(exc).__name__}{status}"
        await ws.close()
        return "accepted"

    for origin in ("https://evil.example", None, "null", "http://127.0.0.1:1"):
        assert run_async(handshake(origin)) == "InvalidStatus403", origin
    assert run_async(handshake(server.url)) == "accepted"


def test_non_member_gets_4404_and_unknown_document_too(server, make_user):
    claire = make_user()
    outsider = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])

    async def close_code(user, document) -> int | None:
        ws = await open_socket(f"{server.ws_url}/{document}", user.ws_headers)
        try:
            async for _ in ws:
                pass
        except Closed:
            pass
        return ws.close_code

    assert run_async(close_code(outsider, doc_id)) == 4404
    assert run_async(close_code(claire, 999_999)) == 4404


def test_updates_are_acknowledged_once_stored(server, make_user):
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])

    async def scenario() -> str:
        client = await PyClient.connect(f"{server.ws_url}/{doc_id}", claire.ws_headers)
        await asyncio.wait_for(client.synced.wait(), 10)
        for word in ("Pénalités ", "de ", "retard."):
            await client.type(word)
        deadline = asyncio.get_running_loop().time() + 10
        while not client.all_acked():
            assert asyncio.get_running_loop().time() < deadline, "no acknowledgement"
            await asyncio.sleep(0.01)
        await client.close()
        return client.paragraph_text()

    run_async(scenario())
    # Acknowledged means in the database: kill the server at once and look.
    server.kill()
    server.start()
    assert claire.document_text(doc_id) == "Pénalités de retard."
