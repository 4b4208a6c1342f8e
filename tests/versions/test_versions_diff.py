"""Block and word diffs between two versions, and their HTML views."""

from __future__ import annotations

import json
import random
import re
from html import escape
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from versions import (
    Block,
    Diff,
    Entry,
    Span,
    blockquote,
    bold,
    bullet_list,
    clause,
    diff_blocks,
    flatten,
    hard_break,
    heading,
    italic,
    link,
    list_item,
    paragraph,
    render_diff_inline,
    render_diff_side_by_side,
    table,
)
from versions.diff import word_diff
from versions.moves import MAX_CELLS, align, tokenize

LONG = [
    "Le titulaire remet au pouvoir adjudicateur un rapport mensuel d'exécution.",
    "Les pénalités de retard sont calculées selon la formule de l'article 14.",
    "Le délai d'exécution court à compter de la notification du marché.",
    "Les prix sont révisés annuellement selon l'indice publié au BOAMP.",
    "La garantie à première demande est fournie dans un délai de quinze jours.",
    "Le présent cahier des clauses administratives particulières prévaut.",
    "Toute sous-traitance est soumise à l'acceptation préalable de l'acheteur.",
    "Les avances sont versées dans les conditions prévues par le code.",
]


def doc(*texts: str) -> list[Block]:
    return [paragraph(text) for text in texts]


def ops(diff: Diff) -> list[str]:
    return [entry.op for entry in diff.entries]


def changes(diff: Diff) -> list[Entry]:
    return [entry for entry in diff.entries if entry.op != "equal"]


def new_side(diff: Diff) -> list[Any]:
    return [entry.new_block for entry in diff.entries if entry.new_block is not None]


def old_side(diff: Diff) -> list[Any]:
    entries = [entry for entry in diff.entries if entry.old_block is not None]
    return [entry.old_block for entry in sorted(entries, key=lambda e: e.old_index or 0)]


def check_consistent(old: list[Block], new: list[Block], diff: Diff) -> None:
    """Both versions can be read back from the entries, words included."""
    assert new_side(diff) == flatten(new)
    assert old_side(diff) == flatten(old)
    assert [e.new_index for e in diff.entries if e.new_index is not None] == list(
        range(len(flatten(new)))
    )
    for entry in diff.entries:
        if entry.op in ("change", "move"):
            assert entry.old_block is not None and entry.new_block is not None
            kept_old = "".join(text for op, text in entry.words if op != "insert")
            kept_new = "".join(text for op, text in entry.words if op != "delete")
            assert kept_old == entry.old_block.text
            assert kept_new == entry.new_block.text
            assert entry.changed or entry.op == "move"
        if entry.op == "move":
            assert (entry.moved_from, entry.moved_to) == (entry.old_index, entry.new_index)
        else:
            assert entry.moved_from is None and entry.moved_to is None
        if entry.op == "equal":
            assert entry.old_block is not None and entry.new_block is not None
            assert entry.old_block.text == entry.new_block.text


# --- block level ----------------------------------------------------------------


def test_identical_versions_have_no_changes() -> None:
    blocks = [
        heading(1, "Article 1 – Objet"),
        paragraph("Le ", bold("titulaire"), " livre."),
        paragraph(),
        paragraph(),
        bullet_list(["un", "deux"]),
        table([["A", "B"], ["1", "2"]], header=True),
    ]
    diff = diff_blocks(blocks, list(blocks))
    assert set(ops(diff)) == {"equal"}
    assert diff.unchanged
    assert all(value == 0 for value in diff.summary.to_json().values())
    assert diff_blocks([], []).entries == ()


def test_span_splits_do_not_count_as_changes() -> None:
    diff = diff_blocks([paragraph("ab", "c")], [paragraph("abc")])
    assert ops(diff) == ["equal"]


@pytest.mark.parametrize("where", [0, 2, 4])
def test_insert_delete_and_change_anywhere(where: int) -> None:
    old = doc(*LONG[:4])
    inserted = "Un paragraphe tout à fait nouveau sur la sous-traitance."
    new = old[:where] + [paragraph(inserted)] + old[where:]
    diff = diff_blocks(old, new)
    assert [e.op for e in changes(diff)] == ["insert"]
    assert changes(diff)[0].new_index == where
    check_consistent(old, new, diff)

    diff = diff_blocks(new, old)
    assert [(e.op, e.old_index) for e in changes(diff)] == [("delete", where)]
    check_consistent(new, old, diff)

    edited = list(old)
    index = min(where, 3)
    edited[index] = paragraph(LONG[index].replace("le", "ce", 1).replace(".", " !"))
    diff = diff_blocks(old, edited)
    (entry,) = changes(diff)
    assert (entry.op, entry.old_index, entry.new_index) == ("change", index, index)
    assert entry.changed == {"text"}
    check_consistent(old, edited, diff)


def test_moved_paragraph_both_directions() -> None:
    old = doc(*LONG[:6])
    down = [old[0], old[2], old[3], old[4], old[1], old[5]]
    diff = diff_blocks(old, down)
    (move,) = changes(diff)
    assert (move.op, move.moved_from, move.moved_to) == ("move", 1, 4)
    assert move.words == (("equal", LONG[1]),)
    assert diff.summary.moved == 1 and diff.summary.added == diff.summary.removed == 0
    check_consistent(old, down, diff)

    diff = diff_blocks(down, old)
    (move,) = changes(diff)
    assert (move.op, move.moved_from, move.moved_to) == ("move", 4, 1)
    check_consistent(down, old, diff)


def test_swapped_paragraphs_are_one_move() -> None:
    old = doc(LONG[0], LONG[1])
    new = doc(LONG[1], LONG[0])
    diff = diff_blocks(old, new)
    assert sorted(ops(diff)) == ["equal", "move"]
    check_consistent(old, new, diff)


def test_edited_and_moved_paragraph() -> None:
    old = doc(*LONG[:5])
    edited = LONG[0].replace("mensuel", "trimestriel")
    new = doc(LONG[1], LONG[2], LONG[3], edited, LONG[4])
    diff = diff_blocks(old, new)
    (move,) = changes(diff)
    assert (move.op, move.moved_from, move.moved_to) == ("move", 0, 3)
    assert ("delete", "mensuel") in move.words and ("insert", "trimestriel") in move.words
    assert move.changed == {"text"}
    assert diff.summary.words_added == 1 and diff.summary.words_removed == 1
    check_consistent(old, new, diff)


def test_move_next_to_an_edit_still_found() -> None:
    old = doc(*LONG[:6])
    new = doc(LONG[0], LONG[4], LONG[1], LONG[2], LONG[3].replace("annuellement", "chaque mois"))
    new.append(paragraph(LONG[5]))
    diff = diff_blocks(old, new)
    assert sorted(e.op for e in changes(diff)) == ["change", "move"]
    check_consistent(old, new, diff)


@pytest.mark.parametrize("text", ["Article 1", "", "Sans objet."])
def test_short_blocks_never_move(text: str) -> None:
    old = [paragraph(text), *doc(*LONG[:3])]
    new = [*doc(*LONG[:3]), paragraph(text)]
    diff = diff_blocks(old, new)
    assert "move" not in ops(diff)
    assert sorted(e.op for e in changes(diff)) == ["delete", "insert"]
    check_consistent(old, new, diff)


def test_dissimilar_replacement_is_delete_and_insert() -> None:
    old = doc(LONG[0])
    new = doc("Rien à voir avec le texte précédent, vraiment rien.")
    assert ops(diff_blocks(old, new)) == ["delete", "insert"]


def test_formatting_only_change() -> None:
    old = [paragraph("Le délai est de 30 jours calendaires.")]
    new = [paragraph("Le délai est de ", bold("30 jours"), " calendaires.")]
    (entry,) = diff_blocks(old, new).entries
    assert entry.op == "change" and entry.changed == {"format"}
    assert entry.words == (("equal", "Le délai est de 30 jours calendaires."),)
    linked = [paragraph("Voir ", link("le site", "https://a.example"), ".")]
    relinked = [paragraph("Voir ", link("le site", "https://b.example"), ".")]
    assert diff_blocks(linked, relinked).entries[0].changed == {"format"}


def test_inline_node_without_text_is_a_format_change() -> None:
    image = Span("", node="image", node_attrs=(("src", "plan.png"),))
    old = [paragraph("Voir le plan")]
    new = [Block("paragraph", inlines=(Span("Voir le plan"), image))]
    (entry,) = diff_blocks(old, new).entries
    assert entry.op == "change" and entry.changed == {"format"}


def test_text_and_format_change_together() -> None:
    old = [paragraph("Le titulaire livre le rapport")]
    new = [paragraph(italic("Le titulaire"), " remet le rapport")]
    (entry,) = diff_blocks(old, new).entries
    assert entry.changed == {"text", "format"}


def test_heading_level_and_kind_changes() -> None:
    title = "Article 3 – Prix"
    (entry,) = diff_blocks([heading(2, title)], [heading(3, title)]).entries
    assert entry.op == "change" and entry.changed == {"kind"}
    (entry,) = diff_blocks([paragraph(title)], [heading(2, title)]).entries
    assert entry.op == "change" and entry.changed == {"kind"}
    (entry,) = diff_blocks([heading(2, title)], [heading(1, "Article 4 – Prix")]).entries
    assert entry.changed == {"kind", "text"}


def test_list_items_and_table_cells() -> None:
    old = [
        bullet_list(["Premier point de la liste", "Deuxième point de la liste"]),
        table([["Lot", "Montant"], ["Lot 1", "10 000 €"]], header=True),
    ]
    new = [
        bullet_list(["Premier point de la liste", "Deuxième point modifié de la liste"]),
        table([["Lot", "Montant"], ["Lot 1", "12 000 €"]], header=True),
    ]
    diff = diff_blocks(old, new)
    edits = changes(diff)
    assert [e.op for e in edits] == ["change", "change"]
    assert edits[0].new_block is not None and edits[0].new_block.context == (
        "bulletList",
        "listItem",
    )
    assert edits[1].new_block is not None and edits[1].new_block.context == (
        "table",
        "tableRow",
        "tableCell",
    )
    assert ("insert", "modifié ") in edits[0].words
    assert ("delete", "10") in edits[1].words and ("insert", "12") in edits[1].words
    check_consistent(old, new, diff)


def test_paragraph_moved_into_a_list_changes_kind() -> None:
    old = [paragraph(LONG[0]), bullet_list([LONG[1]])]
    new = [bullet_list([LONG[0], LONG[1]])]
    diff = diff_blocks(old, new)
    (entry,) = changes(diff)
    assert entry.op == "change" and entry.changed == {"kind"}
    check_consistent(old, new, diff)


def test_repeated_empty_paragraphs_align() -> None:
    rng = random.Random(3)
    old: list[Block] = []
    for index in range(300):
        old.append(paragraph() if rng.random() < 0.4 else paragraph(f"Alinéa {index} " * 3))
    new = list(old)
    new[100] = paragraph("Alinéa 100 modifié " * 3)
    del new[200]
    diff = diff_blocks(old, new)
    assert diff.summary.changed + diff.summary.removed == 2
    check_consistent(old, new, diff)


def test_large_hunks_are_cut_in_pieces() -> None:
    count = int(MAX_CELLS**0.5) * 2
    old = doc(*(f"{LONG[i % 8]} Ancien numéro {i}." for i in range(count)))
    new = doc(*(f"{LONG[i % 8]} Nouveau numéro {i}." for i in range(count + 5)))
    diff = diff_blocks(old, new)
    assert diff.summary.changed > count // 2
    check_consistent(old, new, diff)


def test_align_handles_duplicates_and_crossings() -> None:
    old = [1, 2, 3, 1, 1, 4, 5]
    new = [5, 1, 2, 1, 3, 4, 1]
    steps = align(old, new)
    pairs = [step for step in steps if isinstance(step[0], int)]
    assert all(old[i] == new[j] for i, j in pairs)  # type: ignore[index]
    covered_old = sorted(
        i for step in steps for i in (step[0] if isinstance(step[0], range) else [step[0]])
    )
    assert covered_old == list(range(len(old)))


# --- word level -----------------------------------------------------------------


def test_french_sentence_shows_whole_words() -> None:
    assert word_diff("Le titulaire livre le rapport", "Le titulaire remet le rapport final") == (
        ("equal", "Le titulaire "),
        ("delete", "livre"),
        ("insert", "remet"),
        ("equal", " le rapport"),
        ("insert", " final"),
    )
    words = word_diff("L'élève a été reçu à l'écrit.", "L'élève a été reçue à l'oral.")
    assert ("delete", "reçu") in words and ("insert", "reçue") in words
    assert ("delete", "écrit") in words and ("insert", "oral") in words


def test_tokens_keep_marks_emoji_and_split_cjk() -> None:
    assert tokenize("e\u0301te\u0301 ok") == ["e\u0301te\u0301", " ", "ok"]
    assert tokenize("👨\u200d👩\u200d👧 👍🏽 ❤️") == ["👨\u200d👩\u200d👧", " ", "👍🏽", " ", "❤️"]
    assert tokenize("公共采购") == ["公", "共", "采", "购"]
    assert tokenize("a\nb") == ["a", "\n", "b"]


@pytest.mark.parametrize(
    ("old", "new", "deleted", "inserted"),
    [
        ("Re\u0301union du jury", "Re\u0301union du comite\u0301", "jury", "comite\u0301"),
        ("Bravo 👍🏽 à tous", "Bravo 👨\u200d👩\u200d👧 à tous", "👍🏽", "👨\u200d👩\u200d👧"),
        ("公共采购合同", "公共服务合同", "采购", "服务"),
        ("Prix : 10 €", "Prix : 12 €", "10", "12"),
    ],
)
def test_word_diff_never_cuts_characters(old: str, new: str, deleted: str, inserted: str) -> None:
    words = word_diff(old, new)
    assert ("delete", deleted) in words and ("insert", inserted) in words
    assert "".join(t for op, t in words if op != "insert") == old
    assert "".join(t for op, t in words if op != "delete") == new


def test_summary_counts() -> None:
    old = [
        heading(1, "Article 1 – Objet du marché"),
        paragraph("Le titulaire livre le rapport"),
        paragraph("Paragraphe qui sera supprimé du document."),
        paragraph(LONG[0]),
        paragraph(LONG[1]),
    ]
    new = [
        heading(1, "Article 1 – Objet du marché"),
        paragraph("Le titulaire remet le rapport final"),
        paragraph(LONG[1]),
        paragraph(LONG[0]),
        paragraph("Deux mots"),
    ]
    diff = diff_blocks(old, new)
    summary = diff.summary
    assert (summary.added, summary.removed, summary.changed, summary.moved) == (1, 1, 1, 1)
    # "remet", "final", "Deux", "mots" / "livre", and the six words of the deleted paragraph
    assert (summary.words_added, summary.words_removed) == (4, 7)
    check_consistent(old, new, diff)


def test_to_json_is_plain_data() -> None:
    old = [paragraph("Le ", bold("titulaire"), hard_break(), "livre"), *doc(*LONG[:3])]
    new = [paragraph("Le ", link("titulaire", "https://x.example"), hard_break(), "remet")]
    new += doc(LONG[2], LONG[0], LONG[1])
    data = diff_blocks(old, new).to_json()
    assert json.loads(json.dumps(data)) == data
    first = data["entries"][0]
    assert first["op"] == "change" and first["changed"] == ["format", "text"]
    assert first["new_block"]["spans"][1]["marks"]["link"]["href"] == "https://x.example"
    assert first["new_block"]["spans"][2]["node"] == "hardBreak"
    assert set(data["summary"]) == {
        "added",
        "removed",
        "changed",
        "moved",
        "words_added",
        "words_removed",
    }


# --- HTML -----------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def test_inline_html() -> None:
    old = [
        heading(2, "Article 2 – Délais"),
        paragraph("Le titulaire livre le rapport"),
        paragraph(LONG[0]),
        paragraph("Le délai est de 30 jours."),
        *doc(*LONG[1:4]),
    ]
    new = [
        heading(3, "Article 2 – Délais"),
        paragraph("Le titulaire remet le rapport final"),
        paragraph("Le délai est de ", bold("30 jours"), "."),
        *doc(*LONG[1:4]),
        paragraph(LONG[0]),
    ]
    html = render_diff_inline(diff_blocks(old, new))
    assert html.startswith('<div class="diff-inline">')
    assert '<h3 class="diff-change" data-op="change" data-changed="kind" data-old-tag="h2">' in html
    assert "Le titulaire <del>livre</del><ins>remet</ins> le rapport<ins> final</ins>" in html
    assert (
        'Le délai est de <del class="diff-format">30 jours</del>'
        '<ins class="diff-format"><strong>30 jours</strong></ins>.'
    ) in html
    assert (
        '<p class="diff-move" data-op="move" data-changed="" data-from="2" data-to="6">' not in html
    )
    assert '<p class="diff-move" data-op="move" data-from="2" data-to="6">' in html
    assert '<span class="diff-move-label" data-from="2" data-to="6"></span>' in html
    assert '<div class="diff-move-origin" data-op="move" data-from="2" data-to="6">' in html
    assert "style" not in html and "<script" not in html


def test_inline_insert_delete_and_context() -> None:
    old = [bullet_list(["Premier point"]), *doc(*LONG)]
    new = [bullet_list(["Premier point", "Second point"]), *doc(*LONG[:7])]
    html = render_diff_inline(diff_blocks(old, new))
    assert (
        '<p class="diff-insert" data-op="insert" data-context="bulletList listItem">'
        "<ins>Second point</ins></p>"
    ) in html
    assert f'<p class="diff-delete" data-op="delete"><del>{LONG[7]}</del></p>' in html
    assert '<div class="diff-skip" data-count="5"></div>' in html
    assert "Premier point" in html and escape(LONG[6]) in html and escape(LONG[1]) not in html


def test_collapse_keeps_context_around_changes() -> None:
    old = doc(*[f"Paragraphe numéro {i}" for i in range(20)])
    new = list(old)
    new[10] = paragraph("Paragraphe numéro 10 modifié")
    html = render_diff_inline(diff_blocks(old, new))
    parsed = parse(html)
    skips = [attrs["data-count"] for tag, attrs in parsed.tags if attrs.get("class") == "diff-skip"]
    assert skips == ["9", "8"]
    assert "Paragraphe numéro 9<" in html and "Paragraphe numéro 11<" in html
    assert render_diff_inline(diff_blocks(old, new), context=3).count("diff-skip") == 2
    everything = render_diff_inline(diff_blocks(old, old))
    assert everything.count('data-count="20"') == 1
    single = render_diff_inline(diff_blocks(old[:3], [old[0], old[1], paragraph("Autre")]))
    assert "diff-skip" not in single  # hiding one block would not shorten the page


def test_side_by_side_html() -> None:
    old = [*doc(*LONG[:4]), paragraph("Le titulaire livre le rapport")]
    new = [
        *doc(LONG[1], LONG[2], LONG[3], LONG[0]),
        paragraph("Le titulaire remet le rapport final"),
        paragraph("Ajout"),
    ]
    html = render_diff_side_by_side(diff_blocks(old, new))
    assert html.startswith('<table class="diff-side">')
    rows = [attrs for tag, attrs in parse(html).tags if tag == "tr"]
    assert [row.get("data-op") for row in rows[1:]] == [
        "move",  # where the moved paragraph was
        "equal",
        "equal",
        "equal",
        "move",
        "change",
        "insert",
    ]
    assert (
        '<td class="diff-old"><p>Le titulaire <del>livre</del> le rapport</p></td>'
        '<td class="diff-new"><p>Le titulaire <ins>remet</ins> le rapport<ins> final</ins></p></td>'
    ) in html
    assert '<td class="diff-old"></td><td class="diff-new"><p><ins>Ajout</ins></p></td>' in html
    assert html.count('class="diff-move-label"') == 2


PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</td></tr></table><script>alert(1)</script>",
    "&lt;b&gt; déjà échappé &amp;",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_and_attributes_are_escaped(payload: str) -> None:
    hostile_kind = Block(payload, children=(paragraph(f"dans un conteneur {payload}"),))
    old = [
        paragraph(f"Texte {payload} normal"),
        heading(2, payload),
        Block("heading", (("level", payload),), inlines=(Span("titre"),)),
        paragraph(link("lien", "javascript:alert(1)")),
        paragraph(f"{payload} paragraphe assez long pour être déplacé"),
        hostile_kind,
        clause(payload, paragraph(payload)),
    ]
    new = [
        paragraph(f"Texte {payload} modifié"),
        heading(3, payload + "!"),
        Block(payload, (("level", payload), (payload, payload)), inlines=(Span(payload),)),
        paragraph(link("lien", f"https://ok.example/{payload}")),
        Block("heading", (("level", payload),), inlines=(Span("titre", ((payload, "{}"),)),)),
        hostile_kind,
        clause(payload + "2", paragraph(payload), bullet_list([payload])),
        paragraph(f"{payload} paragraphe assez long pour être déplacé"),
    ]
    diff = diff_blocks(old, new)
    check_consistent(old, new, diff)
    allowed_tags = {"div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ins", "del", "span"}
    allowed_tags |= {"table", "thead", "tbody", "tr", "th", "td", "strong", "em", "a"}
    allowed_tags |= {"u", "s", "code", "sub", "sup", "br"}
    allowed_attrs = {"class", "data-op", "data-context", "data-changed", "data-from", "data-to"}
    allowed_attrs |= {"data-count", "data-old-tag", "data-old-context", "href", "rel"}
    allowed_attrs |= {"scope", "colspan"}
    for html in (render_diff_inline(diff, context=0), render_diff_side_by_side(diff, context=0)):
        parsed = parse(html)
        for tag, attrs in parsed.tags:
            assert tag in allowed_tags, tag
            assert set(attrs) <= allowed_attrs, attrs
            assert "javascript" not in (attrs.get("href") or "")
        assert payload in "".join(parsed.text)
        assert not re.search(r"<(script|img|svg)", html)


# --- properties and size ----------------------------------------------------------

WORDS = ["le", "titulaire", "livre", "remet", "rapport", "final", "délai", "été", "中文", "😀"]
_text = st.one_of(
    st.sampled_from(LONG),
    st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join),
    st.text(alphabet="ab é\u0301\n<&\"'", max_size=8),
)
_inline = st.one_of(_text.map(Span), _text.map(bold), _text.map(italic))
_inlines = st.lists(_inline, max_size=3)
_leaf = st.one_of(
    _inlines.map(lambda spans: paragraph(*spans)),
    st.builds(lambda level, spans: heading(level, *spans), st.integers(1, 3), _inlines),
)
_block = st.one_of(
    _leaf,
    st.lists(_text, min_size=1, max_size=3).map(bullet_list),
    st.lists(st.lists(_text, min_size=1, max_size=2), min_size=1, max_size=2).map(table),
    _leaf.map(lambda leaf: blockquote(leaf)),
    st.lists(_text, min_size=1, max_size=2).map(lambda texts: bullet_list([list_item(*texts)])),
)


@st.composite
def versions(draw: st.DrawFn) -> tuple[list[Block], list[Block]]:
    old = draw(st.lists(_block, max_size=10))
    kind = draw(st.sampled_from(["independent", "shuffle", "mix"]))
    if kind == "independent" or not old:
        return old, draw(st.lists(_block, max_size=10))
    if kind == "shuffle":
        return old, draw(st.permutations(old))
    pool = st.one_of(st.sampled_from(old), _block)
    return old, draw(st.lists(pool, max_size=12))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(versions())
def test_entries_rebuild_both_versions(pair: tuple[list[Block], list[Block]]) -> None:
    old, new = pair
    diff = diff_blocks(old, new)
    check_consistent(old, new, diff)
    summary = diff.summary
    counted = [e.op for e in diff.entries]
    assert summary.added == counted.count("insert")
    assert summary.removed == counted.count("delete")
    assert summary.changed == counted.count("change")
    assert summary.moved == counted.count("move")
    assert diff_blocks(old, old).unchanged
    render_diff_inline(diff)
    render_diff_side_by_side(diff)
    json.dumps(diff.to_json())


def big_document(rng: random.Random, leaves: int) -> list[Block]:
    words = " ".join(LONG).split()
    blocks: list[Block] = []
    count = 0
    while count < leaves:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(10, 20)))
        roll = rng.random()
        if roll < 0.05:
            blocks.append(heading(2, f"Article {len(blocks)} – {text[:40]}"))
        elif roll < 0.12:
            blocks.append(bullet_list([text, text[::-1]]))
        elif roll < 0.15:
            blocks.append(table([[text[:20], "Sans objet"], [text[20:], "Sans objet"]]))
        else:
            blocks.append(paragraph(text[:60], bold(text[60:])))
        count += len(flatten(blocks[-1:]))
    return blocks


def test_a_hundred_page_document_diffs() -> None:
    rng = random.Random(5)
    old = big_document(rng, 2500)
    assert sum(len(flat.text) for flat in flatten(old)) > 200_000
    new = list(old)
    for _ in range(len(old) // 20):
        index = rng.randrange(len(new))
        roll = rng.random()
        if roll < 0.6:
            new[index] = paragraph(new[index].text.replace("le", "la", 1) + " modifié")
        elif roll < 0.8:
            new.insert(index, paragraph("Un alinéa inséré par le service juridique."))
        elif roll < 0.9:
            del new[index]
        else:
            new.insert(rng.randrange(len(new)), new.pop(index))
    diff = diff_blocks(old, new)
    check_consistent(old, new, diff)
    assert not diff.unchanged
    assert render_diff_inline(diff).count("<ins>") > 0
