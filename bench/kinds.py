"""The server kinds the harness knows, by the names used on the command line."""

from __future__ import annotations

from pathlib import Path

from bench.ours import OursServer
from bench.servers import BareServer, NodeServer, ServerProcess

SERVER_NAMES = ("ours", "bare", "bare-nodeflate", "node")
ANCHORS = ("bare", "bare-nodeflate", "node")


def make_server(
    name: str, workdir: Path, template: Path | None = None, source: Path | None = None
) -> ServerProcess:
    """A fresh, not yet started server of kind `name` working in `workdir` (`template`:
    where our server keeps a ready-made data directory between loads; `source`: the
    frozen copy of its code to run)."""
    if name == "ours":
        return OursServer(workdir, template=template, source=source)
    if name == "bare":
        return BareServer(workdir, deflate=True)
    if name == "bare-nodeflate":
        return BareServer(workdir, deflate=False)
    if name == "node":
        return NodeServer(workdir)
    raise ValueError(f"unknown server kind {name!r} (known: {', '.join(SERVER_NAMES)})")
