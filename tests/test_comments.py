"""Comments and annotations: anchors that follow the text, who sees what, moderation,
live push, notifications, the Atom feed and unsubscribing."""

from __future__ import annotations

import asyncio
import threading

import httpx
from support.api import ApiUser
from support.live import run_async, wait_until
from support.rawws import PyClient


def _setup(make_user, add_member, *roles):
    claire = make_user("Claire Martin")
    tender_id = claire.create_tender("Marché commenté")["id"]
    doc_id = claire.create_document(tender_id)
    others = []
    for role in roles:
        user = make_user()
        add_member(tender_id, user.user_id, role)
        others.append(user)
    return claire, tender_id, doc_id, others


def _comment(user: ApiUser, doc_id: int, anchor: dict, body: str = "À revoir.", **extra):
    return user.post(
        f"/api/documents/{doc_id}/comments",
        json={
            "body": body,
            "anchor": {"start": anchor["start"], "end": anchor["end"]},
            "quote": anchor["quote"],
            **extra,
        },
    )


def test_a_comment_keeps_pointing_at_its_words_while_others_edit(
    server, make_user, add_member, yjs
):
    claire, _tender, doc_id, (karim,) = _setup(make_user, add_member, "editor")
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.connect("b", server.ws_url, doc_id, karim.ws_headers)
    yjs.call("insert", name="a", index=0, text="Le titulaire livre le rapport final.")
    yjs.call("wait_text", name="b", contains="rapport final")
    anchor = yjs.call("anchor", name="a", index=13, length=18)  # "livre le rapport f"
    created = _comment(claire, doc_id, anchor, category="juridique")
    assert created.status_code == 201, created.text
    # Others insert before, inside and after; delete around it.
    yjs.call("insert", name="b", index=0, text="Article 2. ")
    yjs.call("insert", name="b", index=30, text="bien ")
    yjs.call("insert", name="b", index="end", text=" Fin.")
    yjs.call("wait_equal", names=["a", "b"])
    resolved = yjs.call("resolve", name="b", start=anchor["start"], end=anchor["end"])
    assert resolved["between"] == "livre bien le rapport f" and not resolved["detached"]
    listed = claire.get(f"/api/documents/{doc_id}/comments").json()
    assert listed[0]["quote"] == "livre le rapport f" and listed[0]["detached"] is False
    # The passage is deleted: the comment stays, detached, with its original quote.
    yjs.call("delete", name="b", index=22, length=27)
    yjs.call("wait_equal", names=["a", "b"])
    assert yjs.call("resolve", name="a", start=anchor["start"], end=anchor["end"])["detached"]
    listed = wait_until(
        lambda: [
            c for c in claire.get(f"/api/documents/{doc_id}/comments").json() if c["detached"]
        ],
        5,
    )
    assert listed[0]["quote"] == "livre le rapport f" and listed[0]["body"] == "À revoir."


def test_private_annotations_are_seen_by_their_author_only(server, make_user, add_member, yjs):
    claire, _tender, doc_id, (jean, karim) = _setup(make_user, add_member, "observer", "editor")
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Texte soumis aux élus.")
    anchor = yjs.call("anchor", name="a", index=0, length=5)
    assert _comment(jean, doc_id, anchor, "Public ?").status_code == 403  # observer
    note = _comment(jean, doc_id, anchor, "Ma note", private=True)
    assert note.status_code == 201 and note.json()["private"] is True
    assert [c["body"] for c in jean.get(f"/api/documents/{doc_id}/comments").json()] == ["Ma note"]
    for other in (claire, karim):
        assert other.get(f"/api/documents/{doc_id}/comments").json() == []
        assert (
            other.post(f"/api/comments/{note.json()['id']}/replies", json={"body": "x"}).status_code
            == 404
        )
        assert other.delete(f"/api/comments/{note.json()['id']}").status_code == 404


def test_threads_replies_edit_delete_resolve(server, make_user, add_member, yjs):
    claire, _tender, doc_id, (sophie, jean) = _setup(make_user, add_member, "commenter", "observer")
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Clause de révision des prix.")
    anchor = yjs.call("anchor", name="a", index=0, length=6)
    root = _comment(sophie, doc_id, anchor, "Indice à préciser.", category="prix").json()
    assert root["category"] == "prix" and root["can_resolve"] is False
    reply = claire.post(f"/api/comments/{root['id']}/replies", json={"body": "Indice Syntec."})
    assert reply.status_code == 201
    assert jean.post(f"/api/comments/{root['id']}/replies", json={"body": "x"}).status_code == 403
    assert claire.patch(f"/api/comments/{root['id']}", json={"body": "pirate"}).status_code == 403
    edited = sophie.patch(f"/api/comments/{root['id']}", json={"body": "Indice BT01 ?"})
    assert edited.json()["edited"] is True
    assert sophie.post(f"/api/comments/{root['id']}/resolve").status_code == 403
    assert claire.post(f"/api/comments/{root['id']}/resolve").json()["status"] == "resolved"
    thread = jean.get(f"/api/documents/{doc_id}/comments").json()[0]
    assert thread["status"] == "resolved" and thread["replies"][0]["body"] == "Indice Syntec."
    assert claire.post(f"/api/comments/{root['id']}/reopen").json()["status"] == "open"
    for bad in ({"body": ""}, {"body": "x" * 5001}, {"body": 3}):
        assert sophie.post(f"/api/comments/{root['id']}/replies", json=bad).status_code == 422
    assert _comment(sophie, doc_id, {"start": "!!", "end": "x", "quote": ""}).status_code == 422
    assert _comment(sophie, doc_id, anchor, "x", category="inconnue").status_code == 422
    assert sophie.delete(f"/api/comments/{root['id']}").status_code == 204
    assert jean.get(f"/api/documents/{doc_id}/comments").json() == []


def test_a_priori_moderation_keeps_comments_pending_until_approved(
    server, make_user, add_member, yjs
):
    claire, tender_id, doc_id, (sophie, jean) = _setup(
        make_user, add_member, "commenter", "observer"
    )
    saved = claire.client.post(
        f"/tenders/{tender_id}/comment-settings",
        data={"csrf_token": claire.csrf, "moderation": "on", "categories": "juridique\nprix"},
    )
    assert saved.status_code == 200
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Texte modéré.")
    anchor = yjs.call("anchor", name="a", index=0, length=5)
    pending = _comment(sophie, doc_id, anchor, "En attente").json()
    assert pending["moderation"] == "pending"
    assert jean.get(f"/api/documents/{doc_id}/comments").json() == []
    assert claire.get(f"/api/documents/{doc_id}/comments").json()[0]["moderation"] == "pending"
    claire.post(f"/api/comments/{pending['id']}/moderate", json={"state": "visible"})
    assert jean.get(f"/api/documents/{doc_id}/comments").json()[0]["body"] == "En attente"
    claire.post(f"/api/comments/{pending['id']}/moderate", json={"state": "hidden"})
    assert jean.get(f"/api/documents/{doc_id}/comments").json() == []
    assert (
        sophie.post(
            f"/api/comments/{pending['id']}/moderate", json={"state": "visible"}
        ).status_code
        == 403
    )


def test_new_comments_reach_open_editors_within_a_second_but_not_annotations(
    server, make_user, add_member, yjs
):
    claire, _tender, doc_id, (karim,) = _setup(make_user, add_member, "editor")
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Texte commenté en direct.")
    anchor = yjs.call("anchor", name="a", index=0, length=5)
    url = f"{server.ws_url}/{doc_id}"
    received: list[bytes] = []
    ready = threading.Event()
    done = threading.Event()

    async def listen() -> None:
        client = await PyClient.connect(url, karim.ws_headers)
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
    ready.wait(10)
    _comment(claire, doc_id, anchor, "Note privée", private=True)
    _comment(claire, doc_id, anchor, "Commentaire public")
    wait_until(lambda: received, 1.0, "the comment event")
    done.set()
    thread.join()
    assert len(received) == 1 and b"comments" in received[0]
    assert b"Commentaire" not in received[0]  # the event carries no content


def test_mentions_and_replies_notify_and_unsubscribe_works(server, make_user, add_member, yjs):
    claire, tender_id, doc_id, (karim, sophie) = _setup(
        make_user, add_member, "editor", "commenter"
    )
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Critère environnemental.")
    anchor = yjs.call("anchor", name="a", index=0, length=7)
    root = _comment(
        sophie, doc_id, anchor, "@Agent 1 un avis ?", mentions=[karim.user_id, 999999]
    ).json()
    assert root["mentions"] == [karim.user_id]
    karim.post(f"/api/comments/{root['id']}/replies", json={"body": "Oui, 10 %."})
    assert karim.get("/api/notifications").json()["unread"] == 1
    sophie_notes = sophie.get("/api/notifications").json()
    assert sophie_notes["items"][0]["kind"] == "reply"
    page = sophie.get("/tenders")
    assert "1 notification non lue" in page.text
    assert "1 notification non lue" in sophie.get("/page/inexistante").text  # a wrong address
    server.add_user("admin@ville.fr", "Admin", admin=True)
    mails = ApiUser(server.url, "admin@ville.fr").get("/api/admin/outbox").json()
    to_sophie = [m for m in mails if m["recipient"] == sophie.email]
    assert to_sophie and "a répondu" in to_sophie[0]["subject"]
    link = to_sophie[0]["body"].split("courriels : ")[1].split()[0]
    path = "/" + link.split("/", 3)[3]
    page = httpx.get(server.url + path)
    assert page.status_code == 200 and "désabonner" in page.text
    assert httpx.post(server.url + path).status_code == 200
    assert httpx.get(server.url + path[:-3] + "abc").status_code == 404
    before = len(mails)
    karim.post(f"/api/comments/{root['id']}/replies", json={"body": "Encore."})
    mails = ApiUser(server.url, "admin@ville.fr").get("/api/admin/outbox").json()
    assert not [m for m in mails[: len(mails) - before] if m["recipient"] == sophie.email]
    assert sophie.get("/api/notifications").json()["unread"] >= 2  # the bell still rings


def test_the_atom_feed_lists_public_comments_behind_a_secret_link(
    server, make_user, add_member, yjs
):
    claire, tender_id, doc_id, (jean,) = _setup(make_user, add_member, "observer")
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="a", index=0, text="Texte du flux.")
    anchor = yjs.call("anchor", name="a", index=0, length=5)
    _comment(claire, doc_id, anchor, "Public <script>alert(1)</script>")
    _comment(jean, doc_id, anchor, "Privé", private=True)
    page = claire.client.post(f"/tenders/{tender_id}/feed", data={"csrf_token": claire.csrf})
    feed_url = page.text.split('id="feed-url" class="copy-field" readonly value="')[1].split('"')[0]
    assert feed_url.startswith(server.url + "/feeds/")
    feed = httpx.get(feed_url)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith(
        "application/atom+xml"
    )
    assert "Public &lt;script&gt;" in feed.text and "Privé" not in feed.text
    assert httpx.get(f"{server.url}/feeds/faux.atom").status_code == 404
