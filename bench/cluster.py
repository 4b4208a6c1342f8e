"""Several processes: our server on PostgreSQL, one process versus two sharing Redis.

Loads `cluster-latency` (one room, two editors typing 5 markers/s: in the two-process run
the editors sit on different processes, so every delivery crosses Redis) and `cluster-rooms`
(100 rooms of 4 editors; members of a room alternate between the processes). The server
names are `pg-1proc` (one process, no Redis) and `pg-2proc` (two processes, Redis fan-out);
both use a fresh PostgreSQL database (WIKIMARCHE_BENCH_POSTGRES_URL, default the local
server) and Redis (WIKIMARCHE_BENCH_REDIS_URL). Server CPU is not charged per delivery here
(two processes): the figures are delivery rate, latency and completeness.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from bench.measure import LoadContext, Record
from bench.node import run_node
from bench.ours import EMAIL, PASSWORD, OursServer

POSTGRES = os.environ.get(
    "WIKIMARCHE_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1/"
)
REDIS = os.environ.get("WIKIMARCHE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
CLUSTER_SERVERS = ("pg-1proc", "pg-2proc")
CONNECT_TIMEOUT_MS = 45_000


class ClusterNode(OursServer):
    """One process of an installation on PostgreSQL (and Redis when given)."""

    def __init__(
        self, workdir: Path, database_url: str, redis_url: str, public_url: str, first: bool
    ) -> None:
        super().__init__(workdir)
        self.database_url = database_url
        self.redis_url = redis_url
        self.public_url = public_url or f"http://127.0.0.1:{self.port}"
        self.first = first
        self.secret = "banc-" + "x" * 40

    def command(self) -> tuple[list[str], dict[str, str], Path]:
        argv, env, cwd = super().command()
        env = {
            **env,
            "WIKIMARCHE_DATABASE_URL": self.database_url,
            "WIKIMARCHE_PUBLIC_URL": self.public_url,
            "WIKIMARCHE_SECRET_KEY": self.secret,
        }
        if self.redis_url:
            env["WIKIMARCHE_REDIS_URL"] = self.redis_url
        return argv, env, cwd

    def _fresh_data(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.first:
            return
        argv = [sys.executable, "-m", "server", "user", "add", "--data-dir", str(self.data_dir)]
        argv += ["--database-url", self.database_url]
        argv += ["--email", EMAIL, "--name", "Banc d'essai", "--password", PASSWORD]
        subprocess.run(argv, cwd=self.source, check=True, capture_output=True, timeout=60)

    def provision(self) -> None:
        if self.first:
            super().provision()


async def _admin(statement: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES)
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


def _specs(quick: bool) -> dict[str, tuple[int, int, float, int]]:
    """load → (rooms, editors per room, markers/s per editor, markers per editor)."""
    return {
        "cluster-latency": (1, 2, 5, 10 if quick else 100),
        "cluster-rooms": (100, 4, 5, 5 if quick else 50),
    }


async def run_cluster(ctx: LoadContext, load: str, server_name: str) -> Record:
    record = Record(load=load, server=server_name, group="cluster")
    rooms_n, editors, rate, count = _specs(ctx.quick)[load]
    name = f"wm_bench_{secrets.token_hex(4)}"
    from sqlalchemy.engine import make_url

    database_url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    await _admin(f'CREATE DATABASE "{name}"')
    nodes: list[ClusterNode] = []
    try:
        workdir = ctx.server_dir(load, server_name)
        redis_url = REDIS if server_name == "pg-2proc" else ""
        first = ClusterNode(workdir / "a", database_url, redis_url, "", True)
        nodes.append(first)
        if server_name == "pg-2proc":
            nodes.append(
                ClusterNode(workdir / "b", database_url, redis_url, first.public_url, False)
            )
        for node in nodes:
            await asyncio.to_thread(node.start)
        rooms = first.rooms(rooms_n, load)
        urls = [node.ws_url for node in nodes]
        drain_ms = 10_000 if ctx.quick else 15_000
        args = [
            "--url", json.dumps(urls) if len(urls) > 1 else urls[0],
            "--rooms", json.dumps(rooms),
            "--writers", str(editors),
            "--readers", "0",
            "--rate", str(rate),
            "--count", str(count),
            "--headers-json", json.dumps(first.ws_headers()),
            "--connect-timeout", str(CONNECT_TIMEOUT_MS),
            "--drain-timeout", str(drain_ms),
        ]  # fmt: skip
        limit = 2 * CONNECT_TIMEOUT_MS / 1000 + count / rate + drain_ms / 1000 + 60
        run = await run_node("bench-fanout.mjs", args, limit_s=limit, log_path=ctx.node_log)
        if run.error:
            record.error = run.error
            return record
        assert run.result is not None
        record.fill_latency(run.result)
        record.primary, record.value, record.unit = "p99", record.p99, "ms"
        send_s = float(run.result.get("send_seconds") or count / rate)
        record.extra.update(
            {
                "processes": len(nodes),
                "per_delivery": run.result.get("per_delivery"),
                "send_seconds": send_s,
                "deliveries_per_s": round((record.delivered or 0) / max(send_s, 1e-3), 1),
            }
        )
    except Exception as exc:  # one failed load must not stop the others
        record.error = f"{type(exc).__name__}: {exc}"
    finally:
        for node in nodes:
            await asyncio.to_thread(node.stop)
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return record
