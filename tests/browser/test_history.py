"""The legal directorate compares two versions and restores one while a colleague types."""

from __future__ import annotations

import pytest
from support.browser import editor_text, sign_in
from support.live import wait_until


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


pytestmark = pytest.mark.browser


def test_compare_and_restore_while_someone_types(server, make_user, add_member, chromium, yjs):
    claire = make_user("Claire Martin", "claire@ville.fr")
    karim = make_user("Karim Benali", "karim@ville.fr")
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    add_member(tender_id, karim.user_id, "editor")
    yjs.connect("seed", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="seed", index=0, text="Texte initial validé.")
    claire.post(f"/api/documents/{doc_id}/versions", json={"label": "Envoi DAJCP"})
    yjs.call("append_paragraph", name="seed", text="Paragraphe à retirer.")
    yjs.call("destroy", name="seed")

    typist_context = chromium.new_context(locale="fr-FR")
    typist = sign_in(typist_context, server.url, "karim@ville.fr")
    typist.goto(f"{server.url}/documents/{doc_id}")
    wait_until(lambda: "à retirer" in editor_text(typist), 10)
    typist.locator("#editor .ProseMirror").click()
    typist.keyboard.press("Control+Home")
    typist.keyboard.type("[K] ")

    lawyer_context = chromium.new_context(locale="fr-FR")
    lawyer = sign_in(lawyer_context, server.url, "claire@ville.fr")
    lawyer.goto(f"{server.url}/documents/{doc_id}/history")
    assert "Envoi DAJCP" in lawyer.content()
    lawyer.get_by_role("button", name="Comparer").click()
    lawyer.wait_for_url("**/compare**")
    assert "Paragraphe à retirer." in lawyer.locator(".diff").inner_text()
    lawyer.go_back()
    lawyer.get_by_role("link", name="Restaurer").first.click()
    lawyer.get_by_role("button", name="Restaurer la version 1").click()
    lawyer.wait_for_url("**/history?restored=*")
    assert "Le document a été restauré" in lawyer.content()

    typist.keyboard.type("[K2]")
    wait_until(lambda: "à retirer" not in editor_text(typist), 5, "the restore to reach Karim")
    wait_until(lambda: "[K2]" in claire.document_text(doc_id), 10)
    final = editor_text(typist)
    # Typing that reached the server before the restore is reverted with the rest; typing
    # after it is kept, and everybody converges.
    assert "Texte initial validé." in final and "[K2]" in final and "[K] " not in final
    wait_until(lambda: lines(claire.document_text(doc_id)) == lines(final), 10)
    typist_context.close()
    lawyer_context.close()
