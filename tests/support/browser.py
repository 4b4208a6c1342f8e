"""Helpers for Playwright tests: signing in through the form, reading the live editor."""

from __future__ import annotations

from typing import Any


def sign_in(context: Any, base_url: str, email: str, password: str = "motdepasse-solide") -> Any:
    page = context.new_page()
    page.goto(base_url + "/login")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tenders")
    return page


def editor_text(page: Any) -> str:
    """The document text as the editor holds it (carets and name labels excluded)."""
    return str(page.evaluate("() => window.wikimarche?.editor?.getText() ?? ''"))
