"""Our server as the benchmark runs it: the real configuration (accounts, sessions, role
checks on every connection, durable SQLite change log), provisioned through its own CLI
and JSON API. Rooms are documents of one tender; one bench user opens every connection.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.api import ApiClient
from bench.servers import ROOT, ServerProcess

EMAIL = "bench@example.fr"
PASSWORD = "banc-d-essai-solide"


class OursServer(ServerProcess):
    """`python -m server serve --no-demo` on its own data directory."""

    kind = "ours"
    ready_path = "/login"

    def __init__(self, workdir: Path, *, grace_seconds: float | None = None) -> None:
        super().__init__(workdir)
        self.data_dir = workdir / "data"
        self.grace_seconds = grace_seconds
        self.api: ApiClient | None = None
        self.tender_id = 0

    @property
    def db_path(self) -> Path:
        return self.data_dir / "wikimarche.db"

    def command(self) -> tuple[list[str], dict[str, str], Path]:
        argv = [sys.executable, "-m", "server", "serve", "--no-demo"]
        argv += ["--data-dir", str(self.data_dir), "--port", str(self.port)]
        env = {"WIKIMARCHE_LOGIN_ATTEMPTS_PER_MINUTE": "100000"}
        if self.grace_seconds is not None:
            env["WIKIMARCHE_ROOM_GRACE_SECONDS"] = str(self.grace_seconds)
        return argv, env, ROOT

    def start(self) -> float:
        if self.starts == 0:
            self._add_user()
        return super().start()

    def _add_user(self) -> None:
        argv = [sys.executable, "-m", "server", "user", "add", "--data-dir", str(self.data_dir)]
        argv += ["--email", EMAIL, "--name", "Banc d'essai", "--password", PASSWORD]
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, timeout=60)

    def provision(self) -> None:
        self.api = ApiClient(self.port)
        self.api.sign_in(EMAIL, PASSWORD)
        self.tender_id = self.api.create_tender("Banc d'essai — marché de travaux")

    def rooms(self, count: int, prefix: str) -> list[str]:
        assert self.api is not None
        ids = self.api.create_documents(self.tender_id, count, prefix=prefix)
        return [str(i) for i in ids]

    def ws_headers(self) -> dict[str, str]:
        assert self.api is not None
        return self.api.ws_headers()

    def stop(self, timeout: float = 15.0) -> dict[str, Any]:
        if self.api is not None:
            self.api.close()
        return super().stop(timeout)

    # -- what the change log holds -------------------------------------------------------

    def storage(self, document_id: int) -> dict[str, Any]:
        """Rows and bytes of one document in the change log and checkpoints, and the sizes
        of the database files (read-only connection: the server may be running)."""
        uri = f"file:{self.db_path}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=30) as db:
            rows, data_bytes = db.execute(
                "SELECT count(*), coalesce(sum(length(data)), 0) FROM changes"
                " WHERE document_id = ?",
                (document_id,),
            ).fetchone()
            checkpoints, checkpoint_bytes, last_checkpoint = db.execute(
                "SELECT count(*), coalesce(sum(length(state)), 0),"
                " coalesce(max(length(state)), 0) FROM checkpoints WHERE document_id = ?",
                (document_id,),
            ).fetchone()
        return {
            "change_rows": rows,
            "change_bytes": data_bytes,
            "checkpoints": checkpoints,
            "checkpoint_bytes": checkpoint_bytes,
            "largest_checkpoint_bytes": last_checkpoint,
            **self.file_sizes(),
        }

    def file_sizes(self) -> dict[str, int]:
        sizes = {}
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{self.db_path}{suffix}")
            sizes[f"db_file{suffix.replace('-', '_')}_bytes"] = (
                path.stat().st_size if path.exists() else 0
            )
        return sizes
