"""Versions benchmark: diff, restore and history of a 100-page document.

    python -m bench.versions_bench [--pages 100]

A document of about 2,500 paragraphs (250,000 characters, French-like words) and a second
version with 5 % of its paragraphs changed (words edited, paragraphs inserted, deleted and
moved). Measured: the diff (reading both versions as blocks, aligning, word diff, inline
HTML) in process; restore end to end through a real server (HTTP request to answer, which
includes the version taken before, the forward edit, its commit and the version after);
opening the history of a document with 1,000 versions (page and JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pycrdt import Doc, XmlFragment

import versions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

WORDS = (
    "le titulaire livre rapport prestations marché pouvoir adjudicateur délai exécution "
    "pénalités clause environnementale insertion sociale critère prix valeur technique "
    "cahier charges pièces contractuelles montant estimé résiliation avenant sous-traitance"
).split()


def paragraph_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 22))).capitalize() + "."


def make_versions(pages: int, seed: int = 7) -> tuple[list[versions.Block], list[versions.Block]]:
    rng = random.Random(seed)
    texts = [paragraph_text(rng) for _ in range(pages * 25)]
    old = [versions.paragraph(t) for t in texts]
    new_texts = list(texts)
    changed = rng.sample(range(len(texts)), len(texts) // 20)
    for n, index in enumerate(changed):
        kind = n % 4
        if kind == 0:
            words = new_texts[index].split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            new_texts[index] = " ".join(words)
        elif kind == 1:
            new_texts[index] = new_texts[index] + " " + paragraph_text(rng)
        elif kind == 2:
            new_texts[index] = ""
        else:
            new_texts[index] = new_texts[index].upper()
    moved = [new_texts.pop(i) for i in sorted(rng.sample(range(100, 400), 10), reverse=True)]
    new_texts[len(new_texts) // 2 : len(new_texts) // 2] = moved
    new = [versions.paragraph(t) for t in new_texts if t]
    return old, new


def doc_with(blocks: list[versions.Block]) -> Doc:
    doc: Doc = Doc()
    fragment = doc.get("content", type=XmlFragment)
    versions.write_blocks(fragment, blocks)
    return doc


def bench_diff(old_doc: Doc, new_doc: Doc, repeat: int = 5) -> dict[str, float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        old = versions.read_blocks(old_doc.get("content", type=XmlFragment))
        new = versions.read_blocks(new_doc.get("content", type=XmlFragment))
        result = versions.diff_blocks(old, new)
        versions.render_diff_inline(result)
        timings.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(timings), "best_ms": min(timings)}


def bench_server(old_doc: Doc, new_doc: Doc, history: int) -> dict[str, float]:
    from support.api import ApiUser
    from support.live import LiveServer, run_async
    from support.rawws import PyClient

    from server.db import versions as stored

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data")
        server.data_dir.mkdir()
        server.start()
        try:
            server.add_user("bench@ville.fr", "Bench")
            user = ApiUser(server.url, "bench@ville.fr")
            doc_id = user.create_document(user.create_tender()["id"])

            async def send(update: bytes) -> None:
                from server.sync.protocol import SyncStep, encode_sync

                client = await PyClient.connect(f"{server.ws_url}/{doc_id}", user.ws_headers)
                await asyncio.wait_for(client.synced.wait(), 30)
                await client.ws.send(encode_sync(SyncStep.UPDATE, update))
                await asyncio.sleep(0.5)
                await client.close()

            run_async(send(old_doc.get_update()))
            user.post(f"/api/documents/{doc_id}/versions", json={"label": "V1"})
            # The new version as edits on top of the old one (not a replacement).
            live: Doc = Doc()
            live.apply_update(old_doc.get_update())
            before = live.get_state()
            versions.restore_blocks(
                live.get("content", type=XmlFragment),
                versions.read_blocks(new_doc.get("content", type=XmlFragment)),
            )
            run_async(send(live.get_update(before)))
            start = time.perf_counter()
            response = user.post(f"/api/documents/{doc_id}/restore", json={"version": 1})
            restore_ms = (time.perf_counter() - start) * 1000
            assert response.status_code == 201, response.text

            async def add_versions(db: object) -> None:
                for i in range(history):
                    await stored.add_version(
                        db,  # type: ignore[arg-type]
                        document_id=doc_id,
                        kind="auto",
                        label=f"v{i}",
                        created_by=None,
                        author_ids=[user.user_id],
                        upto_change_id=i,
                        state=b"\x00\x00",
                        text="",
                        words_added=1,
                        words_removed=0,
                    )

            server.db_call(add_versions)
            page, api = [], []
            for _ in range(5):
                start = time.perf_counter()
                assert user.get(f"/documents/{doc_id}/history").status_code == 200
                page.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                assert len(user.get(f"/api/documents/{doc_id}/versions").json()) > history
                api.append((time.perf_counter() - start) * 1000)
            return {
                "restore_end_to_end_ms": restore_ms,
                "history_page_ms": statistics.median(page),
                "history_api_ms": statistics.median(api),
            }
        finally:
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.versions_bench")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--history", type=int, default=1000)
    args = parser.parse_args()
    old, new = make_versions(args.pages)
    old_doc, new_doc = doc_with(old), doc_with(new)
    chars = sum(len(b.text) for b in old)
    figures: dict[str, object] = {"paragraphs": len(old), "characters": chars}
    figures["diff"] = bench_diff(old_doc, new_doc)
    figures.update(bench_server(old_doc, new_doc, args.history))
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
