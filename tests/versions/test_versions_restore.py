"""Restore as a forward edit: the live document becomes the target, touching only what
differs, and replicas that typed concurrently converge with their typing kept."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Doc, XmlFragment

from versions import (
    blocks_from_outline,
    bold,
    bullet_list,
    heading,
    italic,
    paragraph,
    read_blocks,
    table,
    write_blocks,
)
from versions.restore import restore_blocks


def make_doc(blocks) -> tuple[Doc, XmlFragment]:
    doc = Doc()
    fragment = doc.get("content", type=XmlFragment)
    write_blocks(fragment, blocks)
    return doc, fragment


def test_restore_turns_the_document_into_the_target_and_keeps_unchanged_blocks():
    doc, fragment = make_doc(
        blocks_from_outline("# Article 1\n\nTexte conservé.\n\nTexte à remplacer.\n\n- un\n- deux")
    )
    kept = fragment.children[1]
    target = blocks_from_outline(
        "# Article 1\n\nTexte conservé.\n\nTexte **restauré** ici.\n\n- un\n- deux\n- trois"
    )
    stats = restore_blocks(fragment, target)
    assert read_blocks(fragment) == target
    assert fragment.children[1] == kept  # the very same Yjs element, untouched
    assert stats.blocks_kept >= 2 and stats.changed


def test_restore_of_identical_content_changes_nothing():
    blocks = blocks_from_outline("# Titre\n\nUn paragraphe avec *italique*.")
    doc, fragment = make_doc(blocks)
    before = doc.get_state()
    stats = restore_blocks(fragment, blocks)
    assert not stats.changed and doc.get_state() == before


def test_concurrent_typing_in_a_patched_paragraph_is_kept():
    base = [paragraph("Le titulaire livre le rapport."), paragraph("Fin.")]
    server, fragment = make_doc(base)
    typist = Doc()
    typist.apply_update(server.get_update())
    # The typist adds a word at the end of the first paragraph, offline.
    text = typist.get("content", type=XmlFragment).children[0].children[0]
    text.insert(len(text), " Urgent")  # type: ignore[union-attr]
    restore_blocks(fragment, [paragraph("Le titulaire remet le rapport."), paragraph("Fin.")])
    server.apply_update(typist.get_update(server.get_state()))
    typist.apply_update(server.get_update(typist.get_state()))
    final = [b.text for b in read_blocks(fragment)]
    assert final == [b.text for b in read_blocks(typist.get("content", type=XmlFragment))]
    assert final[0] == "Le titulaire remet le rapport. Urgent"


ALPHABET = st.sampled_from(list("abc éè😀字ء\u0301 \t.")) | st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc")
)
WORDS = st.text(alphabet=ALPHABET, max_size=12)


@st.composite
def blocks(draw):
    out = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["p", "h", "list", "table", "bold", "empty"]))
        words = draw(WORDS)
        if kind == "p":
            out.append(paragraph(words) if words else paragraph())
        elif kind == "h":
            out.append(heading(draw(st.integers(1, 3)), words or "Titre"))
        elif kind == "list":
            out.append(bullet_list([words or "x", draw(WORDS) or "y"]))
        elif kind == "table":
            out.append(table([[words or "a", "b"], ["c", draw(WORDS) or "d"]], header=True))
        elif kind == "bold":
            out.append(paragraph(bold(words or "gras"), " ", italic(draw(WORDS) or "it")))
        else:
            out.append(paragraph())
    return out


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(current=blocks(), target=blocks())
def test_restore_reaches_any_target_and_replicas_converge(current, target):
    server, fragment = make_doc(current)
    replica = Doc()
    replica.apply_update(server.get_update())
    before = server.get_state()
    restore_blocks(fragment, target)
    assert read_blocks(fragment) == read_blocks(make_doc(target)[1])
    replica.apply_update(server.get_update(before))
    assert read_blocks(replica.get("content", type=XmlFragment)) == read_blocks(fragment)
