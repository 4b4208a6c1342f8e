"""Two people discuss a passage: one comments, the other sees it live and replies, the
first resolves the thread."""

from __future__ import annotations

import pytest
from support.browser import editor_text, sign_in
from support.live import wait_until

pytestmark = pytest.mark.browser


def test_comment_reply_and_resolve_live(server, make_user, add_member, chromium, yjs):
    claire = make_user("Claire Martin", "claire@ville.fr")
    sophie = make_user("Sophie Leroy", "sophie@ville.fr")
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    add_member(tender_id, sophie.user_id, "commenter")
    yjs.connect("seed", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="seed", index=0, text="Le titulaire livre le rapport sous deux mois.")
    yjs.call("destroy", name="seed")

    contexts = [chromium.new_context(locale="fr-FR") for _ in range(2)]
    author = sign_in(contexts[0], server.url, "sophie@ville.fr")
    manager = sign_in(contexts[1], server.url, "claire@ville.fr")
    for page in (author, manager):
        page.goto(f"{server.url}/documents/{doc_id}")
        wait_until(lambda page=page: "rapport" in editor_text(page), 10)
    # Sophie (commenter, read-only text) selects "deux mois" and comments it.
    author.evaluate(
        """() => {
            const editor = window.wikimarche.editor
            const text = editor.state.doc.textContent
            const from = text.indexOf('deux mois') + 1
            editor.commands.setTextSelection({ from, to: from + 9 })
        }"""
    )
    author.keyboard.press("Control+Alt+m")
    author.get_by_label("Votre commentaire").fill("Délai trop court pour un diagnostic.")
    author.get_by_role("button", name="Commenter", exact=True).last.click()

    # Claire sees it appear without reloading, replies, then resolves.
    panel = manager.locator("#comments-panel")
    wait_until(lambda: "Délai trop court" in panel.inner_text(), 5, "the comment to appear")
    assert "deux mois" in panel.inner_text()
    panel.get_by_role("button", name="Répondre").first.click()
    manager.get_by_label("Votre réponse").fill("Passons à trois mois.")
    manager.get_by_label("Votre réponse").press("Control+Enter")
    author_panel = author.locator("#comments-panel")
    wait_until(lambda: "Passons à trois mois." in author_panel.inner_text(), 5, "the reply")
    panel.get_by_role("button", name="Résoudre").first.click()
    wait_until(
        lambda: claire.get(f"/api/documents/{doc_id}/comments").json()[0]["status"] == "resolved", 5
    )
    thread = sophie.get(f"/api/documents/{doc_id}/comments").json()[0]
    assert (
        thread["quote"] == "deux mois" and thread["replies"][0]["body"] == "Passons à trois mois."
    )
    for context in contexts:
        context.close()
