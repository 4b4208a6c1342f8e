"""Text tables of the results (what `python -m bench` prints) and the JSON results file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench.kinds import ANCHORS
from bench.measure import Record

COLUMNS = (
    "load", "server", "p50", "p95", "p99", "max", "deliv/exp", "conv", "cpu s", "µs/msg",
    "headline", "×bare", "×bare-nd", "×node",
)  # fmt: skip
RATIO_COLUMNS = dict(zip(ANCHORS, ("×bare", "×bare-nd", "×node"), strict=True))


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _ratio(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"


def headline(record: Record) -> str:
    if record.error:
        return "ERROR " + record.error[:60]
    if record.group == "trace":
        sent = _num(record.extra.get("edits_per_s"), 0)
        through = _num(record.extra.get("end_to_end_edits_per_s"), 0)
        lag = _num(record.value, 0) if record.value is not None else "not reached"
        text = f"sent {sent}/s, through {through}/s, lag {lag} ms"
        return text + (" (incomplete)" if record.extra.get("note") else "")
    if record.group == "ceiling":
        return f"{_num(record.value, 0)} ed/s, {_num(record.extra.get('deliveries_per_s'), 0)} dl/s"
    if record.group == "storm":
        errors = record.extra.get("errors")
        return f"back {_num(record.value, 0)} ms after ready, {errors} err"
    rounds = record.extra.get("rounds")
    if record.primary == "p99" and rounds:
        p99s = "/".join(_num(r["p99"]) if r["p99"] is not None else "–" for r in rounds)
        return f"round {record.extra.get('round')} of p99 {p99s}"
    if record.primary in ("p99", ""):
        return ""
    return f"{record.primary} {_num(record.value)} {record.unit}"


def ratios(records: Sequence[Record]) -> dict[tuple[str, str], float | None]:
    """(load, anchor) → ours.value / anchor.value, for every load both ran."""
    by_key = {(r.load, r.server): r for r in records}
    out: dict[tuple[str, str], float | None] = {}
    for (load, server), ours in by_key.items():
        if server != "ours":
            continue
        for anchor in ANCHORS:
            other = by_key.get((load, anchor))
            if other is None:
                continue
            ok = ours.value is not None and other.value not in (None, 0) and not other.error
            out[(load, anchor)] = round(ours.value / other.value, 4) if ok else None  # type: ignore[operator]
    return out


def _row(record: Record, ratio: dict[tuple[str, str], float | None]) -> list[str]:
    deliv = (
        f"{record.delivered}/{record.expected}"
        if record.delivered is not None and record.expected is not None
        else "–"
    )
    conv = "–" if record.converged is None else ("yes" if record.converged else "NO")
    server = record.server + ("*" if record.noisy else "")
    row = [
        record.load, server, _num(record.p50), _num(record.p95), _num(record.p99),
        _num(record.max), deliv, conv, _num(record.cpu_s, 2), _num(record.cpu_us_per_msg, 0),
        headline(record),
    ]  # fmt: skip
    for anchor in ANCHORS:
        value = ratio.get((record.load, anchor)) if record.server == "ours" else None
        row.append(_ratio(value))
    return row


def table(records: Sequence[Record], markdown: bool = False) -> str:
    ratio = ratios(records)
    rows = [list(COLUMNS)] + [_row(r, ratio) for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row)]
        if markdown:
            lines.append("| " + " | ".join(cells) + " |")
            if n == 0:
                lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
            continue
        lines.append(" | ".join(cells).rstrip())
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def targets_table(targets: Iterable[dict[str, Any]], markdown: bool = False) -> str:
    edge = "| " if markdown else ""
    end = " |" if markdown else ""
    lines = [f"{edge}target | measured | met{end}", f"{edge}--- | --- | ---{end}"]
    for t in targets:
        met = {True: "met", False: "NOT MET", None: "n/a"}[t["met"]]
        lines.append(f"{edge}{t['target']} | {t['measured']} | {met}{end}")
    return "\n".join(lines)


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False, default=str))
