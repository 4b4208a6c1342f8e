"""Ctrl+End and Ctrl+Home take the caret to the end and the start of the document, past
a table on the way (left to Chromium, Ctrl+End stopped in the table's first cell)."""

from __future__ import annotations

import pytest
from support.browser import editor_text, sign_in
from support.live import wait_until

pytestmark = pytest.mark.browser


def _row(*texts: str) -> dict:
    return {
        "type": "tableRow",
        "content": [
            {
                "type": "tableCell",
                "content": [{"type": "paragraph", "content": [{"type": "text", "text": t}]}],
            }
            for t in texts
        ],
    }


# As in the demo's consultation rules: the document ends with a table.
CONTENT = {
    "type": "doc",
    "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "Début du cahier."}]},
        {"type": "table", "content": [_row("Critère", "Pondération"), _row("Prix", "40 %")]},
    ],
}

SELECTED = """() => {
    const { state } = window.wikimarche.editor
    return state.doc.textBetween(state.selection.from, state.selection.to, ' | ')
}"""


def test_ctrl_end_and_ctrl_home_reach_both_ends_of_the_document(server, make_user, chromium):
    claire = make_user("Claire Martin", "claire@ville.fr")
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    page = sign_in(chromium.new_context(locale="fr-FR"), server.url, "claire@ville.fr")
    page.goto(f"{server.url}/documents/{doc_id}")
    page.wait_for_selector("#sync-status[data-state='saved']")
    page.evaluate("(content) => window.wikimarche.editor.commands.setContent(content)", CONTENT)
    wait_until(lambda: "40 %" in editor_text(page), 10, "the content")
    editor = page.locator("#editor .ProseMirror")

    editor.get_by_text("Début du cahier.").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" en 2027")
    wait_until(lambda: "en 2027" in editor_text(page), 10, "the typed text")
    assert editor_text(page).rstrip().endswith("40 % en 2027")

    page.keyboard.press("Control+Home")
    page.keyboard.type("Préambule. ")
    wait_until(lambda: "Préambule." in editor_text(page), 10, "the typed text")
    assert editor_text(page).startswith("Préambule. Début du cahier.")

    # With Shift, the selection runs from the caret to the end of the document.
    page.keyboard.press("Control+Shift+End")
    selected = page.evaluate(SELECTED)
    assert selected.startswith("Début du cahier.") and selected.endswith("40 % en 2027")
