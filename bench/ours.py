"""Our server as the benchmark runs it: the real configuration (accounts, sessions, role
checks on every connection, durable SQLite change log), provisioned through its own CLI
and JSON API. Rooms are documents of one tender; one bench user opens every connection.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
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

    def __init__(
        self,
        workdir: Path,
        *,
        template: Path | None = None,
        source: Path | None = None,
        grace_seconds: float | None = None,
    ) -> None:
        super().__init__(workdir)
        self.source = source or ROOT  # where `python -m server` runs from
        self.data_dir = workdir / "data"
        self.template = template  # a data directory holding only the bench account
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
        return argv, env, self.source

    def start(self) -> float:
        if self.starts == 0:
            self._fresh_data()
        return super().start()

    def _fresh_data(self) -> None:
        """A new data directory with the bench account: created with the CLI once, then
        copied (hashing the password and migrating take a second or so each time)."""
        if self.template is not None and (self.template / "wikimarche.db").exists():
            shutil.copytree(self.template, self.data_dir)
            return
        argv = [sys.executable, "-m", "server", "user", "add", "--data-dir", str(self.data_dir)]
        argv += ["--email", EMAIL, "--name", "Banc d'essai", "--password", PASSWORD]
        subprocess.run(argv, cwd=self.source, check=True, capture_output=True, timeout=60)
        if self.template is not None:
            shutil.copytree(self.data_dir, self.template)

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

    def stop(self, timeout: float = 15.0) -> dict[str, Any]:  # a checkpoint per room
        if self.api is not None:
            self.api.close()
        return super().stop(timeout)

    # -- what the change log holds -------------------------------------------------------

    def storage(self, document_id: int) -> dict[str, Any]:
        """Rows and bytes of one document in the change log and checkpoints, and the sizes
        of the database files (read-only connection: the server may be running)."""
        uri = f"file:{self.db_path}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
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
            pages = dict(
                db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
            )
        return {
            "change_rows": rows,
            "change_bytes": data_bytes,
            "checkpoints": checkpoints,
            "checkpoint_bytes": checkpoint_bytes,
            "largest_checkpoint_bytes": last_checkpoint,
            # Pages of the whole change log table and its index (all documents).
            "changes_table_disk_bytes": (
                pages.get("changes", 0) + pages.get("ix_changes_document", 0)
            ),
            "checkpoints_table_disk_bytes": pages.get("checkpoints", 0),
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
