"""Server processes under test: start, stop, kill, restart, CPU and RSS, log findings.

`ServerProcess` is the common part; `BareServer` (anchor b, stock pycrdt-websocket) and
`NodeServer` (anchor c, `@y/websocket-server`) are here, our server is in `bench.ours`.
Every server listens on 127.0.0.1 only, logs to a file in its work directory and serves
rooms at `ws://127.0.0.1:<port>/ws/documents/<room>`.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bench import procfs
from bench.api import wait_http_ok

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "tests" / "node"
NODE_SERVER = NODE_DIR / "node_modules" / "@y" / "websocket-server" / "src" / "server.js"
# Log records at level ERROR/CRITICAL (Python logging), uncaught errors at the start of a
# line (Node prints "Error: ..." / "TypeError: ..."); traceback lines are not counted.
ERROR_RE = re.compile(r"(\b(ERROR|CRITICAL)\b|^\w*Error:)")
WARNING_RE = re.compile(r"\bWARNING\b")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LogFindings:
    """What a server wrote to its log: counts of error and warning lines, first samples."""

    errors: int = 0
    warnings: int = 0
    samples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"errors": self.errors, "warnings": self.warnings, "samples": self.samples}


class ServerProcess:
    """One server under test, run as a child process."""

    kind = "abstract"
    ready_path = "/"
    start_timeout = 60.0

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0
        self.last_stop: dict[str, Any] = {}

    # -- to be provided by each kind ---------------------------------------------------

    def command(self) -> tuple[list[str], dict[str, str], Path]:
        """argv, extra environment and working directory of the server process."""
        raise NotImplementedError

    def provision(self) -> None:
        """Work done once after the first start (accounts, tenders)."""

    def rooms(self, count: int, prefix: str) -> list[str]:
        """Names of `count` fresh rooms."""
        return [f"{prefix}-{i}" for i in range(count)]

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/documents"

    def ws_headers(self) -> dict[str, str]:
        return {}

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.kind} is not running")
        return self.process.pid

    def start(self) -> float:
        """Start (or restart on the same port and data); returns seconds until ready."""
        if self.process is not None:
            raise RuntimeError(f"{self.kind} already running")
        argv, env, cwd = self.command()
        self._log = self.log_path.open("ab")
        self._log.write(f"--- start {self.starts + 1} at {time.time():.3f}\n".encode())
        self._log.flush()
        started = time.monotonic()
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        process = self.process
        wait_http_ok(self.port, self.ready_path, self.start_timeout, lambda: process.poll() is None)
        self.starts += 1
        if self.starts == 1:
            self.provision()
        return time.monotonic() - started

    def stop(self, timeout: float = 3.0) -> dict[str, Any]:
        """SIGTERM, then SIGKILL after `timeout`; records how long the stop took."""
        if self.process is None:
            return self.last_stop
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        forced = False
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            forced = True
            self.process.kill()
            self.process.wait(10)
        self.last_stop = {
            "stop_seconds": round(time.monotonic() - started, 3),
            "needed_sigkill": forced,
            "exit_code": self.process.returncode,
        }
        self._forget()
        return self.last_stop

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self._forget()

    def _forget(self) -> None:
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    # -- measurements --------------------------------------------------------------------

    def cpu_seconds(self) -> float:
        return procfs.cpu_seconds(self.pid)

    def rss_bytes(self) -> int:
        return procfs.rss_bytes(self.pid)

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_findings(self, since: int = 0) -> LogFindings:
        """Error and warning lines written to the log after byte offset `since`."""
        found = LogFindings()
        if not self.log_path.exists():
            return found
        with self.log_path.open("rb") as log:
            log.seek(since)
            text = log.read().decode("utf-8", "replace")
        for line in text.splitlines():
            if ERROR_RE.search(line):
                found.errors += 1
                if len(found.samples) < 5:
                    found.samples.append(line[:300])
            elif WARNING_RE.search(line):
                found.warnings += 1
                if len(found.samples) < 5:
                    found.samples.append(line[:300])
        return found


class BareServer(ServerProcess):
    """Anchor (b): `bench.bare_pycrdt` under uvicorn, deflate on (uvicorn default) or off."""

    def __init__(self, workdir: Path, *, deflate: bool) -> None:
        super().__init__(workdir)
        self.deflate = deflate
        self.kind = "bare" if deflate else "bare-nodeflate"

    def command(self) -> tuple[list[str], dict[str, str], Path]:
        argv = [sys.executable, "-m", "bench.bare_pycrdt", "--port", str(self.port)]
        if not self.deflate:
            argv.append("--no-deflate")
        return argv, {}, ROOT


class NodeServer(ServerProcess):
    """Anchor (c): the reference `@y/websocket-server` (in memory, no auth)."""

    kind = "node"

    def command(self) -> tuple[list[str], dict[str, str], Path]:
        env = {"HOST": "127.0.0.1", "PORT": str(self.port)}
        return ["node", str(NODE_SERVER)], env, NODE_DIR
