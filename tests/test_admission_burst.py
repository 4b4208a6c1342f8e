"""Connections arriving together are admitted together (one read for the whole burst):
each must still get its own answer — the editor, the observer, the outsider, the
signed-out visitor and the visitor of a deleted document, all at the same moment."""

from __future__ import annotations

import asyncio

from support.live import run_async
from support.rawws import Closed, PyClient


async def _outcome(url: str, headers: dict[str, str]) -> str:
    """ "synced, writable", "synced, read-only" or the close code of a refusal."""
    try:
        client = await PyClient.connect(url, headers)
    except Closed as closed:
        return str(closed.rcvd.code if closed.rcvd else "closed")
    synced = asyncio.create_task(client.synced.wait())
    closed = asyncio.create_task(client.ws.wait_closed())
    await asyncio.wait({synced, closed}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
    if not client.synced.is_set():
        synced.cancel()
        return str(client.ws.close_code)
    closed.cancel()
    # A write shows whether the role may edit: refused writes close the socket (4403).
    await client.type("x")
    try:
        await asyncio.wait_for(client.ws.wait_closed(), 1.0)
    except TimeoutError:
        await client.ws.close()
        return "synced, writable"
    return f"synced, then {client.ws.close_code}"


def test_a_burst_of_mixed_connections_gets_one_answer_each(server, make_user, add_member):
    claire = make_user()
    jean = make_user()
    outsider = make_user()
    tender = claire.create_tender()["id"]
    document = claire.create_document(tender)
    deleted = claire.create_document(tender, title="Brouillon")
    add_member(tender, jean.user_id, "observer")
    assert claire.delete(f"/api/documents/{deleted}").status_code in (200, 204)
    signed_out = {"Origin": server.url, "Cookie": "wm_session=not-a-session"}
    cases = [
        (claire.ws_headers, document, "synced, writable"),
        (jean.ws_headers, document, "synced, then 4403"),
        (outsider.ws_headers, document, "4404"),
        (signed_out, document, "4401"),
        (claire.ws_headers, deleted, "4404"),
        (claire.ws_headers, 999_999, "4404"),
    ] * 5

    async def burst() -> list[str]:
        return list(
            await asyncio.gather(
                *(_outcome(f"{server.ws_url}/{doc}", headers) for headers, doc, _ in cases)
            )
        )

    assert run_async(burst()) == [expected for _, _, expected in cases]


def test_sockets_opened_after_a_logout_are_refused(server, make_user):
    """Sessions are read for every burst, never remembered: the next burst sees a logout."""
    claire = make_user()
    document = claire.create_document(claire.create_tender()["id"])
    headers = claire.ws_headers

    async def first() -> list[str]:
        url = f"{server.ws_url}/{document}"
        return list(await asyncio.gather(*(_outcome(url, headers) for _ in range(4))))

    assert run_async(first()) == ["synced, writable"] * 4
    assert claire.delete("/api/session").status_code == 204
    assert run_async(first()) == ["4401"] * 4
