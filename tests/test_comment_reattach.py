"""A deleted passage that comes back (an undo) takes its comment back, for everyone."""

from __future__ import annotations

from support.live import wait_until

TEXT = "Le titulaire livre le rapport final sous deux mois."
PASSAGE = "rapport final"
CUT = "livre le rapport final "  # more than the passage: both of its ends die


def _threads(user, doc_id):
    return user.get(f"/api/documents/{doc_id}/comments").json()


def test_undoing_a_deletion_reattaches_the_comment_for_other_users(
    server, make_user, add_member, yjs
):
    claire = make_user("Claire Martin")
    tender_id = claire.create_tender("Marché commenté")["id"]
    doc_id = claire.create_document(tender_id)
    karim, sophie, jean = make_user("Karim Benali"), make_user("Sophie Leroy"), make_user()
    add_member(tender_id, karim.user_id, "editor")
    add_member(tender_id, sophie.user_id, "commenter")
    add_member(tender_id, jean.user_id, "observer")
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.connect("b", server.ws_url, doc_id, karim.ws_headers)
    yjs.call("insert", name="a", index=0, text=TEXT)
    yjs.call("wait_equal", names=["a", "b"])
    at = TEXT.index(PASSAGE)
    # Anchored as the editor anchors (both ends stick to the character on their left).
    anchor = yjs.call("anchor", name="a", index=at, length=len(PASSAGE), assoc=-1)
    comment = sophie.post(
        f"/api/documents/{doc_id}/comments",
        json={"body": "Préciser le format.", "anchor": anchor, "quote": anchor["quote"]},
    ).json()
    url = f"/api/comments/{comment['id']}/anchor"
    # While the passage is there, nobody can move the anchor.
    assert jean.post(url, json={"anchor": anchor}).status_code == 409

    # Karim deletes the sentence around the passage: the comment is detached for everyone.
    yjs.call("delete", name="b", index=TEXT.index(CUT), length=len(CUT))
    yjs.call("wait_equal", names=["a", "b"])
    wait_until(lambda: _threads(claire, doc_id)[0]["detached"], 5, "the comment to detach")
    # He undoes it: Yjs brings the words back as new items, the old anchor stays dead.
    yjs.call("undo", name="b")
    yjs.call("wait_equal", names=["a", "b"])
    assert yjs.text("a") == TEXT
    assert _threads(claire, doc_id)[0]["detached"]

    # Any reader's editor proposes the words that came back; a wrong span changes nothing.
    wrong = yjs.call("anchor", name="a", index=at, length=len(PASSAGE) + 1, assoc=-1)
    refused = jean.post(url, json={"anchor": wrong})
    assert refused.status_code == 422 and "passage cité" in refused.text
    assert jean.post(url, json={"anchor": {"start": "x", "end": 3}}).status_code == 422
    assert _threads(claire, doc_id)[0]["detached"]
    fresh = yjs.call("anchor", name="a", index=at, length=len(PASSAGE), assoc=-1)
    done = jean.post(url, json={"anchor": fresh})
    assert done.status_code == 200, done.text

    # Everyone, the author included, sees it attached to the re-inserted words, unedited.
    for user in (claire, sophie):
        thread = _threads(user, doc_id)[0]
        assert not thread["detached"] and not thread["edited"]
        assert thread["anchor"] == {"start": fresh["start"], "end": fresh["end"]}
    resolved = yjs.call("resolve", name="b", **thread["anchor"])
    assert resolved["between"] == PASSAGE and not resolved["detached"]
    # And it keeps following its words.
    yjs.call("insert", name="a", index=0, text="Article 3. ")
    yjs.call("wait_equal", names=["a", "b"])
    assert yjs.call("resolve", name="b", **thread["anchor"])["between"] == PASSAGE
