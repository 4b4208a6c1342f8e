"""A minimal JSON client of our server's HTTP API, enough to provision a benchmark: sign in,
create a tender and its documents. Standard library only, one keep-alive connection.
"""

from __future__ import annotations

import http.client
import json
import time
from http.cookies import SimpleCookie
from typing import Any

SESSION_COOKIE = "wm_session"


class ApiError(RuntimeError):
    pass


class ApiClient:
    """One signed-in user of the JSON API of a server on 127.0.0.1."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.session = ""
        self.csrf = ""

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Content-Type": "application/json", "Origin": self.origin}
        if self.session:
            headers["Cookie"] = f"{SESSION_COOKIE}={self.session}"
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        payload = json.dumps(body).encode() if body is not None else None
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed the idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt:
                    raise
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                morsel = SimpleCookie(value).get(SESSION_COOKIE)
                if morsel is not None:
                    self.session = morsel.value
        if response.status >= 300:
            raise ApiError(f"{method} {path} → {response.status}: {data[:300]!r}")
        return json.loads(data) if data else None

    def sign_in(self, email: str, password: str) -> None:
        body = self.request("POST", "/api/session", {"email": email, "password": password})
        self.csrf = str(body["csrf_token"])
        if not self.session:
            raise ApiError("no session cookie after signing in")

    def create_tender(self, title: str) -> int:
        return int(self.request("POST", "/api/tenders", {"title": title})["id"])

    def create_documents(self, tender_id: int, count: int, prefix: str = "Pièce") -> list[int]:
        path = f"/api/tenders/{tender_id}/documents"
        return [
            int(self.request("POST", path, {"title": f"{prefix} {i}", "kind": "other"})["id"])
            for i in range(count)
        ]

    def ws_headers(self) -> dict[str, str]:
        """Handshake headers of a websocket client of this user."""
        return {"Cookie": f"{SESSION_COOKIE}={self.session}", "Origin": self.origin}

    def close(self) -> None:
        self.conn.close()


def wait_http_ok(port: int, path: str, timeout: float, alive: Any = None) -> float:
    """Poll GET `path` until it answers 200; returns the seconds waited. `alive()` (if
    given) is checked between attempts and must stay true (the process did not exit)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if alive is not None and not alive():
            raise ApiError("the server process exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1.0)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return time.monotonic() - start
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.02)
    raise ApiError(f"no 200 on {path} after {timeout:.0f} s")
