"""Two server processes sharing one PostgreSQL database and one Redis (tests/cluster)."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.api import ApiUser
from support.live import LiveServer, create_database, drop_database, postgres_under_test, run_async

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1/"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def _services() -> tuple[str, str]:
    postgres = postgres_under_test() or os.environ.get(
        "WIKIMARCHE_TEST_POSTGRES_URL", DEFAULT_POSTGRES
    )
    redis_url = os.environ.get("WIKIMARCHE_TEST_REDIS_URL", DEFAULT_REDIS)

    async def probe() -> None:
        import redis.asyncio as aioredis

        client = aioredis.from_url(redis_url)
        try:
            await client.ping()
        finally:
            await client.aclose()

    try:
        run_async(probe())
    except Exception as exc:
        pytest.skip(f"the cluster tests need Redis at {redis_url}: {exc}")
    return postgres, redis_url


@dataclass
class Cluster:
    a: LiveServer
    b: LiveServer
    users: list[ApiUser] = field(default_factory=list)

    def user(self, name: str, server: LiveServer | None = None) -> dict[str, ApiUser]:
        """A new account, signed in on both processes (one session on each)."""
        email = f"{name.lower().replace(' ', '.')}.{secrets.token_hex(3)}@ville.fr"
        self.a.add_user(email, name)
        signed = {"a": ApiUser(self.a.url, email), "b": ApiUser(self.b.url, email)}
        self.users.extend(signed.values())
        return signed


@contextlib.contextmanager
def running_cluster(tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[Cluster]:
    postgres, redis_url = _services()
    database_url = create_database(postgres)
    env = {"WIKIMARCHE_SECRET_KEY": secrets.token_urlsafe(32), **(env or {})}
    servers = []
    try:
        for name in ("a", "b"):
            live = LiveServer(
                tmp_path / name, env=env, database_url=database_url, redis_url=redis_url
            )
            live.data_dir.mkdir()
            live.start()
            servers.append(live)
        built = Cluster(*servers)
        yield built
        for user in built.users:
            user.close()
    finally:
        for live in servers:
            live.stop()
        drop_database(database_url)
