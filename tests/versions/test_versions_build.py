"""Round trips build -> write_blocks -> read_blocks, and the constructor helpers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from versions import (
    Block,
    Span,
    blockquote,
    blocks_from_outline,
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
    strike,
    table,
    table_cell,
    underline,
    with_mark,
    write_blocks,
)


def roundtrip(blocks: list[Block]) -> list[Block]:
    doc: Doc[Any] = Doc()
    fragment = doc.get("content", type=XmlFragment)
    write_blocks(fragment, blocks)
    remote: Doc[Any] = Doc()
    remote.apply_update(doc.get_update())
    return read_blocks(remote.get("content", type=XmlFragment))


NODES = {
    "paragraph": paragraph("Un paragraphe"),
    "empty paragraph": paragraph(),
    "heading": heading(3, "Titre"),
    "bullet list": bullet_list(["a", "b"]),
    "ordered list": ordered_list(["a", "b"], start=5),
    "nested list": bullet_list([list_item("a", ordered_list(["a.1"]))]),
    "blockquote": blockquote(paragraph("cité"), paragraph("suite")),
    "table": table([["H1", "H2"], ["c1", "c2"]], header=True),
    "table spans": table([[table_cell("x", colspan=2, rowspan=3)]]),
    "clause": clause("c-1", paragraph("texte"), version=2, params={"montant": 10}),
    "hard break": paragraph("ligne 1", hard_break(), "ligne 2"),
    "bold": paragraph(bold("gras")),
    "italic": paragraph(italic("italique")),
    "underline": paragraph(underline("souligné")),
    "strike": paragraph(strike("barré")),
    "link": paragraph(link("lien", "https://example.org/a?b=c")),
    "all marks": paragraph(bold(italic(underline(strike(link("x", "mailto:x@y.fr")))))),
    "custom mark": paragraph(with_mark("t", "highlight", {"color": "#ff0"})),
}


@pytest.mark.parametrize("block", NODES.values(), ids=list(NODES))
def test_roundtrip_each_node_and_mark(block: Block) -> None:
    assert roundtrip([block]) == [block]


def test_roundtrip_whole_document() -> None:
    blocks = list(NODES.values())
    assert roundtrip(blocks) == blocks


def test_byte_offsets_with_non_ascii_runs() -> None:
    spans: list[str | Span] = [
        "Éléments ",
        bold("à çà ü "),
        italic("😀👩‍👩‍👧 "),
        "中文字符 ",
        underline("עברית مرحبا "),
        link("🇫🇷", "https://fr.example"),
        "fin",
    ]
    block = paragraph(*spans)
    doc: Doc[Any] = Doc()
    fragment = doc.get("content", type=XmlFragment)
    write_blocks(fragment, [block])
    element = fragment.children[0]
    assert isinstance(element, XmlElement)
    (text,) = list(element.children)
    assert isinstance(text, XmlText)
    runs = text.diff()
    assert [run for run, _ in runs] == [s if isinstance(s, str) else s.text for s in spans]
    assert runs[0][1] is None and runs[-1][1] is None
    assert runs[1][1] == {"bold": {}}
    assert read_blocks(fragment) == [block]


def test_write_appends_after_existing_content() -> None:
    doc: Doc[Any] = Doc()
    fragment = doc.get("content", type=XmlFragment)
    write_blocks(fragment, [paragraph("un")])
    write_blocks(fragment, [paragraph("deux")])
    assert [block.text for block in read_blocks(fragment)] == ["un", "deux"]


def test_write_into_an_element() -> None:
    doc: Doc[Any] = Doc()
    fragment = doc.get("content", type=XmlFragment)
    write_blocks(fragment, [clause("c", paragraph("a"))])
    element = fragment.children[0]
    assert isinstance(element, XmlElement)
    write_blocks(element, [paragraph("b")])
    assert read_blocks(fragment)[0].text == "a\nb"


marked_text = st.tuples(
    st.text(min_size=0, max_size=12),
    st.sets(st.sampled_from(["bold", "italic", "underline", "strike"]), max_size=3),
)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(marked_text, max_size=8))
def test_roundtrip_any_unicode_text(parts: list[tuple[str, set[str]]]) -> None:
    spans = [Span(text, tuple((name, "{}") for name in names)) for text, names in parts]
    expected: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if expected and expected[-1].marks == span.marks:
            expected[-1] = Span(expected[-1].text + span.text, span.marks)
        else:
            expected.append(span)
    assert roundtrip([paragraph(*spans)]) == [Block("paragraph", inlines=tuple(expected))]


def test_constructors_store_tiptap_attributes() -> None:
    assert heading(2, "t").attrs_dict() == {"level": 2}
    assert ordered_list(["a"]).attrs_dict() == {"start": 1}
    assert table_cell("x").attrs_dict() == {"colspan": 1, "rowspan": 1}
    assert table([["a"]], header=True).children[0].children[0].kind == "tableHeader"
    assert table([["a"], ["b"]], header=True).children[1].children[0].kind == "tableCell"
    assert link("l", "https://x").mark_attrs("link") == {
        "href": "https://x",
        "target": "_blank",
        "rel": "noopener noreferrer nofollow",
        "class": None,
    }
    made = clause("id", "texte", params={"b": 1, "a": "é"})
    assert made.attrs_dict() == {"clauseId": "id", "clauseVersion": 1, "params": '{"a":"é","b":1}'}
    assert json.loads(made.attr("params")) == {"a": "é", "b": 1}
    assert made.children == (paragraph("texte"),)
    assert list_item().children == (paragraph(),)
    assert bold(italic("x")).mark_names == frozenset({"bold", "italic"})


def test_nested_attribute_values_roundtrip() -> None:
    cell = Block("tableCell", (("colwidth", (120, 80)),), children=(paragraph("x"),))
    block = Block("table", children=(Block("tableRow", children=(cell,)),))
    assert roundtrip([block]) == [block]
    assert cell.attr("colwidth") == [120, 80]


def test_blocks_from_outline() -> None:
    source = "\n".join(
        [
            "# Titre **gras**",
            "",
            "Ligne 1 avec [un lien](https://example.org)",
            "Ligne 2 *italique* __souligné__ ~~barré~~",
            "",
            "- un",
            "- deux",
            "",
            "3. trois",
            "4. quatre",
            "",
            "> citation",
            "",
            "| A | B |",
            "|---|---|",
            "| 1 | 2 |",
            "",
            "::: clause penalites v2",
            "Texte de la clause",
            ":::",
        ]
    )
    assert blocks_from_outline(source) == [
        heading(1, "Titre ", bold("gras")),
        paragraph(
            "Ligne 1 avec ",
            link("un lien", "https://example.org"),
            hard_break(),
            "Ligne 2 ",
            italic("italique"),
            " ",
            underline("souligné"),
            " ",
            strike("barré"),
        ),
        bullet_list(["un", "deux"]),
        ordered_list(["trois", "quatre"], start=3),
        blockquote(paragraph("citation")),
        table([["A", "B"], ["1", "2"]], header=True),
        clause("penalites", paragraph("Texte de la clause"), version=2),
    ]
    assert roundtrip(blocks_from_outline(source)) == blocks_from_outline(source)


def test_outline_stray_fence_is_text() -> None:
    assert blocks_from_outline(":::\n# T") == [paragraph(":::"), heading(1, "T")]
