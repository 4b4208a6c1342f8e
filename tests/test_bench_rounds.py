"""The benchmark's verdict on a load run in several rounds (bench/rounds.py)."""

from __future__ import annotations

from bench.measure import Record
from bench.rounds import median_round


def _round(p99: float, *, delivered: int = 100, error: str | None = None) -> Record:
    return Record(
        load="rooms100",
        server="ours",
        group="fanout",
        primary="p99",
        value=None if error else p99,
        p99=None if error else p99,
        delivered=delivered,
        expected=100,
        converged=True,
        error=error,
    )


def test_the_median_round_stands_for_the_server_and_every_round_is_kept() -> None:
    chosen = median_round([_round(12.0), _round(6.0), _round(8.1)])
    assert chosen.p99 == 8.1
    assert chosen.extra["round"] == 3
    assert [r["p99"] for r in chosen.extra["rounds"]] == [12.0, 6.0, 8.1]


def test_a_round_that_lost_updates_or_failed_is_never_outvoted() -> None:
    lossy = median_round([_round(5.0), _round(4.0, delivered=99), _round(6.0)])
    assert lossy.delivered == 99
    failed = median_round([_round(5.0), _round(6.0), _round(0, error="TimeoutError")])
    assert failed.error == "TimeoutError"
