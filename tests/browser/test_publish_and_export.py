"""The project lead has the tender validated, publishes it and downloads its DCE zip."""

from __future__ import annotations

import io
import zipfile

import pytest
from support.browser import sign_in
from support.content import every_node_type, write_document

pytestmark = pytest.mark.browser


def test_publish_a_tender_and_download_its_dce_zip(server, make_user, add_member, chromium):
    claire = make_user("Claire Martin", "claire@ville.fr")
    dajcp = make_user("Service DAJCP", "dajcp@ville.fr")
    tender_id = claire.create_tender("Marché de nettoyage", reference="2026-NET-01")["id"]
    add_member(tender_id, dajcp.user_id, "observer")
    for kind, title in (("RC", "Règlement"), ("CCTP", "Cahier technique")):
        doc_id = claire.create_document(tender_id, title, kind)
        write_document(server.ws_url, doc_id, claire.ws_headers, every_node_type())

    lead_context = chromium.new_context(locale="fr-FR", accept_downloads=True)
    lead = sign_in(lead_context, server.url, "claire@ville.fr")
    lead.goto(f"{server.url}/tenders/{tender_id}")
    lead.get_by_label("Service DAJCP").check()
    lead.get_by_role("button", name="Demander la validation", exact=True).click()
    lead.wait_for_url(f"**/tenders/{tender_id}#workflow")
    assert lead.locator(".workflow-state").inner_text() == "En validation"
    assert lead.get_by_role("button", name="Publier le marché").is_disabled()

    reviewer = sign_in(chromium.new_context(locale="fr-FR"), server.url, "dajcp@ville.fr")
    reviewer.goto(f"{server.url}/tenders/{tender_id}")
    reviewer.get_by_role("textbox", name="Commentaire").fill("Conforme.")
    reviewer.get_by_role("button", name="Approuver").click()
    reviewer.wait_for_url("**#workflow")
    assert reviewer.locator(".workflow-state").inner_text() == "Validé"

    lead.reload()
    lead.get_by_role("button", name="Publier le marché").click()
    lead.wait_for_url("**#workflow")
    assert lead.locator(".workflow-state").inner_text() == "Publié"
    assert "lecture seule" in lead.content()

    lead.locator("#dce-format").select_option("docx")
    assert lead.locator("#dce-version").input_value() == "published"
    lead.get_by_label("Ajouter les commentaires en notes numérotées").check()
    lead.get_by_role("button", name="Exporter le DCE").click()
    lead.wait_for_url("**/exports/*")
    link = lead.locator("#export-download")
    link.wait_for(timeout=60_000)  # the page refreshes itself until the zip is ready
    assert lead.locator("#export-progress").get_attribute("value") == "2"
    with lead.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "DCE-2026-NET-01.zip"
    with open(download.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert archive.namelist() == ["01-RC-Reglement.docx", "02-CCTP-Cahier-technique.docx"]
    lead_context.close()
