"""The header of every page keeps each link and button whole and on screen, from a wide
monitor down to a phone: on a narrow window whole groups move to the next line."""

from __future__ import annotations

import pytest
from support.browser import sign_in

pytestmark = pytest.mark.browser


def test_every_header_control_is_whole_and_on_screen(server, make_user, chromium):
    make_user("Marie-Thérèse Delacroix-Fontaine", "mtdf@ville.fr")
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = sign_in(context, server.url, "mtdf@ville.fr")
    for width in (1280, 900, 700, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(server.url + "/tenders")
        boxes = page.evaluate(
            """() => [...document.querySelectorAll(
                '.site-header a, .site-header button, .site-header select, .user-name'
            )].map((el) => {
                const box = el.getBoundingClientRect()
                const line = parseFloat(getComputedStyle(el).lineHeight) || 24
                return { text: el.textContent.trim() || el.getAttribute('aria-label'),
                         left: box.left, right: box.right, lines: box.height / line }
            })"""
        )
        assert len(boxes) >= 8
        for box in boxes:
            assert 0 <= box["left"] and box["right"] <= width, (width, box)
            assert box["lines"] < 2, (width, box)  # "Se déconnecter" on one line
    context.close()
