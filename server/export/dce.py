"""Start the DCE zip of a tender: one file per document, in the chosen format."""

from __future__ import annotations

from typing import Any

from roles import Role
from server.db import tenders
from server.db import versions as stored
from server.errors import InvalidInput, NotFound
from server.export import documents
from server.export.dce_zip import Job


async def _published(services: Any, document_id: int) -> int | None:
    for version in await stored.list_versions(services.db, document_id):
        if version.kind == "publish":
            return version.number
    return None


async def start(
    services: Any,
    tender: tenders.Tender,
    user_id: int,
    role: Role | None,
    data: dict[str, Any],
) -> Job:
    fmt = documents.clean_format(data.get("format"))
    source = data.get("version", "current")
    if source not in ("current", "published"):
        raise InvalidInput({"version": "Unknown version."})
    with_comments = data.get("comments") in (True, "1", "on", "true")
    listed = await tenders.list_documents(services.db, tender.id)
    if not listed:
        raise NotFound("This tender has no document to export.")
    steps = []
    for index, document in enumerate(listed, start=1):
        version = await _published(services, document.id) if source == "published" else None
        if source == "published" and version is None:
            raise InvalidInput({"version": "This tender has not been published."})

        async def step(
            document: tenders.Document = document, version: int | None = version, index: int = index
        ) -> tuple[str, bytes]:
            exported = await documents.export_document(
                services,
                tender,
                document,
                fmt,
                version=version,
                with_comments=with_comments,
                user_id=user_id,
                role=role,
            )
            return f"{index:02d}-{exported.filename}", exported.data

        steps.append(step)
    name = documents.slug(tender.reference or tender.title)
    return services.export_jobs.start(tender.id, user_id, f"DCE-{name}.zip", steps)
