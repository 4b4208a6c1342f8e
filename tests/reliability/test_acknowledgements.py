"""An acknowledgement (message type 100) promises that everything below its clock is stored
and part of the document. An update whose predecessors never arrived waits aside (in Yjs's pending
store, or in the room's own): acknowledging its clock would tell the editor "saved" for
text the server does not hold."""

from __future__ import annotations

import asyncio

from pycrdt import Doc, Text
from support.live import run_async
from support.rawws import PyClient
from support.typists import Typist, state_vector, wait_for

from server.sync.protocol import SyncStep, encode_sync


def test_an_update_built_on_missing_content_waits_unacknowledged_until_it_fits(server, make_user):
    """An update whose predecessor has not arrived is kept aside: not in the document, not
    shown to others, not acknowledged (Yjs would keep it pending, and pending structs can
    crash pycrdt). When the predecessor arrives, both are stored, acknowledged and shown."""
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])
    url = f"{server.ws_url}/{doc_id}"

    async def scenario() -> tuple[int, str, int, str]:
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
        # Frames are handled in order: the answer to this SyncStep1 proves `second` was seen.
        frames = client.frames
        await client.ws.send(encode_sync(SyncStep.STEP1, Doc().get_state()))
        await wait_for(lambda: client.frames > frames, 5, "the answer to SyncStep1")
        acked_while_waiting = client.acked.get(me, 0)
        watcher = await PyClient.connect(url, claire.ws_headers)
        await asyncio.wait_for(watcher.synced.wait(), 10)
        seen_while_waiting = str(watcher.doc.get("notes", type=Text))
        await client.ws.send(encode_sync(SyncStep.UPDATE, first))
        await wait_for(lambda: client.acked.get(me, 0) >= 14, 5, "the full acknowledgement")
        notes = watcher.doc.get("notes", type=Text)
        await wait_for(lambda: str(notes) == "premier second", 5, "the watcher's copy")
        await client.close()
        await watcher.close()
        return acked_while_waiting, seen_while_waiting, client.acked[me], str(notes)

    acked_while_waiting, seen_while_waiting, acked, seen = run_async(scenario())
    assert (acked_while_waiting, seen_while_waiting) == (0, "")
    assert (acked, seen) == (len("premier second"), "premier second")


def test_an_acknowledgement_lost_with_the_connection_arrives_after_reconnecting(server, make_user):
    """The server stored an edit but the connection dropped before its acknowledgement got
    through: the edit is not in the editor's next SyncStep2 (the server already has it), so
    only an acknowledgement of the resync can tell the editor it is saved."""
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])
    url = f"{server.ws_url}/{doc_id}"

    async def scenario() -> tuple[int, int, int]:
        typist = Typist("claire", url, claire.ws_headers)
        await typist.connect()
        await typist.type_marker("Article 1. ")
        clock = state_vector(typist.doc)[typist.client_id]
        await wait_for(typist.all_acked, 10, "the first acknowledgement")
        await typist.disconnect()
        typist.acked = 0  # as if the acknowledgement had been lost with the connection
        await typist.connect()
        await wait_for(typist.all_acked, 10, "the acknowledgement of the resync")
        acked_after_resync = typist.acked
        # A resync acknowledges what the server holds, never more: text typed offline and
        # carried by the SyncStep2 is acknowledged once stored, at its own clock.
        await typist.disconnect()
        typist.acked = 0
        await typist.type_marker("Article 2. ")
        await typist.connect()
        await wait_for(typist.all_acked, 10, "the acknowledgement of the offline edit")
        await typist.disconnect()
        return clock, acked_after_resync, typist.acked

    clock, acked_after_resync, acked_after_offline = run_async(scenario())
    assert acked_after_resync == clock > 0
    assert acked_after_offline == clock + len("Article 2. ")
    assert claire.document_text(doc_id) == "Article 1. Article 2. "
