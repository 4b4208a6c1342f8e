"""Comment cards stand beside their passage, like margin notes, without overlapping; on a
narrow screen they form a plain list under the text."""

from __future__ import annotations

import pytest
from support.browser import editor_text, sign_in
from support.live import wait_until

pytestmark = pytest.mark.browser

PARAGRAPHS = [
    f"Article {n}. Le titulaire exécute la prestation {n} selon le CCTP." for n in range(1, 41)
]
TOLERANCE = 12  # pixels


def _comment_on(page, needle: str, body: str) -> None:
    page.evaluate(
        """(needle) => {
            const editor = window.wikimarche.editor
            let found = null
            editor.state.doc.descendants((node, pos) => {
                if (found === null && node.isText && node.text.includes(needle)) {
                    found = pos + node.text.indexOf(needle)
                }
            })
            editor.commands.setTextSelection({ from: found, to: found + needle.length })
            editor.view.focus()
        }""",
        needle,
    )
    page.keyboard.press("Control+Alt+m")
    page.get_by_label("Votre commentaire").fill(body)
    page.get_by_label("Votre commentaire").press("Control+Enter")
    page.locator(".comments-compose").wait_for(state="hidden")


def _geometry(page):
    """Top of each card and of its highlighted passage, in page coordinates."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#comments-panel .comments-list > li')].map((li) => {
            const id = li.dataset.threadId
            const mark = document.querySelector(`#editor [data-comment-id="${id}"]`)
            const card = li.getBoundingClientRect()
            return {
                id, top: card.top + scrollY, bottom: card.bottom + scrollY,
                passage: mark ? mark.getBoundingClientRect().top + scrollY : null,
                detached: li.textContent.includes('passage supprimé'),
            }
        })"""
    )


def test_cards_stand_at_the_height_of_their_passage(server, make_user, chromium, yjs):
    claire = make_user("Claire Martin", "claire@ville.fr")
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    yjs.connect("seed", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="seed", index=0, text=PARAGRAPHS[0])
    for text in PARAGRAPHS[1:]:
        yjs.call("append_paragraph", name="seed", text=text)
    yjs.call("destroy", name="seed")

    context = chromium.new_context(
        locale="fr-FR", viewport={"width": 1400, "height": 900}, reduced_motion="reduce"
    )
    page = sign_in(context, server.url, "claire@ville.fr")
    page.goto(f"{server.url}/documents/{doc_id}")
    wait_until(lambda: "Article 40." in editor_text(page), 10, "the text")
    notes = {"prestation 2 ": "Préciser.", "prestation 20": "Délai ?", "prestation 21": "Prix ?"}
    notes["prestation 38"] = "Doublon avec l'article 12 ?"
    for count, (needle, body) in enumerate(notes.items(), start=1):
        _comment_on(page, needle, body)
        wait_until(lambda count=count: len(_geometry(page)) == count, 5, f"card {count}")

    def beside(card):
        return card["passage"] is not None and abs(card["top"] - card["passage"]) <= TOLERANCE

    def when_beside(*indexes):
        cards = _geometry(page)
        return cards if len(cards) == 4 and all(beside(cards[i]) for i in indexes) else None

    # The caret out of every passage: no card is selected.
    page.get_by_text("Article 30.", exact=False).click()
    cards = wait_until(lambda: when_beside(1, 3), 5, "the layout")
    first, twenty, next_one, last = cards  # text order, which is also the keyboard order
    assert first["passage"] < twenty["passage"] < next_one["passage"] < last["passage"]
    assert all(a["bottom"] <= b["top"] for a, b in zip(cards, cards[1:], strict=False))
    assert first["top"] >= first["passage"] - TOLERANCE and beside(twenty)
    # Article 21 is one line below article 20: its card is pushed down...
    assert next_one["top"] > next_one["passage"] + 3 * TOLERANCE
    # ...until it is selected: then it stands at its passage and pulls the other one up.
    page.locator(f'#editor [data-comment-id="{next_one["id"]}"]').click()
    cards = wait_until(lambda: when_beside(2, 3), 5, "the pull")
    assert all(a["bottom"] <= b["top"] for a, b in zip(cards, cards[1:], strict=False))
    assert cards[1]["top"] < twenty["top"] and beside(cards[3])
    last = cards[3]

    # A colleague adds a long preamble: the card follows its passage down.
    yjs.connect("karim", server.ws_url, doc_id, claire.ws_headers)
    yjs.call("insert", name="karim", index=0, text="Préambule. " * 40)
    wait_until(lambda: "Préambule" in editor_text(page), 5, "the remote edit")
    moved = wait_until(
        lambda: (
            (g := _geometry(page)[3])["passage"] > last["passage"] + 20
            and abs(g["top"] - g["passage"]) <= TOLERANCE
        ),
        5,
        "the card to follow its passage",
    )
    assert moved

    # Narrow screen: the panel goes below the text and the cards form a plain list.
    page.set_viewport_size({"width": 600, "height": 900})
    wait_until(
        lambda: page.evaluate(
            """() => !document.querySelector('#comments-panel').classList.contains('is-aligned')
                && [...document.querySelectorAll('.comments-list > li')]
                    .every((li) => !li.style.top)"""
        ),
        5,
        "the plain list",
    )
    cards = _geometry(page)
    assert all(a["bottom"] <= b["top"] for a, b in zip(cards, cards[1:], strict=False))
    assert min(c["top"] for c in cards) > page.evaluate(
        "() => document.querySelector('#editor').getBoundingClientRect().bottom + scrollY"
    )
    context.close()
