"""A signed-in user of the JSON API, as a script or an integration would use it."""

from __future__ import annotations

from typing import Any

import httpx


class ApiUser:
    def __init__(self, base_url: str, email: str, password: str = "motdepasse-solide") -> None:
        self.base_url = base_url
        self.email = email
        self.client = httpx.Client(base_url=base_url, timeout=20)
        response = self.client.post("/api/session", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        body = response.json()
        self.user_id: int = body["user"]["id"]
        self.csrf: str = body["csrf_token"]
        self.client.headers["X-CSRF-Token"] = self.csrf

    @property
    def cookie(self) -> str:
        return f"wm_session={self.client.cookies['wm_session']}"

    @property
    def ws_headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie, "Origin": self.base_url}

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.post(path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.patch(path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.put(path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.delete(path, **kw)

    def create_tender(self, title: str = "Marché de test", **fields: Any) -> dict[str, Any]:
        response = self.post("/api/tenders", json={"title": title, **fields})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def create_document(self, tender_id: int, title: str = "CCTP", kind: str = "CCTP") -> int:
        response = self.post(
            f"/api/tenders/{tender_id}/documents", json={"title": title, "kind": kind}
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def document_text(self, document_id: int) -> str:
        response = self.get(f"/api/documents/{document_id}")
        assert response.status_code == 200, response.text
        return str(response.json()["text"])

    def close(self) -> None:
        self.client.close()
