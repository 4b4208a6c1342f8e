"""Exports read back by independent readers: python-docx, odfpy, pypdf, and the DCE zip."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load as load_odt
from odf.table import TableCell
from pypdf import PdfReader
from support.content import every_node_type, write_document
from support.live import wait_until

WORDS = ["Objet du marché", "titulaire", "Vitrerie trimestrielle", "Sanitaires", "révisables"]


@pytest.fixture
def tender(server, make_user):
    claire = make_user("Claire Martin")
    tender = claire.create_tender("Marché de nettoyage", reference="2026-NET-01")
    doc_id = claire.create_document(tender["id"], "Cahier des clauses techniques", "CCTP")
    write_document(server.ws_url, doc_id, claire.ws_headers, every_node_type())
    return claire, tender, doc_id


def _export(user, doc_id, fmt, **params):
    response = user.get(f"/api/documents/{doc_id}/export", params={"format": fmt, **params})
    assert response.status_code == 200, response.text
    return response


def test_docx_has_headings_lists_table_clause_style_and_cover(tender):
    claire, _, doc_id = tender
    response = _export(claire, doc_id, "docx")
    assert "CCTP-Cahier-des-clauses-techniques.docx" in response.headers["content-disposition"]
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = "\n".join(t for _, t in paragraphs)
    for word in WORDS:
        assert word in texts
    assert ("Heading 1", "Article 1 - Objet du marché") in paragraphs
    assert ("Heading 2", "Article 2 - Prestations") in paragraphs
    assert ("Clause", "Les prix sont révisables annuellement.") in paragraphs
    cover = [t for s, t in paragraphs if s == "Cover"]
    assert cover[0] == "Marché de nettoyage" and "Référence : 2026-NET-01" in cover
    assert any(t.startswith("Texte courant au") for t in cover)
    runs = {r.text: r for p in document.paragraphs for r in p.runs}
    assert runs["titulaire"].bold and runs["nettoyage"].italic
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells == [["Lot", "Montant estimé"], ["Vitrerie", "12000"]]


def test_odt_keeps_structure_and_styles(tender):
    claire, _, doc_id = tender
    odt = load_odt(io.BytesIO(_export(claire, doc_id, "odt").content))
    headings = [teletype.extractText(h) for h in odt.getElementsByType(odf_text.H)]
    assert "Article 1 - Objet du marché" in headings
    styled = {
        (p.getAttribute("stylename"), teletype.extractText(p))
        for p in odt.getElementsByType(odf_text.P)
    }
    assert ("Clause", "Les prix sont révisables annuellement.") in styled
    items = [teletype.extractText(i).strip() for i in odt.getElementsByType(odf_text.ListItem)]
    assert "Vitrerie trimestrielle" in items and "Bureaux" in items
    cells = [teletype.extractText(c).strip() for c in odt.getElementsByType(TableCell)]
    assert cells == ["Lot", "Montant estimé", "Vitrerie", "12000"]


def test_pdf_html_and_markdown_hold_the_words(tender):
    claire, _, doc_id = tender
    pdf = PdfReader(io.BytesIO(_export(claire, doc_id, "pdf").content))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) >= 2  # the cover page, then the text
    for word in [*WORDS, "Marché de nettoyage", "Montant estimé", "12000"]:
        assert word in text
    html = _export(claire, doc_id, "html").text
    assert '<section class="clause-block"' in html and "<strong>titulaire</strong>" in html
    markdown = _export(claire, doc_id, "md").text
    assert "# Article 1 - Objet du marché" in markdown
    assert "| Lot" in markdown and "**titulaire**" in markdown and "1.  Vitrerie" in markdown


def test_comments_become_numbered_notes_and_versions_can_be_exported(tender):
    claire, _, doc_id = tender
    named = claire.post(f"/api/documents/{doc_id}/versions", json={"label": "Avant relecture"})
    number = named.json()["number"]
    for body in ("Préciser la fréquence.", "Ajouter un lot."):
        created = claire.post(
            f"/api/documents/{doc_id}/comments",
            json={
                "body": body,
                "anchor": {"start": "AAAA", "end": "AAAA"},
                "quote": "Vitrerie trimestrielle",
            },
        )
        assert created.status_code == 201, created.text
    noted = zipfile.ZipFile(io.BytesIO(_export(claire, doc_id, "docx", comments="1").content))
    footnotes = noted.read("word/footnotes.xml").decode()
    assert "Préciser la fréquence." in footnotes and "Claire Martin" in footnotes
    assert footnotes.index("Préciser") < footnotes.index("Ajouter un lot.")
    plain = zipfile.ZipFile(io.BytesIO(_export(claire, doc_id, "docx").content))
    assert (
        "word/footnotes.xml" not in plain.namelist()
        or "Préciser" not in plain.read("word/footnotes.xml").decode()
    )
    page = claire.get(f"/documents/{doc_id}/versions/{number}").text
    assert f"/api/documents/{doc_id}/export?format=odt&amp;version={number}" in page
    version = _export(claire, doc_id, "html", version=str(number)).text
    assert f"Version {number} du" in version and "titulaire" in version
    assert claire.get(f"/api/documents/{doc_id}/export?format=docx&version=99").status_code == 404
    bad = claire.get(f"/api/documents/{doc_id}/export?format=rtf")
    assert bad.status_code == 422 and "ODT" in bad.json()["error"]["fields"]["format"]


def test_dce_zip_shows_progress_and_holds_every_document(tender, server):
    claire, tender_data, doc_id = tender
    tender_id = tender_data["id"]
    rc = claire.create_document(tender_id, "Règlement de la consultation", "RC")
    write_document(server.ws_url, rc, claire.ws_headers, every_node_type()[:2])
    started = claire.post(f"/api/tenders/{tender_id}/exports", json={"format": "odt"})
    assert started.status_code == 202 and started.json()["total"] == 2
    job = started.json()["id"]
    done = wait_until(
        lambda: claire.get(f"/api/tenders/{tender_id}/exports/{job}").json()["state"] == "done",
        timeout=60,
        what="the DCE zip",
    )
    assert done
    response = claire.get(f"/api/tenders/{tender_id}/exports/{job}/file")
    assert response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [
        "01-CCTP-Cahier-des-clauses-techniques.odt",
        "02-RC-Reglement-de-la-consultation.odt",
    ]
    odt = load_odt(io.BytesIO(zipfile.ZipFile(io.BytesIO(response.content)).read(names[1])))
    assert "Le titulaire assure le nettoyage." in [
        teletype.extractText(p) for p in odt.getElementsByType(odf_text.P)
    ]
    published = claire.post(
        f"/api/tenders/{tender_id}/exports", json={"format": "pdf", "version": "published"}
    )
    assert published.status_code == 422
