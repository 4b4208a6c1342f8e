"""Rounds: the loads whose verdict one stall of the machine could decide run several times.

The p99 of a ten-second load at human pace is a few milliseconds, set by a handful of
deliveries: one late scheduling of the server, the generator or the machine moves it by a
factor of two. On the 2-vCPU machines measured here, eight identical `rooms100` runs of our
server gave a p99 of 6.0 to 12.0 ms, and Node's own moved between 5.6 and 10.3 ms from one
full run to the next. These loads therefore run `ROUNDS` times, every server once per
round, round after round (a slow spell of the machine touches all servers alike), and each
server's median round by p99 stands for it. A round that lost an update, did not converge
or failed stands instead: a failure is never outvoted. Every round's figures are kept in
the record (`extra["rounds"]`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.measure import Record

ROUNDS = 3
# Human-pace rooms, the small bursting rooms and the 100-room morning: their p99 is a few
# ms. `room10-burst` on identical code, three single runs in one hour: ours 6.2/6.0/5.2 ms,
# Node 3.9/5.4/4.1 ms (ratio 1.59/1.11/1.26). The 20-editor burst and the readers' rooms
# gather enough late deliveries (p99 of tens of ms) for one run to be stable.
REPEATED = (
    "room2-human",
    "room2-burst",
    "room10-human",
    "room10-burst",
    "room20-human",
    "rooms100",
)


def rounds_of(load: str, rounds: int) -> int:
    """How many rounds `load` runs when the command asks for `rounds`."""
    return rounds if load in REPEATED else 1


def failed(record: Record) -> bool:
    lost = record.delivered is not None and record.delivered != record.expected
    return bool(record.error) or record.converged is False or lost


def median_round(records: Sequence[Record]) -> Record:
    """The record standing for one server's rounds of a load (see the module's doc)."""
    if len(records) == 1:
        return records[0]
    failures = [r for r in records if failed(r) or r.value is None]
    if failures:
        chosen = failures[0]
    else:
        chosen = sorted(records, key=lambda r: r.value or 0.0)[len(records) // 2]
    chosen.extra["rounds"] = [
        {
            "p50": r.p50,
            "p95": r.p95,
            "p99": r.p99,
            "cpu_s": r.cpu_s,
            "delivered": r.delivered,
            "error": r.error,
        }
        for r in records
    ]
    chosen.extra["round"] = list(records).index(chosen) + 1
    return chosen
