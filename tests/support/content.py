"""Write rich content into a live document the way an editor would: over its websocket."""

from __future__ import annotations

import asyncio

from pycrdt import XmlFragment

import versions
from server.sync.protocol import SyncStep, encode_sync
from support.live import run_async
from support.rawws import PyClient


def write_document(ws_url: str, document_id: int, headers: dict[str, str], blocks) -> None:
    """Append `blocks` to the document and return once the server acknowledged them."""

    async def scenario() -> None:
        client = await PyClient.connect(f"{ws_url}/{document_id}", headers)
        await asyncio.wait_for(client.synced.wait(), 10)
        before = client.doc.get_state()
        versions.write_blocks(client.doc.get("content", type=XmlFragment), blocks)
        await client.ws.send(encode_sync(SyncStep.UPDATE, client.doc.get_update(before)))
        deadline = asyncio.get_running_loop().time() + 10
        while not client.all_acked():  # acknowledgements arrive as frames: poll, bounded
            assert asyncio.get_running_loop().time() < deadline, "no acknowledgement"
            await asyncio.sleep(0.02)
        await client.close()

    run_async(scenario())


def every_node_type() -> list[versions.Block]:
    """A document with a heading, marks, both lists, a table and a clause block."""
    v = versions
    return [
        v.heading(1, "Article 1 - Objet du marché"),
        v.paragraph("Le ", v.bold("titulaire"), " assure le ", v.italic("nettoyage"), "."),
        v.heading(2, "Article 2 - Prestations"),
        v.ordered_list(["Vitrerie trimestrielle", "Sols hebdomadaires"]),
        v.bullet_list(["Bureaux", "Sanitaires"]),
        v.table([["Lot", "Montant estimé"], ["Vitrerie", "12000"]], header=True),
        v.clause("revision-prix", v.paragraph("Les prix sont révisables annuellement.")),
        v.blockquote(v.paragraph("Citation du règlement.")),
    ]
