"""What one measurement produces (`Record`) and how server CPU is bracketed (`CpuWindow`).

A record is one load on one server. Fan-out loads fill the latency columns; every load
names its `primary` figure (the one compared across servers in the ratio columns).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import procfs
from bench.servers import ServerProcess

NOISY_OTHER_CORES = 0.25  # CPU used by neither the server nor the generator, in cores


@dataclass
class Record:
    load: str
    server: str
    group: str
    primary: str = ""  # name of the headline figure of this load
    value: float | None = None  # its value
    unit: str = ""
    higher_is_better: bool = False
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None
    delivered: int | None = None
    expected: int | None = None
    converged: bool | None = None
    cpu_s: float | None = None
    cpu_us_per_msg: float | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fill_latency(self, result: dict[str, Any]) -> None:
        """Copy the per-marker percentiles and delivery counts of a fan-out result."""
        for key in ("p50", "p95", "p99", "max"):
            value = result.get(key)
            setattr(self, key, float(value) if value is not None else None)
        self.delivered = result.get("delivered")
        self.expected = result.get("expected")
        self.converged = result.get("converged")

    @property
    def noisy(self) -> bool:
        """Other processes used a noticeable share of the CPU during the measurement."""
        other = (self.extra.get("window") or {}).get("other_cores")
        return other is not None and other > NOISY_OTHER_CORES

    def fill_cpu(self, window: CpuWindow, messages: int | None) -> None:
        self.cpu_s = round(window.cpu_s, 3)
        if messages:
            self.cpu_us_per_msg = round(window.cpu_s * 1e6 / messages, 1)
        self.extra["window"] = window.as_dict()


class CpuWindow:
    """Server CPU seconds, machine busy seconds and wall time between begin() and end().

    With the generator's pid, the CPU used by neither the server nor the generator (other
    processes on the machine) is reported too: a noisy-neighbour check, since both share
    the machine's cores with anything else running.
    """

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.cpu_s = 0.0
        self.busy_s = 0.0
        self.wall_s = 0.0
        self.generator_s: float | None = None
        self._generator: int | None = None
        self._start: tuple[float, float, float, float] | None = None

    def begin(self, generator_pid: int | None = None) -> None:
        self._generator = generator_pid
        generator = procfs.cpu_seconds(generator_pid) if generator_pid else 0.0
        self._start = (
            self.server.cpu_seconds(),
            procfs.machine_busy_seconds(),
            time.monotonic(),
            generator,
        )

    def end(self) -> None:
        if self._start is None:
            return
        cpu0, busy0, t0, gen0 = self._start
        self.cpu_s = self.server.cpu_seconds() - cpu0
        self.busy_s = procfs.machine_busy_seconds() - busy0
        self.wall_s = time.monotonic() - t0
        if self._generator:
            try:
                self.generator_s = procfs.cpu_seconds(self._generator) - gen0
            except OSError:
                self.generator_s = None

    def as_dict(self) -> dict[str, float | None]:
        wall = self.wall_s or 1e-9
        out: dict[str, float | None] = {
            "server_cpu_s": round(self.cpu_s, 3),
            "wall_s": round(self.wall_s, 3),
            "server_cores": round(self.cpu_s / wall, 2),
            "machine_busy_cores": round(self.busy_s / wall, 2),
        }
        if self.generator_s is not None:
            out["generator_cores"] = round(self.generator_s / wall, 2)
            others = self.busy_s - self.cpu_s - self.generator_s
            out["other_cores"] = round(max(0.0, others) / wall, 2)
        return out


@dataclass(frozen=True)
class LoadContext:
    """Where a load keeps its files and how long it may run."""

    workdir: Path
    quick: bool
    source: Path | None = None  # frozen copy of our server's code (bench.snapshot)
    round: int = 1  # of a load run several times (bench.rounds)

    @property
    def quiet_wait(self) -> float:
        """How long to wait for other processes to calm down before measuring."""
        return 0.0 if self.quick else 30.0

    @property
    def node_log(self) -> Path:
        return self.workdir / "node.log"

    def server_dir(self, load: str, server: str) -> Path:
        path = self.workdir / load / server
        if self.round > 1:
            path = path / f"round{self.round}"
        path.mkdir(parents=True, exist_ok=True)
        return path
