"""Plain-text and HTML rendering, including hostile content."""

from __future__ import annotations

import re
from html import escape
from typing import Any

import pytest
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
    list_item,
    ordered_list,
    paragraph,
    read_blocks,
    render_html,
    render_text,
    safe_href,
    strike,
    table,
    table_cell,
    underline,
    with_mark,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</style><script>alert(1)</script>",
    "&lt;script&gt; déjà échappé",
]


def test_text_layout() -> None:
    blocks = [
        heading(1, "Titre"),
        paragraph("a", hard_break(), "b"),
        paragraph(),
        bullet_list(["un", list_item("deux", paragraph("suite"))]),
        ordered_list(["x", "y"], start=9),
        blockquote(paragraph("q1"), bullet_list(["q2"])),
        table([["A", "B"], ["1", paragraph("2", hard_break(), "2b")]], header=True),
        clause("c", paragraph("p1"), paragraph("p2")),
    ]
    assert render_text(blocks) == (
        "Titre\n\n"
        "a\nb\n\n"
        "- un\n- deux\n  suite\n\n"
        "9. x\n10. y\n\n"
        "> q1\n> - q2\n\n"
        "A\tB\n1\t2 2b\n\n"
        "p1\np2"
    )
    assert render_text(blocks) == render_text(list(blocks))


def test_html_structure() -> None:
    blocks = [
        heading(4, "T"),
        bullet_list(["a"]),
        ordered_list(["b"]),
        ordered_list(["c"], start=2),
        blockquote(paragraph("q")),
        table([[table_cell("h", header=True, colspan=1, rowspan=2)]]),
        clause("id-1", paragraph("p"), version=3),
    ]
    assert render_html(blocks).split("\n") == [
        "<h4>T</h4>",
        "<ul><li><p>a</p></li></ul>",
        "<ol><li><p>b</p></li></ol>",
        '<ol start="2"><li><p>c</p></li></ol>',
        "<blockquote><p>q</p></blockquote>",
        '<table><tbody><tr><th rowspan="2"><p>h</p></th></tr></tbody></table>',
        '<section class="clause-block" data-clause-id="id-1" data-clause-version="3">'
        "<p>p</p></section>",
    ]


def test_marks_nest_in_a_stable_order_across_spans() -> None:
    one = paragraph(italic(bold("a")), bold(italic("b")), bold("c"))
    assert render_html([one]) == "<p><strong><em>ab</em>c</strong></p>"
    every = paragraph(strike(underline(italic(bold(link("x", "https://e.org"))))))
    assert render_html([every]) == (
        '<p><a href="https://e.org" rel="noopener noreferrer">'
        "<strong><em><u><s>x</s></u></em></strong></a></p>"
    )
    assert render_html([paragraph(with_mark("z", "unknownMark"))]) == "<p>z</p>"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_text_is_escaped_everywhere(payload: str) -> None:
    blocks = [
        heading(2, payload),
        paragraph(bold(payload), link(payload, "https://e.org/" + payload)),
        bullet_list([payload]),
        table([[payload]], header=True),
        clause(payload, paragraph(payload), params={"x": payload}),
        Block(payload, inlines=paragraph(payload).inlines),
    ]
    html = render_html(blocks)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "</style" not in html
    assert "onerror=alert(1)>" not in html
    assert f"<h2>{escape(payload, quote=True)}</h2>" in html
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", html))
    allowed = {"h2", "p", "strong", "a", "ul", "li", "table", "tbody", "tr", "th"}
    assert tags <= allowed | {"section", "div"}
    assert "style=" not in html
    for attribute in re.findall(r'\s([a-z-]+)="([^"]*)"', html):
        assert "<" not in attribute[1] and '"' not in attribute[1]


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "/relative/path",
        "//evil.example",
        "",
        "https://ok.example/\nnext",
    ],
)
def test_unsafe_hrefs_are_dropped(href: str) -> None:
    html = render_html([paragraph("avant ", link("clic", href), " après")])
    assert html == "<p>avant clic après</p>"
    assert safe_href(href) is None


@pytest.mark.parametrize(
    ("href", "rendered"),
    [
        ("https://e.org/?a=1&b=2", "https://e.org/?a=1&amp;b=2"),
        ("HTTP://E.ORG", "HTTP://E.ORG"),
        ("mailto:achat@mairie.fr", "mailto:achat@mairie.fr"),
        ('https://e.org/"onmouseover="x', "https://e.org/&quot;onmouseover=&quot;x"),
    ],
)
def test_safe_hrefs_are_kept_and_escaped(href: str, rendered: str) -> None:
    html = render_html([paragraph(link("l", href))])
    assert html == f'<p><a href="{rendered}" rel="noopener noreferrer">l</a></p>'


def test_hostile_attributes_from_the_document() -> None:
    doc: Doc[Any] = Doc()
    root = doc.get("content", type=XmlFragment)
    cell_table = root.children.append(XmlElement("table"))
    row = cell_table.children.append(XmlElement("tableRow"))
    cell = row.children.append(XmlElement("tableCell"))
    cell.attributes["colspan"] = '2" onclick="x'
    cell.attributes["rowspan"] = 3
    cell.children.append(XmlElement("paragraph")).children.append(XmlText("c"))
    listing = root.children.append(XmlElement("orderedList"))
    listing.attributes["start"] = '"><script>'
    item = listing.children.append(XmlElement("listItem"))
    item.children.append(XmlElement("paragraph")).children.append(XmlText("i"))
    section = root.children.append(XmlElement("clause"))
    section.attributes["clauseId"] = '"><script>alert(1)</script>'
    section.attributes["clauseVersion"] = "v2<"
    html = render_html(read_blocks(root))
    assert html.split("\n") == [
        '<table><tbody><tr><td rowspan="3"><p>c</p></td></tr></tbody></table>',
        "<ol><li><p>i</p></li></ol>",
        '<section class="clause-block" '
        'data-clause-id="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></section>',
    ]


def test_non_ascii_is_kept_verbatim() -> None:
    text = "Marché public — déjà vu 😀 中文 עברית مرحبا"
    blocks = [paragraph(underline(text))]
    assert render_text(blocks) == text
    assert render_html(blocks) == f"<p><u>{text}</u></p>"
