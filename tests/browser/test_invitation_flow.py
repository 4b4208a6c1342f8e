"""A project lead invites a colleague from the Members page; the colleague joins and edits."""

from __future__ import annotations

import re

import pytest
from support.browser import editor_text, sign_in
from support.live import wait_until

pytestmark = pytest.mark.browser


def test_invite_accept_and_co_edit(server, make_user, chromium):
    claire = make_user("Claire Martin", "claire@ville.fr")
    tender_id = claire.create_tender("Transport scolaire")["id"]
    document_id = claire.create_document(tender_id, "CCTP transport", "CCTP")
    lead = chromium.new_context(locale="fr-FR")
    page = sign_in(lead, server.url, "claire@ville.fr")
    page.goto(f"{server.url}/tenders/{tender_id}")
    page.get_by_role("link", name="Gérer les membres").click()
    page.get_by_label("Adresse électronique").fill("lucie@ville.fr")
    page.get_by_label("Rôle", exact=True).select_option("editor")
    page.get_by_role("button", name="Inviter", exact=True).click()
    link = page.get_by_label("Lien d'invitation").input_value()
    assert link.startswith(server.url + "/invitations/")
    assert (
        "lucie@ville.fr" in page.locator("text=Invitations en attente").locator("..").inner_text()
    )

    guest = chromium.new_context(locale="fr-FR")
    lucie = guest.new_page()
    lucie.goto(link)
    assert "Transport scolaire" in lucie.content()
    lucie.get_by_label("Prénom et nom").fill("Lucie Bernard")
    lucie.get_by_label("Mot de passe (au moins 8 caractères)").fill("motdepasse-solide")
    lucie.get_by_role("button", name="Créer mon compte et rejoindre le marché").click()
    lucie.wait_for_url(re.compile(rf".*/tenders/{tender_id}$"))
    lucie.get_by_role("link", name="CCTP transport", exact=True).click()
    lucie.locator("#editor .ProseMirror").click()
    lucie.keyboard.type("Article 1 – Objet : transport des élèves.")
    page.goto(f"{server.url}/documents/{document_id}")
    wait_until(lambda: "transport des élèves" in editor_text(page), 10, "the text to reach Claire")
    page.goto(f"{server.url}/tenders/{tender_id}/members")
    assert "Lucie Bernard" in page.content()
    lead.close()
    guest.close()
