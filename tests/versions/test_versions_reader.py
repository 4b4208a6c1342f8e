"""`read_blocks` on unusual or malformed content, and the `flatten` helper."""

from __future__ import annotations

from typing import Any

import pytest
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from versions import (
    Block,
    Span,
    bullet_list,
    flatten,
    heading,
    paragraph,
    read_blocks,
    render_html,
    render_text,
    table,
)


def fragment() -> XmlFragment:
    doc: Doc[Any] = Doc()
    return doc.get("content", type=XmlFragment)


def test_unknown_block_with_text_is_a_textblock() -> None:
    root = fragment()
    element = root.children.append(XmlElement("codeBlock", {"language": "py"}))
    element.children.append(XmlText("print(1)"))
    (block,) = read_blocks(root)
    assert block == Block("codeBlock", (("language", "py"),), inlines=(Span("print(1)"),))
    assert render_text([block]) == "print(1)"
    assert render_html([block]) == "<div>print(1)</div>"


def test_unknown_container_and_unknown_inline_node() -> None:
    root = fragment()
    box = root.children.append(XmlElement("callout"))
    inner = box.children.append(XmlElement("paragraph"))
    inner.children.append(XmlText("avant "))
    mention = inner.children.append(XmlElement("mention", {"id": "u1"}))
    mention.children.append(XmlText("@Alice"))
    inner.children.append(XmlText(" après"))
    box.children.append(XmlElement("horizontalRule"))
    (block,) = read_blocks(root)
    assert block.kind == "callout"
    para, rule = block.children
    assert para.inlines[1] == Span("@Alice", node="mention", node_attrs=(("id", "u1"),))
    assert para.text == "avant @Alice après"
    assert rule == Block("horizontalRule")
    assert render_text([block]) == "avant @Alice après"
    assert render_html([block]) == "<div><p>avant @Alice après</p><div></div></div>"


def test_stray_text_becomes_paragraphs() -> None:
    root = fragment()
    root.children.append(XmlText("au niveau racine"))
    items = root.children.append(XmlElement("bulletList"))
    items.children.append(XmlText("dans une liste"))
    blocks = read_blocks(root)
    assert blocks == [
        paragraph("au niveau racine"),
        Block("bulletList", children=(paragraph("dans une liste"),)),
    ]
    render_html(blocks)
    render_text(blocks)


def test_adjacent_xml_texts_are_merged() -> None:
    root = fragment()
    element = root.children.append(XmlElement("paragraph"))
    element.children.append(XmlText("a"))
    element.children.append(XmlText("b"))
    assert read_blocks(root) == [paragraph("ab")]


def test_text_embed_element_is_an_inline_node() -> None:
    root = fragment()
    element = root.children.append(XmlElement("paragraph"))
    text = element.children.append(XmlText("ab"))
    text.insert_embed(1, XmlElement("hardBreak"))
    assert read_blocks(root)[0].text == "a\nb"


@pytest.mark.parametrize(
    ("level", "tag"),
    [(2, "h2"), (3.0, "h3"), ("4", "h4"), (" 5 ", "h5"), ("x", "h1"), (9, "h6"), (0, "h1")],
)
def test_heading_level_types(level: object, tag: str) -> None:
    root = fragment()
    element = root.children.append(XmlElement("heading"))
    element.attributes["level"] = level
    element.children.append(XmlText("T"))
    assert render_html(read_blocks(root)) == f"<{tag}>T</{tag}>"


def test_overlapping_mark_keys_keep_their_hash() -> None:
    root = fragment()
    element = root.children.append(XmlElement("paragraph"))
    text = element.children.append(XmlText())
    text.insert(0, "note", {"comment--AbCd12+/": {"id": 1}, "bold": {}})
    (span,) = read_blocks(root)[0].inlines
    assert span.marks == (("bold", "{}"), ("comment--AbCd12+/", '{"id":1}'))
    assert span.mark_names == frozenset({"bold", "comment"})
    assert span.mark_attrs("comment") == {"id": 1}
    assert render_html([read_blocks(root)[0]]) == "<p><strong>note</strong></p>"


def test_non_dict_mark_values_do_not_crash() -> None:
    root = fragment()
    element = root.children.append(XmlElement("paragraph"))
    text = element.children.append(XmlText())
    text.insert(0, "x", {"bold": True, "link": "https://x"})
    blocks = read_blocks(root)
    assert blocks[0].inlines[0].mark_attrs("bold") == {}
    assert render_html(blocks) == "<p><strong>x</strong></p>"


def test_read_in_empty_document() -> None:
    assert read_blocks(fragment()) == []
    assert render_text([]) == ""
    assert render_html([]) == ""


def test_flatten_gives_leaves_with_context() -> None:
    blocks = [
        heading(1, "T"),
        bullet_list(["a", "b"]),
        table([["x"]]),
    ]
    flat = flatten(blocks)
    assert [(item.path, item.context, item.text) for item in flat] == [
        ((0,), (), "T"),
        ((1, 0, 0), ("bulletList", "listItem"), "a"),
        ((1, 1, 0), ("bulletList", "listItem"), "b"),
        ((2, 0, 0, 0), ("table", "tableRow", "tableCell"), "x"),
    ]
    assert flat[0].block == heading(1, "T")


def test_blocks_are_hashable_and_immutable() -> None:
    block = paragraph("a")
    assert hash(block) == hash(paragraph("a"))
    with pytest.raises(AttributeError):
        block.kind = "heading"  # type: ignore[misc]
