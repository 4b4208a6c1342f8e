"""`read_blocks` against updates written in the browser by y-prosemirror.

The fixtures were produced with yjs 13.6 and y-prosemirror 1.3 by
`prosemirrorToYXmlFragment` on a Tiptap-like ProseMirror schema, then
`Y.encodeStateAsUpdate(doc)` in base64.
"""

from __future__ import annotations

import base64
from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from versions import (
    Block,
    blockquote,
    bold,
    bullet_list,
    clause,
    hard_break,
    heading,
    italic,
    link,
    ordered_list,
    paragraph,
    read_blocks,
    render_html,
    render_text,
    strike,
    table,
    table_cell,
    underline,
    write_blocks,
)

# heading level 2; paragraph with bold, bold+link, hardBreak, italic (emoji, CJK, RTL);
# bullet list (second item underline+strike); table with a header row; empty paragraph.
BROWSER_DOC = (
    "AT/2nreKAwAHAQdjb250ZW50AwdoZWFkaW5nBwD2nreKAwAGBAD2nreKAwEeQXJ0aWNsZSAxIOKAlCBPYmpldCBk"
    "dSBtYXJjaMOpKAD2nreKAwAFbGV2ZWwBfQKH9p63igMAAwlwYXJhZ3JhcGgHAPaet4oDHgYEAPaet4oDHw1MZSB0"
    "aXR1bGFpcmUghvaet4oDLARib2xkAnt9hPaet4oDLQRkb2l0hvaet4oDMQRib2xkBG51bGyE9p63igMyCyBjb25z"
    "dWx0ZXIghvaet4oDPQRsaW5rcnsiaHJlZiI6Imh0dHBzOi8vd3d3Lm1hcmNoZXMtcHVibGljcy5nb3V2LmZyIiwi"
    "dGFyZ2V0IjoiX2JsYW5rIiwicmVsIjoibm9vcGVuZXIgbm9yZWZlcnJlciBub2ZvbGxvdyIsImNsYXNzIjpudWxs"
    "fYb2nreKAz4EYm9sZAJ7fYT2nreKAz8HbGUgc2l0ZYb2nreKA0YEbGluawRudWxshvaet4oDRwRib2xkBG51bGyE"
    "9p63igNIBSBpY2kuh/aet4oDHwMJaGFyZEJyZWFrh/aet4oDTgYGAPaet4oDTwZpdGFsaWMCe32E9p63igNQJkRl"
    "dXhpw6htZSBsaWduZSDwn5iAIOS4reaWhyDXoteR16jXmdeqhvaet4oDagZpdGFsaWMEbnVsbIf2nreKAx4DCmJ1"
    "bGxldExpc3QHAPaet4oDbAMIbGlzdEl0ZW0HAPaet4oDbQMJcGFyYWdyYXBoBwD2nreKA24GBAD2nreKA28NUHJl"
    "bWllciBwb2ludIf2nreKA20DCGxpc3RJdGVtBwD2nreKA30DCXBhcmFncmFwaAcA9p63igN+BgYA9p63igN/CXVu"
    "ZGVybGluZQJ7fYb2nreKA4ABBnN0cmlrZQJ7fYT2nreKA4EBDFNlY29uZCBwb2ludIb2nreKA40BCXVuZGVybGlu"
    "ZQRudWxshvaet4oDjgEGc3RyaWtlBG51bGyH9p63igNsAwV0YWJsZQcA9p63igOQAQMIdGFibGVSb3cHAPaet4oD"
    "kQEDC3RhYmxlSGVhZGVyBwD2nreKA5IBAwlwYXJhZ3JhcGgHAPaet4oDkwEGBAD2nreKA5QBA0xvdCgA9p63igOS"
    "AQdjb2xzcGFuAX0BKAD2nreKA5IBB3Jvd3NwYW4BfQGH9p63igOSAQMLdGFibGVIZWFkZXIHAPaet4oDmgEDCXBh"
    "cmFncmFwaAcA9p63igObAQYEAPaet4oDnAEHTW9udGFudCgA9p63igOaAQdjb2xzcGFuAX0BKAD2nreKA5oBB3Jv"
    "d3NwYW4BfQGH9p63igORAQMIdGFibGVSb3cHAPaet4oDpgEDCXRhYmxlQ2VsbAcA9p63igOnAQMJcGFyYWdyYXBo"
    "BwD2nreKA6gBBgQA9p63igOpAQExKAD2nreKA6cBB2NvbHNwYW4BfQEoAPaet4oDpwEHcm93c3BhbgF9AYf2nreK"
    "A6cBAwl0YWJsZUNlbGwHAPaet4oDrQEDCXBhcmFncmFwaAcA9p63igOuAQYEAPaet4oDrwEKMTAgMDAwIOKCrCgA"
    "9p63igOtAQdjb2xzcGFuAX0BKAD2nreKA60BB3Jvd3NwYW4BfQGH9p63igOQAQMJcGFyYWdyYXBoAA=="
)

# every node type: headings 1 and 6, all marks, two hard breaks, ordered list
# (start 3) with a nested bullet list, blockquote, table with colspan/rowspan, clause.
BROWSER_FULL_DOC = (
    "AV/D/5a0CwAHAQdjb250ZW50AwdoZWFkaW5nBwDD/5a0CwAGBADD/5a0CwEbQ0NBUCDigJQgQ2FoaWVyIGRlcyBj"
    "bGF1c2VzKADD/5a0CwAFbGV2ZWwBfQGHw/+WtAsAAwdoZWFkaW5nBwDD/5a0CxwGBADD/5a0Cx0ITml2ZWF1IDYo"
    "AMP/lrQLHAVsZXZlbAF9BofD/5a0CxwDCXBhcmFncmFwaAcAw/+WtAsnBgYAw/+WtAsoBGJvbGQCe32Ew/+WtAsp"
    "BGdyYXOGw/+WtAstBGJvbGQEbnVsbIbD/5a0Cy4GaXRhbGljAnt9hMP/lrQLLwRpdGFshsP/lrQLMwZpdGFsaWME"
    "bnVsbIbD/5a0CzQJdW5kZXJsaW5lAnt9hMP/lrQLNQlzb3VsaWduw6mGw/+WtAs9CXVuZGVybGluZQRudWxshsP/"
    "lrQLPgZzdHJpa2UCe32Ew/+WtAs/BmJhcnLDqYbD/5a0C0QGc3RyaWtlBG51bGyGw/+WtAtFBGxpbmtceyJocmVm"
    "IjoibWFpbHRvOmFAYi5mciIsInRhcmdldCI6Il9ibGFuayIsInJlbCI6Im5vb3BlbmVyIG5vcmVmZXJyZXIgbm9m"
    "b2xsb3ciLCJjbGFzcyI6bnVsbH2Ew/+WtAtGBGxpZW6Gw/+WtAtKBGxpbmsEbnVsbIbD/5a0C0sEbGlua2R7Imhy"
    "ZWYiOiJodHRwczovL3guZnIvP2E9MSZiPTIiLCJ0YXJnZXQiOiJfYmxhbmsiLCJyZWwiOiJub29wZW5lciBub3Jl"
    "ZmVycmVyIG5vZm9sbG93IiwiY2xhc3MiOm51bGx9hsP/lrQLTARib2xkAnt9hsP/lrQLTQZpdGFsaWMCe32Gw/+W"
    "tAtOCXVuZGVybGluZQJ7fYbD/5a0C08Gc3RyaWtlAnt9hMP/lrQLUAR0b3V0hsP/lrQLVARsaW5rBG51bGyGw/+W"
    "tAtVBGJvbGQEbnVsbIbD/5a0C1YGaXRhbGljBG51bGyGw/+WtAtXCXVuZGVybGluZQRudWxshsP/lrQLWAZzdHJp"
    "a2UEbnVsbIfD/5a0CygDCWhhcmRCcmVha4fD/5a0C1oDCWhhcmRCcmVha4fD/5a0C1sGBADD/5a0C1wkYXByw6hz"
    "IPCfh6vwn4e3IOaXpeacrOiqniDZhdix2K3YqNinh8P/lrQLJwMLb3JkZXJlZExpc3QHAMP/lrQLcQMIbGlzdEl0"
    "ZW0HAMP/lrQLcgMJcGFyYWdyYXBoBwDD/5a0C3MGBADD/5a0C3QFdHJvaXOHw/+WtAtzAwpidWxsZXRMaXN0BwDD"
    "/5a0C3oDCGxpc3RJdGVtBwDD/5a0C3sDCXBhcmFncmFwaAcAw/+WtAt8BgQAw/+WtAt9CWltYnJpcXXDqYfD/5a0"
    "C3IDCGxpc3RJdGVtBwDD/5a0C4YBAwlwYXJhZ3JhcGgHAMP/lrQLhwEGBADD/5a0C4gBBnF1YXRyZSgAw/+WtAtx"
    "BXN0YXJ0AX0Dh8P/lrQLcQMKYmxvY2txdW90ZQcAw/+WtAuQAQMJcGFyYWdyYXBoBwDD/5a0C5EBBgQAw/+WtAuS"
    "AQhjaXRhdGlvbofD/5a0C5EBAwlwYXJhZ3JhcGgHAMP/lrQLmwEGBADD/5a0C5wBBGRldXiHw/+WtAuQAQMFdGFi"
    "bGUHAMP/lrQLoQEDCHRhYmxlUm93BwDD/5a0C6IBAwt0YWJsZUhlYWRlcgcAw/+WtAujAQMJcGFyYWdyYXBoBwDD"
    "/5a0C6QBBgQAw/+WtAulAQVMYXJnZSgAw/+WtAujAQdjb2xzcGFuAX0CKADD/5a0C6MBB3Jvd3NwYW4BfQGHw/+W"
    "tAuiAQMIdGFibGVSb3cHAMP/lrQLrQEDCXRhYmxlQ2VsbAcAw/+WtAuuAQMJcGFyYWdyYXBoBwDD/5a0C68BBgQA"
    "w/+WtAuwAQFhh8P/lrQLrwEDCXBhcmFncmFwaAcAw/+WtAuyAQYEAMP/lrQLswEBYigAw/+WtAuuAQdjb2xzcGFu"
    "AX0BKADD/5a0C64BB3Jvd3NwYW4BfQKHw/+WtAuuAQMJdGFibGVDZWxsBwDD/5a0C7cBAwlwYXJhZ3JhcGgoAMP/"
    "lrQLtwEHY29sc3BhbgF9ASgAw/+WtAu3AQdyb3dzcGFuAX0Bh8P/lrQLoQEDBmNsYXVzZQcAw/+WtAu7AQMJcGFy"
    "YWdyYXBoBwDD/5a0C7wBBgQAw/+WtAu9AQ9Qw6luYWxpdMOpcyBkZSCGw/+WtAvKAQRib2xkAnt9hMP/lrQLywEG"
    "MS8xMDAwhsP/lrQL0QEEYm9sZARudWxsKADD/5a0C7sBCGNsYXVzZUlkAXcQcGVuYWxpdGVzLXJldGFyZCgAw/+W"
    "tAu7AQ1jbGF1c2VWZXJzaW9uAX0EKADD/5a0C7sBBnBhcmFtcwF3EXsidGF1eCI6IjEvMTAwMCJ9h8P/lrQLuwED"
    "CXBhcmFncmFwaAA="
)


def browser_doc_blocks() -> list[Block]:
    return [
        heading(2, "Article 1 — Objet du marché"),
        paragraph(
            "Le titulaire ",
            bold("doit"),
            " consulter ",
            bold(link("le site", "https://www.marches-publics.gouv.fr")),
            " ici.",
            hard_break(),
            italic("Deuxième ligne 😀 中文 עברית"),
        ),
        bullet_list(["Premier point", underline(strike("Second point"))]),
        table([["Lot", "Montant"], ["1", "10 000 €"]], header=True),
        paragraph(),
    ]


def browser_full_blocks() -> list[Block]:
    return [
        heading(1, "CCAP — Cahier des clauses"),
        heading(6, "Niveau 6"),
        paragraph(
            bold("gras"),
            italic("ital"),
            underline("souligné"),
            strike("barré"),
            link("lien", "mailto:a@b.fr"),
            strike(underline(italic(bold(link("tout", "https://x.fr/?a=1&b=2"))))),
            hard_break(),
            hard_break(),
            "après 🇫🇷 日本語 مرحبا",
        ),
        ordered_list([["trois", bullet_list(["imbriqué"])], "quatre"], start=3),
        blockquote(paragraph("citation"), paragraph("deux")),
        table(
            [
                [table_cell("Large", header=True, colspan=2)],
                [table_cell(paragraph("a"), paragraph("b"), rowspan=2), table_cell()],
            ]
        ),
        clause(
            "penalites-retard",
            paragraph("Pénalités de ", bold("1/1000")),
            version=4,
            params={"taux": "1/1000"},
        ),
        paragraph(),
    ]


def load(encoded: str) -> XmlFragment:
    doc: Doc[Any] = Doc()
    doc.apply_update(base64.b64decode(encoded))
    return doc.get("content", type=XmlFragment)


def dump(node: XmlFragment | XmlElement) -> list[Any]:
    """Exact stored structure: tags, attributes, XmlText runs with their formats."""
    out: list[Any] = []
    for child in node.children:
        if isinstance(child, XmlText):
            out.append(("text", child.diff()))
        elif isinstance(child, XmlElement):
            attrs = sorted((key, value) for key, value in child.attributes.__iter__())
            out.append((child.tag, attrs, dump(child)))
    return out


def test_read_browser_doc() -> None:
    assert read_blocks(load(BROWSER_DOC)) == browser_doc_blocks()


def test_read_browser_full_doc() -> None:
    assert read_blocks(load(BROWSER_FULL_DOC)) == browser_full_blocks()


def test_browser_mark_storage_format() -> None:
    """Marks are XmlText formats {mark name: mark attrs}; hardBreak is a sibling element."""
    paragraph_node = load(BROWSER_DOC).children[1]
    assert isinstance(paragraph_node, XmlElement)
    first, hard, second = list(paragraph_node.children)
    assert isinstance(first, XmlText) and isinstance(second, XmlText)
    assert isinstance(hard, XmlElement) and hard.tag == "hardBreak"
    assert len(hard.children) == 0
    runs = first.diff()
    assert runs[1] == ("doit", {"bold": {}})
    assert runs[3] == (
        "le site",
        {
            "bold": {},
            "link": {
                "href": "https://www.marches-publics.gouv.fr",
                "target": "_blank",
                "rel": "noopener noreferrer nofollow",
                "class": None,
            },
        },
    )
    assert second.diff() == [("Deuxième ligne 😀 中文 עברית", {"italic": {}})]


def test_browser_numbers_arrive_as_floats_and_are_normalized() -> None:
    heading_node = load(BROWSER_DOC).children[0]
    assert isinstance(heading_node, XmlElement)
    assert heading_node.attributes["level"] == 2.0
    level = read_blocks(load(BROWSER_DOC))[0].attr("level")
    assert level == 2 and isinstance(level, int)


def test_write_blocks_stores_what_the_browser_stores() -> None:
    for encoded, blocks in (
        (BROWSER_DOC, browser_doc_blocks()),
        (BROWSER_FULL_DOC, browser_full_blocks()),
    ):
        doc: Doc[Any] = Doc()
        fragment = doc.get("content", type=XmlFragment)
        write_blocks(fragment, blocks)
        assert dump(fragment) == dump(load(encoded))


def test_render_browser_doc() -> None:
    blocks = read_blocks(load(BROWSER_DOC))
    assert render_text(blocks) == (
        "Article 1 — Objet du marché\n\n"
        "Le titulaire doit consulter le site ici.\nDeuxième ligne 😀 中文 עברית\n\n"
        "- Premier point\n- Second point\n\n"
        "Lot\tMontant\n1\t10 000 €"
    )
    assert render_html(blocks) == (
        "<h2>Article 1 — Objet du marché</h2>\n"
        "<p>Le titulaire <strong>doit</strong> consulter "
        '<a href="https://www.marches-publics.gouv.fr" rel="noopener noreferrer">'
        "<strong>le site</strong></a> ici.<br><em>Deuxième ligne 😀 中文 עברית</em></p>\n"
        "<ul><li><p>Premier point</p></li><li><p><u><s>Second point</s></u></p></li></ul>\n"
        "<table><tbody><tr><th><p>Lot</p></th><th><p>Montant</p></th></tr>"
        "<tr><td><p>1</p></td><td><p>10 000 €</p></td></tr></tbody></table>\n"
        "<p></p>"
    )


def test_render_browser_full_doc() -> None:
    blocks = read_blocks(load(BROWSER_FULL_DOC))
    assert render_text(blocks) == (
        "CCAP — Cahier des clauses\n\n"
        "Niveau 6\n\n"
        "grasitalsoulignébarrélientout\n\naprès 🇫🇷 日本語 مرحبا\n\n"
        "3. trois\n   - imbriqué\n4. quatre\n\n"
        "> citation\n> deux\n\n"
        "Large\na b\t\n\n"
        "Pénalités de 1/1000"
    )
    html = render_html(blocks)
    assert '<ol start="3"><li><p>trois</p><ul><li><p>imbriqué</p></li></ul></li>' in html
    assert '<th colspan="2"><p>Large</p></th>' in html
    assert '<td rowspan="2"><p>a</p><p>b</p></td><td><p></p></td>' in html
    assert (
        '<section class="clause-block" data-clause-id="penalites-retard" '
        'data-clause-version="4"><p>Pénalités de <strong>1/1000</strong></p></section>'
    ) in html
    assert (
        '<a href="https://x.fr/?a=1&amp;b=2" rel="noopener noreferrer">'
        "<strong><em><u><s>tout</s></u></em></strong></a><br><br>"
    ) in html
