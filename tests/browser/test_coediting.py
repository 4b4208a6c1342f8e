"""Two people in two browsers co-write a document; reloading keeps everything."""

from __future__ import annotations

import re

import pytest
from support.browser import editor_text, sign_in
from support.live import wait_until

pytestmark = pytest.mark.browser


def test_sign_in_create_tender_and_document_then_co_write(server, add_member, chromium):
    server.add_user("claire@ville.fr", "Claire Martin")
    karim_id = server.add_user("karim@ville.fr", "Karim Benali")
    errors: list[str] = []
    claire_context = chromium.new_context(locale="fr-FR")
    karim_context = chromium.new_context(locale="fr-FR")
    claire = sign_in(claire_context, server.url, "claire@ville.fr")
    claire.on("pageerror", lambda exc: errors.append(str(exc)))

    claire.get_by_role("link", name="Nouveau marché").click()
    claire.get_by_label("Titre").fill("Restauration scolaire 2027")
    claire.get_by_label("Référence").fill("2027-RS-01")
    claire.get_by_label("Catégorie d'achat").select_option("services")
    claire.get_by_label("Montant estimé (€ HT)").fill("250 000")
    claire.get_by_label("Date de lancement prévue").fill("2027-01-15")
    claire.get_by_role("button", name="Créer le marché").click()
    claire.wait_for_url(re.compile(r".*/tenders/\d+$"))
    tender_id = int(claire.url.rsplit("/", 1)[1])
    assert "250\u202f000\u00a0€" in claire.locator(".facts").inner_text()

    claire.get_by_label("Pièce", exact=True).select_option("CCTP")
    claire.get_by_label("Titre", exact=True).fill("Cahier des clauses techniques")
    claire.get_by_role("button", name="Ajouter", exact=True).click()
    claire.wait_for_url(re.compile(r".*/documents/\d+$"))
    document_path = claire.url.split(server.url)[1]
    add_member(tender_id, karim_id, "editor")

    claire_editor = claire.locator("#editor .ProseMirror")
    claire_editor.click()
    claire.keyboard.type("Article 1 – Objet du marché. ")

    karim = sign_in(karim_context, server.url, "karim@ville.fr")
    karim.on("pageerror", lambda exc: errors.append(str(exc)))
    karim.goto(server.url + document_path)
    wait_until(lambda: "Article 1" in editor_text(karim), 10, "the text to appear")
    # Both type at the same time in the same paragraph.
    karim.locator("#editor .ProseMirror").click()
    karim.keyboard.press("End")
    claire.keyboard.type("Fourniture de repas", delay=15)
    karim.keyboard.type(" [Karim]", delay=15)
    wait_until(lambda: editor_text(claire) == editor_text(karim), 10, "both browsers to converge")
    text = editor_text(claire)
    assert "Article 1" in text and "Fourniture de repas" in text and "[Karim]" in text

    # Presence: each sees the other.
    wait_until(lambda: "Claire Martin" in karim.locator("#presence").inner_text(), 10, "presence")
    claire.wait_for_selector("#sync-status[data-state='saved']")
    claire.reload()
    wait_until(lambda: "[Karim]" in editor_text(claire), 10, "the text to appear")
    assert editor_text(claire) == text
    assert errors == []
    claire_context.close()
    karim_context.close()


def test_observer_sees_live_text_but_cannot_type(server, make_user, add_member, chromium):
    claire = make_user("Claire Martin", "claire@ville.fr")
    jean_id = server.add_user("jean@ville.fr", "Jean Dupont")
    tender_id = claire.create_tender()["id"]
    document_id = claire.create_document(tender_id)
    add_member(tender_id, jean_id, "observer")
    context = chromium.new_context(locale="fr-FR")
    page = sign_in(context, server.url, "jean@ville.fr")
    page.goto(f"{server.url}/documents/{document_id}")
    page.wait_for_selector("#sync-status[data-state='saved']")
    # Read only, yet focusable with a caret (to select passages to annotate).
    assert page.locator("#editor .ProseMirror").get_attribute("aria-readonly") == "true"
    assert page.get_by_text("Lecture seule").count() >= 1
    writer = chromium.new_context(locale="fr-FR")
    editor = sign_in(writer, server.url, "claire@ville.fr")
    editor.goto(f"{server.url}/documents/{document_id}")
    editor.locator("#editor .ProseMirror").click()
    editor.keyboard.type("Texte visible par l'élu.")
    wait_until(lambda: "visible par" in editor_text(page), 10, "the text to appear")
    page.locator("#editor .ProseMirror").click()
    page.keyboard.type("tentative")
    assert "tentative" not in claire.document_text(document_id)
    assert "tentative" not in editor_text(page)
    context.close()
    writer.close()
