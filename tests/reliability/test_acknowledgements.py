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


def test_an_update_with_a_gap_is_dropped_and_nothing_of_it_acknowledged(server, make_user):
    """An update whose predecessor never arrived is not applied (Yjs would keep it pending,
    and pending structs can crash pycrdt) nor acknowledged; sent again after its
    predecessor, it is stored and acknowledged."""
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])
    url = f"{server.ws_url}/{doc_id}"

    async def scenario() -> tuple[int, int, int]:
        local = Doc()
        text = local.get("notes", type=Text)
        text += "premier "
        first = local.get_update()
        after_first = local.get_state()
        text += "second"
        second = local.get_update(after_first)
        me = local.client_id
        client = await PyClient.connect(url, claire.ws_headers)
        await asyncio.wait_for(client.synced.wait(), 10)
        await client.ws.send(encode_sync(SyncStep.UPDATE, second))  # its predecessor is missing
        await client.ws.send(encode_sync(SyncStep.UPDATE, first))
        # Frames are handled in order: once `first` is acknowledged, `second` was seen.
        await wait_for(lambda: client.acked.get(me, 0) >= len("premier "), 5, "first's ack")
        after_gap = client.acked.get(me, 0)
        await client.ws.send(encode_sync(SyncStep.UPDATE, second))
        await wait_for(lambda: client.acked.get(me, 0) >= 14, 5, "the full acknowledgement")
        await client.close()
        return after_gap, client.acked.get(me, 0), len("premier second")

    after_gap, complete, length = run_async(scenario())
    assert after_gap == len("premier ")  # the dropped update was not acknowledged
    assert complete == length  # sent again in order, everything is acknowledged
