"""Machine and software facts recorded with every run."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.servers import NODE_DIR, ROOT

PYTHON_PACKAGES = (
    "pycrdt", "pycrdt-websocket", "uvicorn", "starlette", "websockets", "uvloop",
    "httptools", "SQLAlchemy", "aiosqlite",
)  # fmt: skip
NODE_PACKAGES = ("yjs", "y-websocket", "ws", "lib0", "@y/websocket-server")


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_total_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 2**20, 1)
    return 0.0


def _run(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10, cwd=ROOT).stdout
    except OSError:
        return ""


def _node_package(name: str) -> str:
    path = NODE_DIR / "node_modules" / name / "package.json"
    try:
        return str(json.loads(path.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "missing"


def machine_info() -> dict[str, Any]:
    python_packages = {}
    for name in PYTHON_PACKAGES:
        try:
            python_packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            python_packages[name] = "missing"
    return {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "mem_total_gb": _mem_total_gb(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "node": _run(["node", "--version"]).strip(),
        "python_packages": python_packages,
        "node_packages": {name: _node_package(name) for name in NODE_PACKAGES},
        "git_commit": _run(["git", "rev-parse", "HEAD"]).strip(),
        "git_dirty": bool(_run(["git", "status", "--porcelain", "--", "server"]).strip()),
    }
