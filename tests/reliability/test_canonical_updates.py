"""What the server stores and shows is its own encoding of what an update changed.

yrs (the server's CRDT) accepts some malformed updates that Yjs (the editors') refuses or
reads otherwise; the socket fuzz (test_malformed_frames) met them about once in a hundred
accepted mutations. Were the sender's bytes forwarded, every open editor would throw on
them and keep a text the server does not hold, and anyone opening the document later
would see another. An update that changes nothing is acknowledged and not stored again.
"""

from __future__ import annotations

import asyncio

from pycrdt import Doc, XmlElement, XmlFragment, XmlText
from support.live import run_async
from support.rawws import PyClient
from support.typists import wait_for

from server.db.changes import SqlChangeLog
from server.sync.intake import document_clocks
from server.sync.protocol import SyncStep, encode_sync, write_var_uint

ATTACKER_CLIENT = 4_242_424


def _self_referencing_update() -> tuple[bytes, bytes, int]:
    """A paragraph, then an insertion whose left origin points inside itself; and the
    attacker's clock after the paragraph.

    An item's origin is an item that existed before it, so Yjs never writes this; yrs
    integrates it, Yjs throws halfway through applying it.
    """
    doc = Doc(client_id=ATTACKER_CLIENT)
    fragment = doc.get("content", type=XmlFragment)
    fragment.children.append(XmlElement("paragraph", {}, [XmlText("Article 1 – café ")]))
    base, after_base = doc.get_update(), doc.get_state()
    end = document_clocks(doc)[ATTACKER_CLIENT]
    text = fragment.children[0].children[0]
    assert isinstance(text, XmlText)
    text.insert(len(text), "prix révisable ")
    del text[0:3]
    honest = doc.get_update(after_base)
    # The insertion's left origin is the last character before it (clock end - 1).
    origin = bytes([0x84]) + write_var_uint(ATTACKER_CLIENT) + write_var_uint(end - 1)
    assert honest.count(origin) == 1
    inside = bytes([0x84]) + write_var_uint(ATTACKER_CLIENT) + write_var_uint(end + 5)
    return base, honest.replace(origin, inside), end


def test_an_update_yjs_reads_otherwise_leaves_no_editor_apart(server, make_user, add_member, yjs):
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    attacker = make_user()
    add_member(tender_id, attacker.user_id, "editor")
    doc_id = claire.create_document(tender_id)
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.connect("b", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Honnête. ")
    base, bad, end = _self_referencing_update()

    async def send() -> None:
        client = await PyClient.connect(f"{server.ws_url}/{doc_id}", attacker.ws_headers)
        await asyncio.wait_for(client.synced.wait(), 10)
        await client.ws.send(encode_sync(SyncStep.UPDATE, base))
        await client.ws.send(encode_sync(SyncStep.UPDATE, bad))
        # Frames are handled in order: the acknowledgement of `bad` follows that of `base`.
        await wait_for(lambda: client.acked.get(ATTACKER_CLIENT, 0) > end, 10, "ack")
        await client.close()

    run_async(send())
    # Someone opening the document now gets the server's copy: the same as the editors'.
    joined = yjs.connect("c", server.ws_url, doc_id, claire.ws_headers)
    assert joined.get("synced"), joined
    yjs.call("wait_equal", names=["a", "b", "c"], timeout=10)
    # The update did reach the editors (its deletion of "Art" shows)...
    assert "icle 1 – café" in yjs.text("a") and "Article" not in yjs.text("a")
    # ...and they keep working together afterwards.
    yjs.call("insert", name="b", index="end", text=" Fin.")
    yjs.call("wait_equal", names=["a", "b", "c"], timeout=10)
    assert " Fin." in yjs.text("c")


def test_an_update_the_document_holds_is_acknowledged_and_not_stored_again(server, make_user):
    claire = make_user()
    doc_id = claire.create_document(claire.create_tender()["id"])

    async def scenario() -> bool:
        client = await PyClient.connect(f"{server.ws_url}/{doc_id}", claire.ws_headers)
        await asyncio.wait_for(client.synced.wait(), 10)
        before = client.doc.get_state()
        await client.type("Bonjour")
        await wait_for(client.all_acked, 10, "the first acknowledgement")
        update = client.doc.get_update(before)
        frames = client.frames
        client.acked.clear()
        await client.ws.send(encode_sync(SyncStep.UPDATE, update))  # sent again
        await wait_for(lambda: client.frames > frames, 10, "an answer to the resent update")
        acked_again = client.all_acked()
        await client.close()
        return acked_again

    stored_before = server.db_call(lambda db: SqlChangeLog(db).change_count(doc_id))
    acked_again = run_async(scenario())
    stored_after = server.db_call(lambda db: SqlChangeLog(db).change_count(doc_id))
    assert acked_again
    assert stored_after == stored_before + 1  # "Bonjour" once, not twice
