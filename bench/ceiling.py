"""Delivery ceiling: 10 editors in one room, total edit rate ramped step by step (each step
in a new room of the same server) until p99 fan-out exceeds 100 ms or a delivery is lost.
Reports every step and a summary: the last rate under 100 ms and its deliveries/s.
"""

from __future__ import annotations

from bench.fanout import FanoutSpec, fanout_measured
from bench.harness import on_fresh_server
from bench.measure import LoadContext, Record
from bench.servers import ServerProcess

EDITORS = 10
TOTAL_RATES = (100, 200, 400, 800, 1600, 3200)
QUICK_RATES = (100, 400, 1600)
P99_LIMIT_MS = 100.0


def _step_spec(total_rate: int, quick: bool) -> FanoutSpec:
    per_editor = total_rate / EDITORS
    seconds = 0.5 if quick else 5.0
    return FanoutSpec(f"ceiling@{total_rate}", 1, EDITORS, 0, per_editor, int(per_editor * seconds))


def _passed(step: Record) -> bool:
    return (
        step.error is None
        and step.p99 is not None
        and step.p99 <= P99_LIMIT_MS
        and step.delivered == step.expected
        and bool(step.converged)
    )


async def run_ceiling(ctx: LoadContext, server_name: str) -> list[Record]:
    """All steps on one server start, then the summary record (`ceiling`)."""
    steps: list[Record] = []

    async def body(server: ServerProcess, summary: Record) -> None:
        best: Record | None = None
        for rate in QUICK_RATES if ctx.quick else TOTAL_RATES:
            spec = _step_spec(rate, ctx.quick)
            step = Record(load=spec.name, server=server_name, group="ceiling-step")
            try:
                await fanout_measured(ctx, server, spec, step)
            except Exception as exc:
                step.error = f"{type(exc).__name__}: {exc}"
            step.extra["total_rate"] = rate
            steps.append(step)
            if not _passed(step):
                break
            best = step
        summary.primary, summary.unit, summary.higher_is_better = "rate", "edits/s", True
        if best is None:
            summary.value = 0.0
            summary.extra["note"] = "no step stayed under 100 ms p99"
            return
        summary.value = float(best.extra["total_rate"])
        for key in ("p50", "p95", "p99", "max", "delivered", "expected", "converged"):
            setattr(summary, key, getattr(best, key))
        summary.cpu_s, summary.cpu_us_per_msg = best.cpu_s, best.cpu_us_per_msg
        summary.extra.update(
            {
                "deliveries_per_s": best.extra.get("deliveries_per_s"),
                "window": best.extra.get("window"),
                "first_failing_rate": (
                    steps[-1].extra["total_rate"] if steps[-1] is not best else None
                ),
            }
        )

    summary = await on_fresh_server(ctx, "ceiling", server_name, "ceiling", body)
    return [*steps, summary]
