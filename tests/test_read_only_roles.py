"""Observers and commenters read live but their writes never reach anyone."""

from __future__ import annotations

import asyncio

import pytest
from pycrdt import XmlElement, XmlFragment, XmlText
from support.live import run_async
from support.rawws import Closed, PyClient, open_socket

from server.sync.protocol import SyncStep, encode_sync


@pytest.mark.parametrize("role", ["observer", "commenter"])
def test_read_only_roles_see_live_text_and_their_writes_are_refused(
    server, make_user, add_member, yjs, role
):
    claire = make_user()
    reader = make_user()
    tender_id = claire.create_tender()["id"]
    add_member(tender_id, reader.user_id, role)
    doc_id = claire.create_document(tender_id)
    yjs.connect("editor", server.ws_url, doc_id, claire.ws_headers)
    yjs.connect("reader", server.ws_url, doc_id, reader.ws_headers)
    yjs.call("insert", name="editor", index=0, text="Texte de la DAJCP. ")
    yjs.call("wait_text", name="reader", contains="Texte de la DAJCP.")
    yjs.call("insert", name="reader", index=0, text="INTRUSION ")
    assert 4403 in [c for c in _wait_codes(yjs, "reader")]
    yjs.call("insert", name="editor", index="end", text="Suite.")
    assert claire.document_text(doc_id) == "Texte de la DAJCP. Suite."
    assert "INTRUSION" not in yjs.text("editor")


def _wait_codes(yjs, name):
    from support.live import wait_until

    return wait_until(lambda: yjs.call("close_codes", name=name)["codes"], 10, "a close")


def test_offline_edits_of_an_observer_in_sync_step_2_are_refused(server, make_user, add_member):
    claire = make_user()
    jean = make_user()
    tender_id = claire.create_tender()["id"]
    add_member(tender_id, jean.user_id, "observer")
    doc_id = claire.create_document(tender_id)
    url = f"{server.ws_url}/{doc_id}"

    async def scenario() -> int | None:
        ws = await open_socket(url + "?ack=1", jean.ws_headers)
        client = PyClient(ws)
        # Local content the server lacks: it goes out as the answer to the server's step 1.
        fragment = client.doc.get("content", type=XmlFragment)
        fragment.children.append(XmlElement("paragraph", {}, [XmlText("hors ligne")]))
        await ws.send(encode_sync(SyncStep.STEP1, client.doc.get_state()))
        try:
            await asyncio.wait_for(ws.wait_closed(), 10)
        except Closed:
            pass
        return ws.close_code

    assert run_async(scenario()) == 4403
    assert claire.document_text(doc_id) == ""
