"""Clause library benchmark: search with 10,000 clauses and 1,000 tenders; compliance panel.

    python -m bench.clauses_bench [--clauses 10000] [--tenders 1000]

A real SQLite database (migrated, catalogue seeded) receives synthetic validated clause
versions made from the catalogue's own entries (titles and texts recombined) and 1,000
tenders of five indexed documents each, with clause uses. Measured in process, through the
application's own services: `Library.search` for typical queries typed in the panel (first
letters, whole words, accents, filters), the search across tenders, and the compliance
report of a tender of five 50-page documents (cold: documents read from the change log and
indexed; warm: nothing changed; after an edit: one document re-read).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from pycrdt import Doc, XmlFragment

import versions
from clauses.catalogue_loader import catalogue_entries
from server.app import build_services
from server.compliance import report
from server.db import clause_library, document_index, tenders
from server.memory import search as search_tenders
from server.settings import Settings
from server.sync.persistence import NewChange
from versions import build

QUERIES = ["ins", "insertion", "réservé", "reserve", "clause sociale", "carbone", "emploi"]
FILTERED = [("insertion", {"family": "social"}), ("", {"piece": "CCTP"}), ("prix", {})]


def synthetic_entries(count: int, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    base = catalogue_entries()
    out = []
    for n in range(count):
        family, entry = base[n % len(base)]
        other = base[rng.randrange(len(base))][1]
        text = entry["text"] if isinstance(entry["text"], str) else "\n\n".join(entry["text"])
        more = other["text"] if isinstance(other["text"], str) else "\n\n".join(other["text"])
        out.append(
            (
                family.value,
                {
                    **entry,
                    "id": f"{entry['id']}-s{n}",
                    "version": 1,
                    "status": "validated",
                    "title": f"{entry['title']} ({other['title'][:30]})",
                    "text": text + "\n\n" + more,
                },
            )
        )
    return out


def timed(samples: list[float]):
    class Timer:
        def __enter__(self) -> None:
            self.start = time.perf_counter()

        def __exit__(self, *exc: object) -> None:
            samples.append((time.perf_counter() - self.start) * 1000)

    return Timer()


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
        "max_ms": round(ordered[-1], 2),
    }


def document_update(pages: int, rng: random.Random, clause_ids: list[str]) -> bytes:
    words = "le titulaire livre rapport marché délai exécution pénalités critère prix".split()
    blocks = []
    for n in range(pages * 25):
        if n % 100 == 0:
            blocks.append(build.heading(2, f"Article {n // 100 + 1}"))
        blocks.append(build.paragraph(" ".join(rng.choice(words) for _ in range(18))))
    for clause_id in clause_ids:
        blocks.append(build.clause(clause_id, build.paragraph("Texte de la clause."), version=1))
    doc: Doc = Doc()
    with doc.transaction():
        versions.write_blocks(doc.get("content", type=XmlFragment), blocks)
    return doc.get_update()


async def run(clause_count: int, tender_count: int) -> dict[str, Any]:
    rng = random.Random(11)
    data_dir = Path(tempfile.mkdtemp(prefix="wm-clauses-bench-"))
    services = build_services(Settings(data_dir=data_dir).resolved())
    db = services.db
    await db.migrate()
    await services.library.seed()
    start = time.perf_counter()
    await clause_library.seed(db, synthetic_entries(clause_count, rng))
    seeded_s = time.perf_counter() - start
    from server.db import accounts

    user = await accounts.create_user(db, email="b@x.fr", name="B", password_hash="x")
    library = await services.library.current()
    ids = library.ids()
    start = time.perf_counter()
    for n in range(tender_count):
        tender = await tenders.create_tender(
            db, creator_id=user.id, fields={"title": f"Marché {n}", "reference": f"R{n}"}
        )
        for kind in ("RC", "CCAP", "CCTP", "AE", "BPU"):
            document = await tenders.create_document(
                db, tender_id=tender.id, creator_id=user.id, title=kind, kind=kind
            )
            words = " ".join(rng.choice(QUERIES) for _ in range(40))
            uses = [
                {"clause_id": rng.choice(ids), "clause_version": 1, "params": "{}", "edited": False}
                for _ in range(3)
            ]
            await document_index.store(
                db,
                document_id=document.id,
                tender_id=tender.id,
                plain=f"Document {kind} du marché {n}. {words}",
                upto_change_id=0,
                uses=uses,
            )
    tenders_s = time.perf_counter() - start

    searches: list[float] = []
    for _ in range(5):
        for query in QUERIES:
            with timed(searches):
                await services.library.search(query, {})
        for query, filters in FILTERED:
            with timed(searches):
                await services.library.search(query, filters)
    across: list[float] = []
    for query in QUERIES * 3:
        with timed(across):
            await search_tenders(services, user.id, query)

    # Compliance of a tender of five 50-page documents, each with clause blocks.
    tender = await tenders.create_tender(
        db, creator_id=user.id, fields={"title": "Gros marché", "estimated_value": 900000.0}
    )
    changes = []
    for kind in ("RC", "CCAP", "CCTP", "AE", "BPU"):
        document = await tenders.create_document(
            db, tender_id=tender.id, creator_id=user.id, title=kind, kind=kind
        )
        update = document_update(50, rng, rng.sample(ids, 4))
        changes.append(NewChange(document.id, user.id, 0, update))
    await services.change_log.append(changes)
    target = tender
    cold: list[float] = []
    with timed(cold):
        await report(services, target)
    warm: list[float] = []
    for _ in range(10):
        with timed(warm):
            await report(services, target)
    edited: list[float] = []
    for document in (await tenders.list_documents(db, tender.id))[:3]:
        services.indexer.changed(document.id)
        with timed(edited):
            await report(services, target)
    await db.close()
    return {
        "clauses": clause_count + len(catalogue_entries()),
        "tenders": tender_count,
        "documents_indexed": tender_count * 5,
        "seed_clauses_s": round(seeded_s, 1),
        "build_tenders_s": round(tenders_s, 1),
        "clause_search": summary(searches),
        "search_across_tenders": summary(across),
        "compliance_cold_ms": round(cold[0], 1),
        "compliance_warm": summary(warm),
        "compliance_after_edit": summary(edited),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=10_000)
    parser.add_argument("--tenders", type=int, default=1_000)
    args = parser.parse_args()
    result = asyncio.run(run(args.clauses, args.tenders))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    out = Path(__file__).with_name("results") / "clauses.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
