"""`python -m bench`: run the loads on every server kind, print the tables, save JSON.

    python -m bench [--quick] [--only LOADS] [--servers ours,bare,bare-nodeflate,node]
                    [--rounds 3]
    python -m bench --report bench/results/<file>.json [--markdown]

`--only` takes load names or prefixes, comma-separated (`room10`, `join400,trace`).
Each load runs the servers one after another, each freshly started; the load generator is
a separate Node process. The loads of `bench.rounds.REPEATED` run `--rounds` times, servers
interleaved, and each server's median round stands for it. Results go to
bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from bench import report, targets
from bench.ceiling import run_ceiling
from bench.cluster import CLUSTER_SERVERS, run_cluster
from bench.fanout import fanout_specs, run_fanout
from bench.idle import run_idle
from bench.join import run_join
from bench.kinds import SERVER_NAMES
from bench.machine import machine_info
from bench.measure import LoadContext, Record
from bench.report import headline
from bench.rounds import ROUNDS, median_round, rounds_of
from bench.snapshot import snapshot
from bench.storm import run_storm
from bench.trace import run_trace

RESULTS_DIR = Path(__file__).resolve().parent / "results"
Runner = Callable[[LoadContext, str], Awaitable[list[Record]]]


def _one(fn: Callable[[LoadContext, str], Awaitable[Record]]) -> Runner:
    async def run(ctx: LoadContext, server: str) -> list[Record]:
        return [await fn(ctx, server)]

    return run


def load_table(quick: bool) -> list[tuple[str, Runner]]:
    """Every load in run order, by name."""
    specs = {s.name: s for s in fanout_specs(quick)}

    def fanout(name: str) -> Runner:
        async def run(ctx: LoadContext, server: str) -> list[Record]:
            return [await run_fanout(ctx, specs[name], server)]

        return run

    loads: list[tuple[str, Runner]] = [(name, fanout(name)) for name in specs]
    readers = [item for item in loads if item[0].startswith("readers")]
    loads = [item for item in loads if not item[0].startswith("readers")]
    loads += [("join400", _one(run_join)), ("trace", _one(run_trace))]
    loads += [("idle1000", _one(run_idle)), *readers, ("ceiling", run_ceiling)]
    loads += [("storm", _one(run_storm))]
    loads += [(name, _cluster(name)) for name in ("cluster-latency", "cluster-rooms")]
    return loads


def _cluster(load: str) -> Runner:
    """Our server only, on PostgreSQL: one process, then two sharing Redis."""

    async def run(ctx: LoadContext, server: str) -> list[Record]:
        if server != "ours":
            return []
        return [await run_cluster(ctx, load, name) for name in CLUSTER_SERVERS]

    return run


def _selected(loads: list[tuple[str, Runner]], only: str | None) -> list[tuple[str, Runner]]:
    if not only:
        return loads
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    chosen = [item for item in loads if any(item[0].startswith(w) for w in wanted)]
    if not chosen:
        names = ", ".join(name for name, _ in loads)
        raise SystemExit(f"no load matches {only!r}; loads: {names}")
    return chosen


def _progress(record: Record) -> None:
    status = "error" if record.error else "ok"
    p99 = f" p99={record.p99:.1f}ms" if record.p99 is not None else ""
    line = f"  {record.load:<14} {record.server:<15} {status}{p99} {headline(record)}"
    print(line, file=sys.stderr)


async def run_all(args: argparse.Namespace, workdir: Path) -> list[Record]:
    ctx = LoadContext(workdir=workdir, quick=args.quick, source=workdir / "src")
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    for name in servers:
        if name not in SERVER_NAMES:
            raise SystemExit(f"unknown server {name!r}; known: {', '.join(SERVER_NAMES)}")
    records: list[Record] = []
    for load, runner in _selected(load_table(args.quick), args.only):
        print(f"[bench] {load}", file=sys.stderr)
        rounds = 1 if args.quick else rounds_of(load, args.rounds)
        if rounds == 1:
            for server in servers:
                for record in await runner(ctx, server):
                    records.append(record)
                    _progress(record)
            continue
        by_server: dict[str, list[Record]] = {server: [] for server in servers}
        for number in range(1, rounds + 1):
            round_ctx = dataclasses.replace(ctx, round=number)
            for server in servers:
                for record in await runner(round_ctx, server):
                    by_server[server].append(record)
                    _progress(record)
        for server in servers:
            if by_server[server]:
                records.append(median_round(by_server[server]))
    return records


def _reprint(path: Path, markdown: bool) -> int:
    """Print the tables of an earlier run (targets re-evaluated from its records)."""
    payload = json.loads(path.read_text())
    records = [Record(**r) for r in payload["records"]]
    print(report.table(records, markdown))
    print()
    print(report.targets_table(targets.evaluate(records), markdown))
    print(f"\n{path}: {payload['date']}, commit {payload['machine'].get('benchmarked_commit')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short durations (smoke run)")
    parser.add_argument("--only", help="comma-separated load names or prefixes")
    parser.add_argument("--servers", default=",".join(SERVER_NAMES))
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="rounds of the noisiest loads (median kept)"
    )
    parser.add_argument("--out", type=Path, help="JSON file (default bench/results/<ts>.json)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--report", type=Path, help="print the tables of a results file only")
    parser.add_argument("--markdown", action="store_true", help="with --report: Markdown tables")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.report:
        return _reprint(args.report, args.markdown)
    started = time.monotonic()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    workdir = Path(tempfile.mkdtemp(prefix=f"wikimarche-bench-{stamp}-"))
    machine = machine_info()
    machine["benchmarked_commit"] = snapshot(workdir / "src")
    try:
        records = asyncio.run(run_all(args, workdir))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    checks = targets.evaluate(records)
    out = args.out or RESULTS_DIR / f"{stamp}.json"
    report.write_json(
        out,
        {
            "date": datetime.now().isoformat(timespec="seconds"),
            "argv": sys.argv[1:] if argv is None else argv,
            "quick": args.quick,
            "duration_s": round(time.monotonic() - started, 1),
            "machine": machine,
            "workdir": str(workdir) if args.keep else None,
            "records": [r.as_dict() for r in records],
            "targets": checks,
        },
    )
    print(report.table(records))
    print()
    print(report.targets_table(checks))
    print(f"\nresults: {out} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
