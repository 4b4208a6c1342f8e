"""A real Wiki-Marché server in a subprocess (uvicorn on a free port, its own database).

A subprocess, not an in-process app, so tests can SIGKILL it and restart it on the same
data directory like an operator would. The database is a SQLite file in the data directory,
or, when WIKIMARCHE_TEST_DATABASE_URL names a PostgreSQL server, a fresh database created
for this server and dropped when the test session ends.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import secrets
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
TEST_DATABASE_ENV = "WIKIMARCHE_TEST_DATABASE_URL"
_created_databases: list[str] = []


def postgres_under_test() -> str | None:
    """The PostgreSQL server the suite runs against, or None for SQLite."""
    return os.environ.get(TEST_DATABASE_ENV) or None


def on_postgresql() -> bool:
    return postgres_under_test() is not None


async def _admin(server_url: str, statement: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database="postgres",
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def create_database(server_url: str | None = None) -> str:
    """A fresh, empty PostgreSQL database on the test server; its SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    server_url = server_url or postgres_under_test()
    assert server_url, f"{TEST_DATABASE_ENV} is not set"
    name = f"wm_test_{secrets.token_hex(6)}"
    run_async(_admin(server_url, f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name)
    rendered = url.render_as_string(hide_password=False)
    _created_databases.append(rendered)
    return rendered


def drop_database(database_url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database
    if database_url in _created_databases:
        _created_databases.remove(database_url)
    run_async(_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@atexit.register
def _drop_leftovers() -> None:
    for url in list(_created_databases):
        try:
            drop_database(url)
        except Exception:  # best effort: the server may be gone already
            pass


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


RUN_ASYNC_LIMIT_S = 3600  # the long variants run single coroutines for many minutes


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync or async test code (in its own thread)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    # Bounded: a coroutine that never ends fails its test instead of stalling the run.
    thread.join(RUN_ASYNC_LIMIT_S)
    if thread.is_alive():
        raise AssertionError(f"a coroutine did not finish within {RUN_ASYNC_LIMIT_S} s")
    if "error" in result:
        raise result["error"]
    return result["value"]  # type: ignore[no-any-return]


class LiveServer:
    """Start, stop, kill and restart a server on one data directory."""

    def __init__(
        self,
        data_dir: Path,
        *,
        env: dict[str, str] | None = None,
        database_url: str | None = None,
        redis_url: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "server.log"
        # Several servers may share one database (a cluster): only its creator drops it.
        self._owns_database = database_url is None and on_postgresql()
        self._database_url = database_url
        self.redis_url = redis_url

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/documents"

    @property
    def database_url(self) -> str:
        if self._database_url is None and self._owns_database:
            self._database_url = create_database()
        return self._database_url or f"sqlite+aiosqlite:///{self.data_dir / 'wikimarche.db'}"

    def drop_database(self) -> None:
        """Drop the PostgreSQL database this server created (nothing on SQLite)."""
        if self._owns_database and self._database_url is not None:
            drop_database(self._database_url)
            self._database_url = None

    def start(self, timeout: float = 30.0) -> None:
        env = {
            **os.environ,
            "WIKIMARCHE_ROOM_GRACE_SECONDS": "0.5",
            "WIKIMARCHE_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
            "WIKIMARCHE_INVITATIONS_PER_HOUR": "100000",
            "WIKIMARCHE_INVITATION_ATTEMPTS_PER_MINUTE": "100000",
            "WIKIMARCHE_DATABASE_URL": self.database_url,
            **({"WIKIMARCHE_REDIS_URL": self.redis_url} if self.redis_url else {}),
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

    def close(self) -> None:
        """Stop the server for good and drop its own database."""
        self.stop()
        self.drop_database()

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
