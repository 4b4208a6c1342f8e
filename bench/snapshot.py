"""A frozen copy of our server's code for the duration of a run.

The working tree may change while a long run is in progress; every start of our server
would then run different code. The run therefore extracts the committed packages of
HEAD (`git archive`) into its work directory once and starts our server from there (the
current directory comes first on `sys.path`, before the editable install), so every load
measures the same, recorded commit.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from bench.servers import ROOT

PACKAGES = ("server", "roles", "versions", "clauses")


def snapshot(dest: Path) -> str:
    """Extract the packages of HEAD into `dest`; returns the commit id."""
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    present = subprocess.run(
        ["git", "ls-tree", "--name-only", commit], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *[p for p in PACKAGES if p in present]],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return commit
