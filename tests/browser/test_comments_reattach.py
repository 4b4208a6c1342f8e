"""Ctrl+Z after deleting a commented passage: the comment comes back on its words for
every reader, not only for the person who undid the deletion."""

from __future__ import annotations

import pytest
from support.browser import editor_text, sign_in
from support.live import wait_until

pytestmark = pytest.mark.browser

TEXT = "Le titulaire livre le rapport final sous deux mois."
PASSAGE = "rapport final"
CUT = "livre le rapport final "


def _card_state(page):
    return page.evaluate(
        """() => {
            const card = document.querySelector('#comments-panel .comments-list > li')
            const mark = document.querySelector('#editor [data-comment-id]')
            return card && {
                detached: card.classList.contains('is-detached'),
                highlighted: mark ? mark.textContent : null,
            }
        }"""
    )


def test_an_undo_reattaches_the_comment_for_the_other_reader(
    server, make_user, add_member, chromium, yjs
):
    claire = make_user("Claire Martin", "claire@ville.fr")
    sophie = make_user("Sophie Leroy", "sophie@ville.fr")
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    add_member(tender_id, sophie.user_id, "commenter")
    yjs.connect("seed", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="seed", index=0, text=TEXT)
    anchor = yjs.call("anchor", name="seed", index=TEXT.index(PASSAGE), length=13, assoc=-1)
    yjs.call("destroy", name="seed")
    created = sophie.post(
        f"/api/documents/{doc_id}/comments",
        json={"body": "Quel format ?", "anchor": anchor, "quote": anchor["quote"]},
    )
    assert created.status_code == 201, created.text

    contexts = [chromium.new_context(locale="fr-FR") for _ in range(2)]
    editor = sign_in(contexts[0], server.url, "claire@ville.fr")
    reader = sign_in(contexts[1], server.url, "sophie@ville.fr")
    for page in (editor, reader):
        page.goto(f"{server.url}/documents/{doc_id}")
        wait_until(
            lambda page=page: _card_state(page) == {"detached": False, "highlighted": PASSAGE},
            10,
            "the comment",
        )

    # Claire cuts a clause around the passage, then thinks better of it.
    editor.evaluate(
        """(cut) => {
            const editor = window.wikimarche.editor
            const from = editor.state.doc.textContent.indexOf(cut) + 1
            editor.commands.setTextSelection({ from, to: from + cut.length })
            editor.view.focus()
        }""",
        CUT,
    )
    editor.keyboard.press("Backspace")
    wait_until(lambda: (_card_state(reader) or {}).get("detached"), 5, "passage supprimé")
    editor.keyboard.press("Control+z")
    wait_until(lambda: editor_text(reader) == TEXT, 5, "the text back")
    wait_until(
        lambda: _card_state(reader) == {"detached": False, "highlighted": PASSAGE},
        5,
        "the comment back on its words for Sophie",
    )
    assert _card_state(editor) == {"detached": False, "highlighted": PASSAGE}
    thread = claire.get(f"/api/documents/{doc_id}/comments").json()[0]
    assert not thread["detached"] and thread["quote"] == PASSAGE
    # Anchored to the words that came back, not to the deleted ones.
    assert thread["anchor"] != {"start": anchor["start"], "end": anchor["end"]}
    for context in contexts:
        context.close()
