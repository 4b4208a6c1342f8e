"""Shared fixtures: a live server per test, signed-in users, real Yjs clients."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.api import ApiUser
from support.live import LiveServer
from support.yjs import YjsClients

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long variants run for many minutes: they get hours before counting as hung."""
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.timeout(4 * 3600))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "data")
    live.data_dir.mkdir()
    live.start()
    yield live
    live.close()


@pytest.fixture
def make_user(server: LiveServer) -> Iterator[Callable[..., ApiUser]]:
    created: list[ApiUser] = []
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, email: str | None = None) -> ApiUser:
        n = next(counter)
        email = email or f"agent{n}@ville.example.fr"
        server.add_user(email, name or f"Agent {n}")
        user = ApiUser(server.url, email)
        created.append(user)
        return user

    yield make
    for user in created:
        user.close()


@pytest.fixture
def add_member(server: LiveServer) -> Callable[[int, int, str], None]:
    from server.db import tenders

    def add(tender_id: int, user_id: int, role: str) -> None:
        server.db_call(lambda db: tenders.add_member(db, tender_id, user_id, role))

    return add


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("WIKIMARCHE_CHROMIUM") or shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is required for browser tests (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def yjs() -> Iterator[YjsClients]:
    clients = YjsClients()
    yield clients
    clients.close()
