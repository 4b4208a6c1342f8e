"""Clause blocks for tests: built like the editor builds them, written through the socket."""

from __future__ import annotations

import asyncio
from typing import Any

from pycrdt import XmlFragment

import clauses
from server.sync.protocol import SyncStep, encode_sync
from support.api import ApiUser
from support.live import run_async
from support.rawws import PyClient
from versions import build
from versions.build import insert_block

LIBRARY = clauses.ClauseLibrary.load()


def clause_block(
    clause_id: str, params: dict, *, edit: str = "", version: int | None = None
) -> Any:
    """A `clause` block with the library text of the clause (its current version unless
    `version` is given) for `params`; `edit` is appended to its first paragraph."""
    clause = LIBRARY.current(clause_id) if version is None else LIBRARY.get(clause_id, version)
    assert clause is not None
    paragraphs = clauses.render(clause, params)
    if edit:
        paragraphs[0] += edit
    return build.clause(
        clause_id, *(build.paragraph(p) for p in paragraphs), version=clause.version, params=params
    )


def write_blocks(server, user: ApiUser, document_id: int, blocks: list) -> None:
    """Append blocks to a document through the live socket, as the editor does."""

    async def run() -> None:
        client = await PyClient.connect(f"{server.ws_url}/{document_id}", user.ws_headers)
        await asyncio.wait_for(client.synced.wait(), 10)
        before = client.doc.get_state()
        fragment = client.doc.get("content", type=XmlFragment)
        with client.doc.transaction():
            for block in blocks:
                insert_block(fragment, len(fragment.children), block)
        await client.ws.send(encode_sync(SyncStep.UPDATE, client.doc.get_update(before)))
        deadline = asyncio.get_running_loop().time() + 10
        while not client.all_acked():
            assert asyncio.get_running_loop().time() < deadline, "update not acknowledged"
            await asyncio.sleep(0.02)
        await client.close()

    run_async(run())
