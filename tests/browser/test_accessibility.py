"""Every page passes axe-core's WCAG 2.2 A and AA checks and its best practices (labels,
names, contrast, landmarks, headings, ARIA), for the roles that see it: the part of RGAA an
automated audit can decide; and every page reflows into a narrow window.

axe-core is the engine behind most accessibility audits; it runs in the page itself, on the
DOM and styles the browser computed, so it judges what a screen-reader or keyboard user
actually gets, not the templates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.api import ApiUser
from support.browser import editor_text, sign_in
from support.content import every_node_type, write_document
from support.live import wait_until

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Our pages forbid inline scripts (CSP); the audit's own script is let in by the browser.
CONTEXT = {"viewport": {"width": 1280, "height": 900}, "locale": "fr-FR", "bypass_csp": True}

AUDIT = """async (tags) => {
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } })
    return result.violations.map((v) => ({
        rule: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
    }))
}"""


def audit(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG A/AA and its best practices, on the page as it stands."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return list(page.evaluate(AUDIT, WCAG))


def _explain(found: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['rule']} ({v['impact']}) {v['help']}")
            lines.extend(f"    {node}" for node in v["nodes"])
    return "\n".join(lines)


def _tender(server, make_user, add_member) -> tuple[ApiUser, int, int, str]:
    """A manager (also site administrator) and an observer, a tender whose CCAP has every
    kind of block and a first version, and an invitation waiting."""
    server.add_user("claire@ville.fr", "Claire Martin", admin=True)
    claire = ApiUser(server.url, "claire@ville.fr")
    jean = make_user("Jean Dupont", "jean@ville.fr")
    tender_id = claire.create_tender("Nettoyage des écoles", reference="2026-NET-01")["id"]
    add_member(tender_id, jean.user_id, "observer")
    doc_id = claire.create_document(tender_id, "CCAP nettoyage", "CCAP")
    assert claire.post(f"/api/documents/{doc_id}/versions", json={"label": "Vide"}).is_success
    write_document(server.ws_url, doc_id, claire.ws_headers, every_node_type())
    invited = claire.post(
        f"/api/tenders/{tender_id}/invitations",
        json={"email": "nadia@ville.fr", "role": "commenter"},
    )
    assert invited.is_success, invited.text
    return claire, tender_id, doc_id, invited.json()["url"]


def _pages(tender_id: int, doc_id: int) -> list[str]:
    """Every page a manager who administers the site can open, with data on it."""
    return [
        "/tenders",
        "/tenders/new",
        f"/tenders/{tender_id}",
        f"/tenders/{tender_id}/edit",
        f"/tenders/{tender_id}/members",
        f"/tenders/{tender_id}/activity",
        f"/tenders/{tender_id}/comment-settings",
        f"/documents/{doc_id}/history",
        f"/documents/{doc_id}/versions/1",
        f"/documents/{doc_id}/compare?from=1&to=current",
        f"/documents/{doc_id}/compare?from=1&to=current&view=side",
        f"/documents/{doc_id}/authorship",
        f"/documents/{doc_id}/restore/1",
        f"/documents/{doc_id}/rename",
        "/library",
        "/library/revision-prix",
        "/library/propose",
        "/search?q=titulaire",
        "/notifications",
        "/admin",
        "/admin/outbox",
        "/nulle/part",
    ]


def _open_editor(page: Any, url: str) -> None:
    page.goto(url)
    wait_until(lambda: "titulaire" in editor_text(page), 15, "the document in the editor")
    page.wait_for_selector("#sync-status[data-state='saved']")


def _audit_editor_at_work(page: Any, url: str, found: dict[str, list[dict[str, Any]]]) -> None:
    """The editor as it opens, with the comment form, with a comment, with the clause panel."""
    _open_editor(page, url)
    found["editor"] = audit(page)
    page.locator(".ProseMirror").click()
    page.keyboard.press("Control+Home")
    for _ in range(len("Article")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Control+Alt+m")
    page.wait_for_selector(".comments-compose textarea")
    found["editor, comment form"] = audit(page)
    page.keyboard.type("Préciser l'article.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".comment-card, .comments-list li")
    found["editor, with a comment"] = audit(page)
    page.locator(".ProseMirror").click()
    page.keyboard.press("Control+Alt+k")
    page.get_by_label("Rechercher une clause").fill("insertion profess")
    page.locator(".clause-result", has_text="insertion").first.click()
    page.get_by_role("button", name="Insérer à la position du curseur").wait_for()
    found["editor, clause panel"] = audit(page)


def test_every_page_passes_the_automated_wcag_audit(server, make_user, add_member, chromium):
    claire, tender_id, doc_id, invitation = _tender(server, make_user, add_member)
    found: dict[str, list[dict[str, Any]]] = {}
    context = chromium.new_context(**CONTEXT)
    anonymous = context.new_page()
    anonymous.goto(server.url + "/login")
    found["/login"] = audit(anonymous)
    anonymous.goto(invitation)
    found["invitation"] = audit(anonymous)
    anonymous.close()

    page = sign_in(context, server.url, "claire@ville.fr")
    _audit_editor_at_work(page, f"{server.url}/documents/{doc_id}", found)
    assert claire.post(f"/api/documents/{doc_id}/versions", json={"label": "Relu"}).is_success
    for path in _pages(tender_id, doc_id):
        response = page.goto(server.url + path)
        assert response is not None and (response.ok or path == "/nulle/part"), path
        found[path] = audit(page)
    context.close()

    observer = chromium.new_context(**CONTEXT)
    page = sign_in(observer, server.url, "jean@ville.fr")
    _open_editor(page, f"{server.url}/documents/{doc_id}")
    found["editor (observer)"] = audit(page)
    observer.close()

    failing = {where: v for where, v in found.items() if v}
    assert not failing, "\n" + _explain(failing)


# Elements reaching past the window's right edge, outside the tables' own scrolling boxes.
TOO_WIDE = """() => {
    const root = document.documentElement
    const width = root.clientWidth
    if (root.scrollWidth <= width) return []
    const escaping = (el) => !el.closest('.table-scroll')
        || getComputedStyle(el).position === 'absolute'
    const culprits = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > width && escaping(el))
        .slice(0, 6)
        .map((el) => el.outerHTML.slice(0, 160))
    return [`the page is ${root.scrollWidth} px wide`].concat(culprits)
}"""


def test_every_page_reflows_into_a_narrow_window(server, make_user, add_member, chromium):
    """WCAG 1.4.10: at 320 CSS px (a 1280 px screen zoomed to 400 %) no page scrolls
    sideways; a wide table scrolls within its own box, which the keyboard can reach."""
    _claire, tender_id, doc_id, _invitation = _tender(server, make_user, add_member)
    context = chromium.new_context(**{**CONTEXT, "viewport": {"width": 320, "height": 640}})
    page = sign_in(context, server.url, "claire@ville.fr")
    _open_editor(page, f"{server.url}/documents/{doc_id}")
    wide = {"editor": page.evaluate(TOO_WIDE)}
    for path in _pages(tender_id, doc_id):
        page.goto(server.url + path)
        wide[path] = page.evaluate(TOO_WIDE)
        if page.locator(".table-scroll").count():
            assert page.locator(".table-scroll").first.get_attribute("tabindex") == "0"
    context.close()
    assert not {path: found for path, found in wide.items() if found}
