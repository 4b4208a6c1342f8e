"""The clause panel in the editor: search, fill the parameters, insert at the cursor; the
server sees the block with its clause, version and values; an old version offers its update."""

from __future__ import annotations

import pytest
from support.browser import editor_text, sign_in
from support.clauses import clause_block, write_blocks
from support.live import wait_until

import clauses

pytestmark = pytest.mark.browser


def compliance_clauses(user, tender_id: int) -> list[dict]:
    return user.get(f"/api/tenders/{tender_id}/compliance").json()["clauses"]


def test_insert_a_clause_with_its_parameters(server, make_user, chromium):
    claire = make_user("Claire Martin", "claire@ville.fr")
    tender_id = claire.create_tender("Assistance", estimated_value=400000)["id"]
    doc_id = claire.create_document(tender_id, "CCAP", "CCAP")
    context = chromium.new_context(locale="fr-FR")
    page = sign_in(context, server.url, "claire@ville.fr")
    page.goto(f"{server.url}/documents/{doc_id}")
    page.wait_for_selector("#sync-status[data-state=saved]")
    page.locator(".ProseMirror").click()
    page.keyboard.type("Article 5 – Clause sociale")

    page.keyboard.press("Control+Alt+k")
    search = page.get_by_label("Rechercher une clause")
    search.fill("insertion profess")
    page.locator(".clause-result", has_text="insertion").first.click()
    # Insertion hours are computed from the tender's estimated value.
    wait_until(lambda: "Calculé" in page.locator(".clause-params").inner_text(), 5)
    page.get_by_label("Taux d'insertion", exact=False).first.fill("7")
    # A required value without default keeps the button disabled until it is given.
    insert = page.get_by_role("button", name="Insérer à la position du curseur")
    wait_until(lambda: insert.is_disabled(), 5, "the missing value to block insertion")
    page.get_by_label("Facilitateur", exact=False).fill("Maison de l'emploi du territoire")
    preview = page.locator(".clause-preview")
    wait_until(lambda: "taux d'insertion de 7" in preview.inner_text(), 5, "the preview")
    wait_until(lambda: insert.is_enabled(), 5)
    insert.click()
    wait_until(lambda: page.locator(".clause-block").count() == 1, 5, "the clause block")
    label = page.locator(".clause-label")
    wait_until(lambda: "Bibliothèque" in label.inner_text(), 5, "the provenance label")
    page.wait_for_selector("#sync-status[data-state=saved]")

    found = wait_until(lambda: compliance_clauses(claire, tender_id), 10, "server sees the block")
    clause = clauses.ClauseLibrary.load().current("insertion-professionnelle")
    assert found[0]["clause_id"] == "insertion-professionnelle"
    assert found[0]["version"] == clause.version
    assert found[0]["params"]["taux_insertion"] == 7 and found[0]["params"]["heures"] > 0
    assert found[0]["edited"] is False

    # After a reload the block is still there; typing in it marks it as edited.
    page.reload()
    wait_until(lambda: "insertion" in editor_text(page).lower(), 10)
    block = page.locator(".clause-body p").first
    block.click()
    page.keyboard.press("End")
    page.keyboard.type(" Ajout local.")
    wait_until(lambda: "modifiée" in page.locator(".clause-label").inner_text(), 5)

    # A selected passage can be proposed to the library, prefilled in a new tab.
    page.evaluate(
        """() => {
            const editor = window.wikimarche.editor
            const from = editor.state.doc.textContent.indexOf('Article 5') + 1
            editor.commands.setTextSelection({ from, to: from + 9 })
        }"""
    )
    page.keyboard.press("Control+Alt+k")
    with context.expect_page() as opened:
        page.get_by_role("link", name="Proposer le passage sélectionné").click()
    proposal = opened.value
    proposal.wait_for_load_state()
    assert proposal.locator("#clause-text").input_value() == "Article 5"
    context.close()


def test_an_outdated_clause_offers_its_update(server, make_user, chromium):
    claire = make_user("Claire Martin", "claire@ville.fr")
    tender_id = claire.create_tender("Fournitures")["id"]
    doc_id = claire.create_document(tender_id, "RC", "RC")
    library = clauses.ClauseLibrary.load()
    old = library.versions("capacites-proportionnees")[0]
    assert old.version < library.current("capacites-proportionnees").version
    write_blocks(server, claire, doc_id, [clause_block(old.id, {}, version=old.version)])

    context = chromium.new_context(locale="fr-FR")
    page = sign_in(context, server.url, "claire@ville.fr")
    page.goto(f"{server.url}/documents/{doc_id}")
    update = page.get_by_role("button", name="Mise à jour disponible")
    update.wait_for()
    update.click()
    panel = page.locator("#clause-panel")
    wait_until(lambda: "v1 → v2" in panel.inner_text(), 5, "the update view")
    assert panel.locator(".clause-diff").count() == 1
    panel.get_by_role("button", name="Mettre à jour le texte").click()
    wait_until(lambda: compliance_clauses(claire, tender_id)[0]["version"] == 2, 10, "v2 stored")
    assert page.get_by_role("button", name="Mise à jour disponible").count() == 0
    context.close()
