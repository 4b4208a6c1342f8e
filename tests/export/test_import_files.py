"""Importing real-world-shaped files (built here with python-docx and odfpy) into documents."""

from __future__ import annotations

import base64
import io

import docx
from odf import table as odf_table
from odf import text as odf_text
from odf.opendocument import OpenDocumentText

# A 1×1 PNG: an image the editor cannot hold, which must be reported.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _docx() -> bytes:
    document = docx.Document()
    document.add_heading("Article 1 - Objet", level=1)
    paragraph = document.add_paragraph("Le titulaire ")
    paragraph.add_run("doit").bold = True
    paragraph.add_run(" livrer ")
    paragraph.add_run("rapidement").italic = True
    document.add_heading("Article 2 - Lots", level=2)
    document.add_paragraph("Lot vitrerie", style="List Number")
    document.add_paragraph("Lot sols", style="List Number")
    document.add_paragraph("Bureaux", style="List Bullet")
    grid = document.add_table(rows=2, cols=2)
    for r, row in enumerate([["Lot", "Montant"], ["Vitrerie", "12000"]]):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    document.add_picture(io.BytesIO(PIXEL))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _odt() -> bytes:
    document = OpenDocumentText()
    document.text.addElement(odf_text.H(outlinelevel=1, text="Article 1 - Objet"))
    document.text.addElement(odf_text.P(text="Le titulaire livre le rapport."))
    items = odf_text.List()
    for value in ("Premier point", "Second point"):
        item = odf_text.ListItem()
        item.addElement(odf_text.P(text=value))
        items.addElement(item)
    document.text.addElement(items)
    grid = odf_table.Table(name="Prix")
    grid.addElement(odf_table.TableColumn(numbercolumnsrepeated=2))
    for row_values in (["Lot", "Montant"], ["Sols", "8000"]):
        row = odf_table.TableRow()
        for value in row_values:
            cell = odf_table.TableCell()
            cell.addElement(odf_text.P(text=value))
            row.addElement(cell)
        grid.addElement(row)
    document.text.addElement(grid)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _import(user, tender_id, name, data, **fields):
    return user.post(f"/api/tenders/{tender_id}/imports", files={"file": (name, data)}, data=fields)


def test_a_docx_becomes_a_document_with_its_structure_and_the_image_is_reported(server, make_user):
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    response = _import(claire, tender_id, "CCTP nettoyage.docx", _docx(), kind="CCTP")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["document"]["title"] == "CCTP nettoyage" and body["document"]["kind"] == "CCTP"
    assert body["report"]["unsupported"] == {"images": 1}
    assert body["report"]["message"] == "Importé, sauf : 1 images."
    html = claire.get(f"/api/documents/{body['document']['id']}").json()["html"]
    assert "<h1>Article 1 - Objet</h1>" in html and "<h2>Article 2 - Lots</h2>" in html
    assert "<strong>doit</strong>" in html and "<em>rapidement</em>" in html
    assert "<li><p>Lot vitrerie</p></li><li><p>Lot sols</p></li>" in html
    assert "<td><p>Vitrerie</p></td><td><p>12000</p></td>" in html


def test_an_odt_goes_into_an_empty_document_but_never_over_text(server, make_user, yjs):
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id, "RC", "RC")
    path = f"/api/documents/{doc_id}/import"
    response = claire.post(path, files={"file": ("rc.odt", _odt())})
    assert response.status_code == 200, response.text
    assert response.json()["report"]["unsupported"] == {}
    html = claire.get(f"/api/documents/{doc_id}").json()["html"]
    assert "<h1>Article 1 - Objet</h1>" in html and "<li><p>Second point</p></li>" in html
    assert "<td><p>Sols</p></td><td><p>8000</p></td>" in html
    yjs.connect("a", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("wait_text", name="a", contains="Premier point")
    again = claire.post(path, files={"file": ("rc.odt", _odt())})
    assert again.status_code == 409
    assert claire.document_text(doc_id).count("Premier point") == 1


def test_html_and_markdown_imports_and_bad_files(server, make_user):
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    markdown = (
        "# Titre\n\nDu **gras** et *italique*.\n\n1. un\n2. deux\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |\n\nNote[^1]\n\n[^1]: Une note.\n"
    )
    response = _import(claire, tender_id, "ccap.md", markdown.encode())
    assert response.status_code == 201, response.text
    assert response.json()["report"]["unsupported"] == {"footnotes": 1}
    html = claire.get(f"/api/documents/{response.json()['document']['id']}").json()["html"]
    assert "<th><p>A</p></th>" in html and "<strong>gras</strong>" in html
    page = "<h2>Prix</h2><p>Un <em>prix</em> <img src='x.png'> ferme.</p>"
    response = _import(claire, tender_id, "prix.html", page.encode())
    assert response.status_code == 201 and response.json()["report"]["unsupported"] == {"images": 1}

    before = len(claire.get(f"/api/tenders/{tender_id}/documents").json())
    bad = _import(claire, tender_id, "faux.docx", b"ceci n'est pas un docx")
    assert bad.status_code == 422 and "n’a pas pu être lu" in bad.json()["error"]["message"]
    broken = _import(claire, tender_id, "casse.docx", b"PK\x03\x04" + b"\x00" * 200)
    assert broken.status_code == 422
    kind = _import(claire, tender_id, "image.png", PIXEL)
    assert kind.status_code == 422 and "DOCX" in kind.json()["error"]["fields"]["file"]
    huge = _import(claire, tender_id, "gros.md", b"a" * (10 * 1024 * 1024 + 10))
    assert huge.status_code == 413
    assert len(claire.get(f"/api/tenders/{tender_id}/documents").json()) == before
