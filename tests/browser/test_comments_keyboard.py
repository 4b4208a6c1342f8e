"""An observer annotates with the keyboard alone: the read-only text takes the focus and a
caret, Shift+arrows select a passage, and nothing typed there reaches the document."""

from __future__ import annotations

import pytest
from support.browser import editor_text, sign_in
from support.live import wait_until

pytestmark = pytest.mark.browser

TEXT = "Le titulaire livre le rapport sous deux mois."


def _focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement
            return el ? (el.classList.contains('ProseMirror') ? 'text' : el.tagName) : ''
        }"""
    )


def test_an_observer_annotates_a_passage_with_the_keyboard_only(
    server, make_user, add_member, chromium, yjs
):
    claire = make_user("Claire Martin", "claire@ville.fr")
    jean = make_user("Jean Dupont", "jean@ville.fr")
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    add_member(tender_id, jean.user_id, "observer")
    yjs.connect("seed", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="seed", index=0, text=TEXT)
    yjs.call("destroy", name="seed")

    context = chromium.new_context(locale="fr-FR")
    page = sign_in(context, server.url, "jean@ville.fr")
    page.goto(f"{server.url}/documents/{doc_id}")
    wait_until(lambda: "rapport" in editor_text(page), 10, "the text")
    surface = page.locator("#editor .ProseMirror")
    assert surface.get_attribute("aria-readonly") == "true"
    assert surface.get_attribute("role") == "textbox"
    assert "lecture seule" in (surface.get_attribute("aria-label") or "")

    # Tab through the page until the text has the focus.
    for _ in range(40):
        page.keyboard.press("Tab")
        if _focused(page) == "text":
            break
    assert _focused(page) == "text", "the read-only text is reachable with Tab"
    page.keyboard.press("Control+Home")
    for _ in range(len("Le titulaire")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Control+Alt+m")
    wait_until(lambda: _focused(page) == "TEXTAREA", 5, "the annotation form")
    assert "Le titulaire" in page.locator(".comments-compose").inner_text()
    page.keyboard.type("Qui est le titulaire ?")
    page.keyboard.press("Control+Enter")
    notes = wait_until(lambda: jean.get(f"/api/documents/{doc_id}/comments").json(), 5, "a note")
    assert notes[0]["private"] and notes[0]["quote"] == "Le titulaire"
    assert notes[0]["body"] == "Qui est le titulaire ?"
    assert claire.get(f"/api/documents/{doc_id}/comments").json() == []  # private

    # Typing, deleting, pasting in the text change nothing, locally or on the server.
    surface.focus()
    page.keyboard.press("Control+Home")
    page.keyboard.type("tentative")
    page.keyboard.press("Enter")
    page.keyboard.press("Backspace")
    page.keyboard.press("Delete")
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    assert editor_text(page) == TEXT
    assert surface.inner_text().strip() == TEXT
    assert page.locator("#sync-status").get_attribute("data-state") != "refused"
    assert claire.document_text(doc_id).strip() == TEXT
    context.close()


def test_an_editor_turned_observer_cannot_undo_from_the_caret(server, make_user, chromium):
    claire = make_user("Claire Martin", "claire@ville.fr")
    karim = make_user("Karim Benali", "karim@ville.fr")
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    claire.post(f"/api/tenders/{tender_id}/members", json={"email": karim.email, "role": "editor"})
    context = chromium.new_context(locale="fr-FR")
    page = sign_in(context, server.url, "karim@ville.fr")
    page.goto(f"{server.url}/documents/{doc_id}")
    page.locator("#editor .ProseMirror").click()
    page.keyboard.type("Texte de Karim.")
    wait_until(lambda: claire.document_text(doc_id).strip() == "Texte de Karim.", 5, "the save")

    # His role is lowered while his caret is in the text: his undo history is out of reach.
    claire.patch(f"/api/tenders/{tender_id}/members/{karim.user_id}", json={"role": "observer"})
    wait_until(
        lambda: page.locator("#document-editor").get_attribute("data-mode") == "readonly",
        5,
        "read-only mode",
    )
    page.locator("#editor .ProseMirror").focus()
    for keys in ("Control+z", "Control+z", "Control+y", "Control+Shift+z"):
        page.keyboard.press(keys)
    page.keyboard.type("x")
    assert editor_text(page) == "Texte de Karim."
    assert page.locator("#sync-status").get_attribute("data-state") != "refused"
    assert claire.document_text(doc_id).strip() == "Texte de Karim."
    context.close()
