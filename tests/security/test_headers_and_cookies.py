"""Security headers and cookies: a strict Content-Security-Policy that no page needs to
weaken (no inline script, no inline event handler), nosniff, no framing, a referrer
policy; every cookie HttpOnly and SameSite, and Secure when the public URL is https."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest
from support.live import LiveServer


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler attribute")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._in_script = True
            if not names.get("src") and names.get("type") not in ("application/json",):
                self.problems.append("<script> without src")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script body {data.strip()[:40]!r}")


def _csp(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    directives = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def _pages(user, tender_id: int, doc_id: int) -> list[str]:
    return [
        "/tenders",
        f"/tenders/{tender_id}",
        f"/tenders/{tender_id}/members",
        f"/tenders/{tender_id}/activity",
        f"/documents/{doc_id}",
        f"/documents/{doc_id}/history",
        f"/documents/{doc_id}/versions/1",
        f"/documents/{doc_id}/compare?from=1&to=current",
        "/notifications",
        "/clauses",
        "/tenders/999999",  # an error page
    ]


def test_every_page_has_a_strict_policy_and_no_inline_script(server, make_user):
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    assert claire.post(f"/api/documents/{doc_id}/versions", json={"label": "V1"}).status_code == 201
    anonymous = httpx.Client(base_url=server.url)
    responses = [(path, claire.get(path)) for path in _pages(claire, tender_id, doc_id)]
    responses += [(path, anonymous.get(path)) for path in ("/login", "/invitations/inconnu")]
    responses += [("/api/tenders", claire.get("/api/tenders"))]
    checked = 0
    for path, response in responses:
        assert response.status_code < 500, path
        directives = _csp(response)
        assert directives["script-src"] == "'self'", path
        assert "'unsafe-inline'" not in directives.get("default-src", ""), path
        assert "'unsafe-eval'" not in response.headers["content-security-policy"], path
        assert directives["frame-ancestors"] == "'none'", path
        assert directives["object-src"] == "'none'", path
        assert directives["base-uri"] == "'none'", path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["referrer-policy"] in ("same-origin", "no-referrer"), path
        if response.headers["content-type"].startswith("text/html"):
            parser = _InlineScripts()
            parser.feed(response.text)
            assert not parser.problems, (path, parser.problems[:3])
            checked += 1
    assert checked >= 12
    anonymous.close()


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {
        header.split("=", 1)[0]: header.lower()
        for header in response.headers.get_list("set-cookie")
    }


def _cookies_of_every_kind(url: str, email: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    with httpx.Client(base_url=url) as client:
        cookies |= _set_cookies(client.get("/login"))
        cookies |= _set_cookies(
            client.post("/api/session", json={"email": email, "password": "motdepasse-solide"})
        )
        cookies |= _set_cookies(client.post("/language", data={"language": "en", "next": "/"}))
    return cookies


def test_cookies_are_httponly_and_samesite_but_not_secure_over_plain_http(server, make_user):
    claire = make_user()
    cookies = _cookies_of_every_kind(server.url, claire.email)
    assert {"wm_session", "wm_login_csrf", "wm_lang"} <= set(cookies)
    for name, header in cookies.items():
        assert "httponly" in header, name
        assert "samesite=" in header, name
        assert "secure" not in header.replace("samesite", ""), name
    assert "samesite=lax" in cookies["wm_session"]


@pytest.fixture
def https_server(tmp_path):
    live = LiveServer(
        tmp_path / "data", env={"WIKIMARCHE_PUBLIC_URL": "https://marches.example.fr"}
    )
    live.data_dir.mkdir()
    live.start()
    yield live
    live.stop()


def test_every_cookie_is_secure_when_the_public_url_is_https(https_server):
    https_server.add_user("claire@ville.fr", "Claire")
    cookies = _cookies_of_every_kind(https_server.url, "claire@ville.fr")
    assert {"wm_session", "wm_login_csrf", "wm_lang"} <= set(cookies)
    for name, header in cookies.items():
        assert "; secure" in header, name
        assert "httponly" in header and "samesite=" in header, name
