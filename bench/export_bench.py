"""Export and import benchmark: a 100-page document through a real server.

    python -m bench.export_bench [--pages 100]

The document has 2,500 blocks (~250,000 characters): headings every 25 paragraphs, bold
and italic words, a numbered list and a 20-row table every 10 pages, a clause block every
5 pages. Measured end to end over HTTP (request to last byte): the export to ODT, DOCX,
PDF, HTML and Markdown; the DCE zip of five such documents (ODT, polled like the page
does); the import of the exported DOCX as a new document. During the DCE zip, two
websocket clients on another document measure the fan-out latency (one types, the time
until the other has the keystroke), compared with the same measure at rest.
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
from typing import Any

from pycrdt import Doc, XmlFragment

import versions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bench.versions_bench import paragraph_text  # noqa: E402


def make_document(pages: int, seed: int = 11) -> list[versions.Block]:
    rng = random.Random(seed)
    blocks: list[versions.Block] = []
    for page in range(pages):
        if page % 2 == 0:
            blocks.append(versions.heading(1 + page % 3, f"Article {page + 1} - Prestations"))
        for n in range(22):
            text = paragraph_text(rng)
            if n % 5 == 0:
                head, _, tail = text.partition(" ")
                blocks.append(versions.paragraph(versions.bold(head), " ", versions.italic(tail)))
            else:
                blocks.append(versions.paragraph(text))
        if page % 10 == 5:
            blocks.append(versions.ordered_list([paragraph_text(rng) for _ in range(5)]))
            rows = [["Lot", "Désignation", "Montant"]]
            rows += [[str(i), paragraph_text(rng)[:40], str(1000 * i)] for i in range(1, 20)]
            blocks.append(versions.table(rows, header=True))
        if page % 5 == 2:
            blocks.append(versions.clause(f"C-{page}", versions.paragraph(paragraph_text(rng))))
    return blocks


def update_of(blocks: list[versions.Block]) -> bytes:
    doc: Doc = Doc()
    versions.write_blocks(doc.get("content", type=XmlFragment), blocks)
    return doc.get_update()


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


_MARKERS = iter(range(10**9))


async def _fanout(ws_url: str, doc_id: int, headers: dict[str, str], rounds: int) -> list[float]:
    """Milliseconds from a keystroke sent by one client to its arrival at another."""
    from support.rawws import PyClient

    writer = await PyClient.connect(f"{ws_url}/{doc_id}", headers)
    reader = await PyClient.connect(f"{ws_url}/{doc_id}", headers)
    await asyncio.wait_for(asyncio.gather(writer.synced.wait(), reader.synced.wait()), 30)
    samples = []
    for _ in range(rounds):
        marker = f"k{next(_MARKERS)};"
        start = time.perf_counter()
        await writer.type(marker)
        while marker not in reader.paragraph_text():  # noqa: ASYNC110 - polling a pycrdt doc
            await asyncio.sleep(0.001)
        samples.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.05)
    await writer.close()
    await reader.close()
    return samples


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
    }


def run(pages: int) -> dict[str, Any]:
    from support.api import ApiUser
    from support.live import LiveServer, run_async
    from support.rawws import PyClient

    from server.sync.protocol import SyncStep, encode_sync

    blocks = make_document(pages)
    update = update_of(blocks)
    figures: dict[str, Any] = {
        "blocks": len(blocks),
        "characters": sum(len(b.text) for b in blocks),
    }
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data")
        server.data_dir.mkdir()
        server.start()
        try:
            server.add_user("bench@ville.fr", "Bench")
            user = ApiUser(server.url, "bench@ville.fr")
            user.client.timeout = 300
            tender_id = user.create_tender("Marché de référence", reference="BENCH")["id"]
            doc_ids = [user.create_document(tender_id, f"Pièce {i}") for i in range(5)]
            other = user.create_tender("Marché en cours de rédaction")["id"]
            typing_doc = user.create_document(other, "Saisie")

            async def send(doc_id: int) -> None:
                client = await PyClient.connect(f"{server.ws_url}/{doc_id}", user.ws_headers)
                await asyncio.wait_for(client.synced.wait(), 30)
                await client.ws.send(encode_sync(SyncStep.UPDATE, update))
                deadline = time.monotonic() + 60
                while user.document_text(doc_id) == "" and time.monotonic() < deadline:  # noqa: ASYNC110
                    await asyncio.sleep(0.2)
                await client.close()

            for doc_id in doc_ids:
                run_async(send(doc_id))
            path = f"/api/documents/{doc_ids[0]}/export"
            docx_bytes = b""
            for fmt in ("odt", "docx", "pdf", "html", "md"):
                seconds, response = timed(lambda f=fmt: user.get(path, params={"format": f}))
                assert response.status_code == 200, response.text
                figures[f"export_{fmt}_s"] = round(seconds, 2)
                figures[f"export_{fmt}_bytes"] = len(response.content)
                if fmt == "docx":
                    docx_bytes = response.content

            rest = run_async(_fanout(server.ws_url, typing_doc, user.ws_headers, 40))
            figures["fanout_at_rest"] = _summary(rest)

            async def during_zip() -> tuple[float, list[float], list[int]]:
                start = time.perf_counter()
                job = user.post(f"/api/tenders/{tender_id}/exports", json={"format": "odt"})
                job_id = job.json()["id"]
                progress: list[int] = []
                samples: list[float] = []
                while True:
                    state = user.get(f"/api/tenders/{tender_id}/exports/{job_id}").json()
                    if not progress or progress[-1] != state["done"]:
                        progress.append(state["done"])
                    if state["state"] != "running":
                        assert state["state"] == "done", state
                        break
                    samples += await _fanout(server.ws_url, typing_doc, user.ws_headers, 5)
                seconds = time.perf_counter() - start
                zipped = user.get(f"/api/tenders/{tender_id}/exports/{job_id}/file")
                assert zipped.status_code == 200
                return seconds, samples, progress

            seconds, samples, progress = run_async(during_zip())
            figures["dce_zip_5_odt_s"] = round(seconds, 2)
            figures["dce_zip_progress_seen"] = progress
            if samples:
                figures["fanout_during_zip"] = _summary(samples)

            seconds, response = timed(
                lambda: user.post(
                    f"/api/tenders/{tender_id}/imports",
                    files={"file": ("cent-pages.docx", docx_bytes)},
                    data={"kind": "CCTP"},
                )
            )
            assert response.status_code == 201, response.text
            figures["import_docx_s"] = round(seconds, 2)
            figures["import_report"] = response.json()["report"]["unsupported"]
        finally:
            server.stop()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export_bench")
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    print(json.dumps(run(args.pages), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
