"""Hostile text everywhere users can write it: nothing comes out as markup.

Payloads go into names, tender and document titles, document text, version labels,
comments, categories, e-mails and the feed; every page that shows them is fetched and
checked, and one browser check makes sure no script runs."""

from __future__ import annotations

import html
from pathlib import Path

import httpx
import pytest
from support.api import ApiUser

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "data" / "xss_payloads.txt").read_text().splitlines()
    if line.strip()
]


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50


@pytest.fixture
def hostile_world(server, make_user, add_member, yjs):
    """A tender where every user-written field carries a payload."""
    server.add_user("admin@ville.fr", "Admin", admin=True)
    claire = make_user(PAYLOADS[0], "claire@ville.fr")
    mallory = make_user(PAYLOADS[1], "mallory@ville.fr")
    tender_id = claire.create_tender(PAYLOADS[2], reference=PAYLOADS[3][:100])["id"]
    add_member(tender_id, mallory.user_id, "editor")
    doc_id = claire.create_document(tender_id, PAYLOADS[4], "CCTP")
    yjs.connect("a", server.ws_url, doc_id, mallory.ws_headers)
    yjs.call("insert", name="a", index=0, text=PAYLOADS[5])
    for payload in PAYLOADS[6:20]:
        yjs.call("append_paragraph", name="a", text=payload)
    claire.post(f"/api/documents/{doc_id}/versions", json={"label": PAYLOADS[20][:200]})
    yjs.call("append_paragraph", name="a", text=PAYLOADS[21])
    anchor = yjs.call("anchor", name="a", index=0, length=5)
    claire.client.post(
        f"/tenders/{tender_id}/comment-settings",
        data={"csrf_token": claire.csrf, "categories": "\n".join(PAYLOADS[22:26])},
    )
    for i, payload in enumerate(PAYLOADS[26:]):
        body = {
            "body": payload,
            "anchor": {"start": anchor["start"], "end": anchor["end"]},
            "quote": PAYLOADS[i % 20],
            "mentions": [claire.user_id],
        }
        if i < 4:
            body["category"] = PAYLOADS[22 + i][:60]
        response = mallory.post(f"/api/documents/{doc_id}/comments", json=body)
        assert response.status_code == 201, response.text
    comment_id = claire.get(f"/api/documents/{doc_id}/comments").json()[0]["id"]
    claire.post(f"/api/comments/{comment_id}/replies", json={"body": PAYLOADS[-1]})
    feed_page = claire.client.post(f"/tenders/{tender_id}/feed", data={"csrf_token": claire.csrf})
    feed = feed_page.text.split("/feeds/")[1].split(".atom")[0]
    return claire, mallory, tender_id, doc_id, feed


def _assert_inert(text: str, where: str, dangerous: str = "<>\"'") -> None:
    """No payload that contains markup characters appears as is (Jinja escapes quotes
    too, so in pages even a quote must come out escaped)."""
    for payload in PAYLOADS:
        if any(c in payload for c in dangerous):
            assert payload not in text, f"{where}: unescaped {payload!r}"
    assert "<script>alert" not in text, where


def test_every_page_escapes_user_text(server, hostile_world):
    claire, mallory, tender_id, doc_id, feed = hostile_world
    admin = ApiUser(server.url, "admin@ville.fr")
    pages = {
        claire: [
            "/tenders",
            f"/tenders/{tender_id}",
            f"/tenders/{tender_id}/members",
            f"/tenders/{tender_id}/activity",
            f"/documents/{doc_id}",
            f"/documents/{doc_id}/history",
            f"/documents/{doc_id}/versions/1",
            f"/documents/{doc_id}/compare?from=1&to=current",
            f"/documents/{doc_id}/compare?from=1&to=current&view=side",
            f"/documents/{doc_id}/authorship",
            "/notifications",
            f"/tenders/{tender_id}/comment-settings",
        ],
        admin: ["/admin", "/admin/outbox"],
    }
    for user, paths in pages.items():
        for path in paths:
            response = user.get(path)
            assert response.status_code == 200, path
            _assert_inert(response.text, path)
    api = claire.get(f"/api/documents/{doc_id}").json()
    _assert_inert(api["html"], "document html")
    assert html.escape(PAYLOADS[5]) in api["html"]
    diff = claire.get(f"/api/documents/{doc_id}/diff?from=1&to=current").json()
    _assert_inert(diff["html"] + diff["html_side_by_side"], "diff html")
    atom = httpx.get(f"{server.url}/feeds/{feed}.atom").text
    _assert_inert(atom, "atom feed", dangerous="<>")  # quotes are plain text in XML content


@pytest.mark.browser
def test_no_payload_runs_in_a_real_browser(server, hostile_world, chromium):
    from support.browser import sign_in

    claire, _mallory, tender_id, doc_id, _feed = hostile_world
    context = chromium.new_context(locale="fr-FR")
    page = sign_in(context, server.url, "claire@ville.fr")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (
        f"/tenders/{tender_id}",
        f"/documents/{doc_id}",
        f"/documents/{doc_id}/compare?from=1&to=current",
        "/notifications",
    ):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
    assert dialogs == []
    context.close()
