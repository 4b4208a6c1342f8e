"""A real Wiki-Marché server in a subprocess (uvicorn on a free port, its own SQLite file).

A subprocess, not an in-process app, so tests can SIGKILL it and restart it on the same
data directory like an operator would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll `predicate` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # the condition may not be checkable yet
            last_error = exc
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}; last error: {last_error!r}")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync or async test code (in its own thread)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]  # type: ignore[no-any-return]


class LiveServer:
    """Start, stop, kill and restart a server on one data directory."""

    def __init__(self, data_dir: Path, *, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/documents"

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.data_dir / 'wikimarche.db'}"

    def start(self, timeout: float = 30.0) -> None:
        env = {
            **os.environ,
            "WIKIMARCHE_ROOM_GRACE_SECONDS": "0.5",
            "WIKIMARCHE_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
            "WIKIMARCHE_INVITATIONS_PER_HOUR": "100000",
            "WIKIMARCHE_INVITATION_ATTEMPTS_PER_MINUTE": "100000",
            **self.env,
        }
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "serve",
                "--no-demo",
                "--data-dir",
                str(self.data_dir),
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def ready() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                return httpx.get(self.url + "/login", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(ready, timeout, "the server to start")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        """SIGTERM and wait: the graceful path."""
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.process = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def add_user(
        self, email: str, name: str, password: str = "motdepasse-solide", admin: bool = False
    ) -> int:
        from server.db import Database, accounts
        from server.security.passwords import hash_password

        async def create() -> int:
            db = Database(self.database_url)
            try:
                await db.migrate()
                user = await accounts.create_user(
                    db,
                    email=email,
                    name=name,
                    password_hash=hash_password(password),
                    is_admin=admin,
                )
                return user.id
            finally:
                await db.close()

        return run_async(create())

    def db_call(self, fn: Callable[[Any], Coroutine[Any, Any, T]]) -> T:
        """Run `fn(database)` against the server's real database file."""
        from server.db import Database

        async def call() -> T:
            db = Database(self.database_url)
            try:
                return await fn(db)
            finally:
                await db.close()

        return run_async(call())
