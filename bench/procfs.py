"""Process figures read from /proc: CPU time, resident memory, load average.

CPU time is utime + stime of the process (all its threads), in seconds; the kernel counts
it in clock ticks (usually 10 ms), which is fine over loads lasting seconds.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process `pid` (all threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    """Resident set size of process `pid`, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages of the machine."""
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, everything but idle and
    iowait): compared with the server's and the wall clock, it shows whether the cores
    were saturated or shared with other work during a load."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def wait_quiet(
    max_wait: float, threshold_cores: float = 0.3, sample: float = 1.0
) -> dict[str, float]:
    """Wait (at most `max_wait` seconds) until the machine's busy CPU over `sample`
    seconds is below `threshold_cores`; returns what was seen, for the record."""
    started = time.monotonic()
    busy = 0.0
    if max_wait <= 0:
        sample = min(sample, 0.2)
    while True:
        b0, t0 = machine_busy_seconds(), time.monotonic()
        time.sleep(sample)
        busy = (machine_busy_seconds() - b0) / (time.monotonic() - t0)
        waited = time.monotonic() - started
        if busy < threshold_cores or waited >= max_wait:
            return {"busy_cores_before": round(busy, 2), "waited_s": round(waited, 1)}
