"""The targets of the performance issue, checked against a run's records.

Each check gives the target's wording, what was measured and met (True/False), or None
when the run did not include what the target needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.measure import Record

Target = dict[str, Any]


def _find(records: Sequence[Record], load: str, server: str) -> Record | None:
    for r in records:
        if r.load == load and r.server == server and not r.error:
            return r
    return None


def _target(target: str, measured: str, met: bool | None) -> Target:
    return {"target": target, "measured": measured, "met": met}


def _limit(target: str, value: float | None, limit: float, unit: str, below: bool = True) -> Target:
    if value is None:
        return _target(target, "not measured", None)
    met = value <= limit if below else value >= limit
    return _target(target, f"{value:,.1f} {unit}", met)


def _vs_anchor(records: Sequence[Record], anchor: str, factor: float) -> list[Target]:
    out = []
    compared = ("fanout", "join", "trace")
    for ours in (r for r in records if r.server == "ours" and r.group in compared):
        other = _find(records, ours.load, anchor)
        if other is None or ours.value is None or other.value is None:
            continue
        wording = f"{ours.load}: ours {ours.primary} ≤ {factor:g}× {anchor}"
        measured = f"{ours.value:,.1f} vs {other.value:,.1f} ms"
        if other.converged is False or (other.delivered or 0) < (other.expected or 0):
            measured += f" ({anchor} incomplete: lost deliveries or did not converge)"
        out.append(_target(wording, measured, ours.value <= factor * other.value))
    return out


def evaluate(records: Sequence[Record]) -> list[Target]:
    ours = [r for r in records if r.server == "ours" and r.group != "ceiling-step"]
    out: list[Target] = []
    lossless = [r for r in ours if r.error is None and r.converged is not None]
    bad = [r.load for r in ours if r.error or r.converged is False]
    bad += [r.load for r in lossless if r.delivered is not None and r.delivered != r.expected]
    bad += [
        f"{r.load} (server log errors)"
        for r in ours
        if (r.extra.get("server_log") or {}).get("errors")
    ]
    out.append(
        _target(
            "every load: ours never loses an update nor fails to converge",
            f"{len(lossless)} loads checked; failing: {', '.join(sorted(set(bad))) or 'none'}",
            not bad if ours else None,
        )
    )
    out += _vs_anchor(records, "bare", 1.0)
    fast = ("room10-human", "room10-burst", "room20-human", "room20-burst", "rooms100", "join400")
    out += [t for t in _vs_anchor(records, "node", 1.5) if t["target"].split(":")[0] in fast]

    trace = _find(records, "trace", "ours")
    extra = (trace.extra.get("ours") or {}) if trace else {}
    coldload = extra.get("coldload") or {}
    out.append(
        _limit(
            "cold open of automerge-paper < 50 ms server-side",
            coldload.get("first_server_side_ms"),
            50,
            f"ms (client-side {extra.get('cold_open_client_ms', '–')} ms)",
        )
    )
    idle = _find(records, "idle1000", "ours")
    out.append(_limit("idle small room < 200 KB", idle.value if idle else None, 200, "KB"))
    out.append(
        _limit(
            "automerge-paper room ≤ 3 MB",
            coldload.get("room_mb"),
            3,
            f"MB (server RSS with it open, minus before: {extra.get('room_rss_mb', '–')} MB)",
        )
    )

    ceiling = _find(records, "ceiling", "ours")
    out.append(
        _limit(
            "≤ 25 µs server CPU per delivered message (at the delivery ceiling)",
            ceiling.cpu_us_per_msg if ceiling else None,
            25,
            "µs",
        )
    )
    for load, limit in (("readers50", 15.0), ("readers200", 30.0)):
        r = _find(records, load, "ours")
        out.append(_limit(f"{load}: p99 ≤ {limit:g} ms", r.p99 if r else None, limit, "ms"))
    out.append(
        _limit(
            "persistence ≥ 5,000 updates/s committed (trace replay)",
            extra.get("committed_updates_per_s"),
            5000,
            "updates/s",
            below=False,
        )
    )
    stored = extra.get("storage_stopped") or {}
    # Results before 2026-11-30 stored one row per keystroke and did not record the count.
    keystrokes = extra.get("keystrokes") or stored.get("change_rows") or 0
    whole = f", whole DB file {stored['db_file_bytes'] / keystrokes:,.0f} B" if keystrokes else ""
    out.append(
        _limit(
            "≤ 60 bytes per keystroke on disk (change log table + index)",
            extra.get("bytes_per_keystroke"),
            60,
            f"B{whole}",
        )
    )
    storm = _find(records, "storm", "ours")
    if storm is None:
        out.append(_target("reconnect storm: all resynced ≤ 5 s, no errors", "not measured", None))
    else:
        errors = int(storm.extra.get("errors") or 0)
        value = storm.value
        met = value is not None and value <= 5000 and errors == 0 and bool(storm.converged)
        measured = f"{value:,.0f} ms after ready, {errors} errors" if value else "not resynced"
        out.append(_target("reconnect storm: all 1,000 resynced ≤ 5 s, no errors", measured, met))
    out.append(
        _limit(
            "trace replay: reader holds the final text ≤ 1 s after the last edit",
            trace.value if trace else None,
            1000,
            "ms",
        )
    )
    return out
