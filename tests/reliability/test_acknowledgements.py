"""An acknowledgement (message type 100) promises that everything below its clock is stored
and part of the document. An update whose predecessors never arrived is kept aside by Yjs
(pending): acknowledging its clock would tell the editor "saved" for text the server does
not hold."""

from __future__ import annotations

import asyncio

from pycrdt import Doc, Text
from support.live import run_async
from support.rawws import PyClient
from support.typists import wait_for

from server.sync.protocol import SyncStep, encode_sync


def test_an_update_with_a_gap_is_not_acknowledged_beyond_what_is_held(server, make_user):
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])
    url = f"{server.ws_url}/{doc_id}"

    async def scenario() -> tuple[int, int, int]:
        client = await PyClient.connect(url, claire.ws_headers)
        await asyncio.wait_for(client.synced.wait(), 10)
        local = Doc()
        text = local.get("notes", type=Text)
        text += "premier "
        first = local.get_update()
        after_first = local.get_state()
        text += "second"
        second = local.get_update(after_first)
        me = local.client_id
        await client.ws.send(encode_sync(SyncStep.UPDATE, second))  # its predecessor is missing
        await wait_for(lambda: me in client.acked, 5, "an acknowledgement")
        ack_with_gap = client.acked.get(me, 0)
        await client.ws.send(encode_sync(SyncStep.UPDATE, first))
        await wait_for(lambda: client.acked.get(me, 0) >= 14, 5, "the full acknowledgement")
        await client.close()
        return ack_with_gap, client.acked.get(me, 0), len("premier second")

    with_gap, complete, length = run_async(scenario())
    assert with_gap == 0  # nothing of this client is held yet: no clock may be acknowledged
    assert complete == length  # once the gap is filled, everything is acknowledged
