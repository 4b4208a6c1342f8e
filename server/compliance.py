"""The compliance panel of a tender: the `clauses` rules run on what its documents say now.

The tender's row gives the dates, value and procedure; the document index gives each
document's text and clause blocks (refreshed first for documents with pending edits).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import clauses
from server.db import clause_library, document_index
from server.db import tenders as tender_store
from server.db.tenders import Tender


def _summary(tender: Tender, docs: list[Any], texts: dict[int, str], uses: list[dict[str, Any]]):
    kinds = {doc.id: doc.kind for doc in docs}
    inserted = [
        clauses.InsertedClause.from_attrs(
            {
                "clauseId": use["clause_id"],
                "clauseVersion": use["clause_version"],
                "params": use["params"],
            },
            document=kinds.get(use["document_id"]),
        )
        for use in uses
        if use["document_id"] in kinds
    ]
    named: dict[str, str] = {}
    for doc in docs:
        name = doc.kind if doc.kind not in named else f"{doc.kind} – {doc.title}"
        named[name] = texts.get(doc.id, "")
    procedure = None
    if tender.procedure:
        procedure = clauses.Procedure(tender.procedure)
    category = None
    if tender.purchase_category:
        category = clauses.PurchaseCategory(tender.purchase_category)
    return clauses.TenderSummary(
        launch_date=tender.launch_date,
        estimated_value=(
            None if tender.estimated_value is None else Decimal(str(tender.estimated_value))
        ),
        procedure=procedure,
        purchase_category=category,
        clauses=tuple(inserted),
        documents=named,
    )


async def report(services: Any, tender: Tender) -> dict[str, Any]:
    """Findings, DECP considerations and inserted clauses of a tender, as JSON."""
    docs = await tender_store.list_documents(services.db, tender.id)
    await services.indexer.refresh_now(doc.id for doc in docs)
    texts = await document_index.tender_texts(services.db, tender.id)
    uses = await clause_library.tender_uses(services.db, tender.id)
    library = await services.library.current()
    summary = _summary(tender, docs, texts, uses)
    findings = clauses.check(summary, library)
    resolved = [library.get(c.clause_id, c.clause_version) for c in summary.clauses]
    decp = clauses.decp_considerations(c for c in resolved if c is not None)

    def fix(clause_id: str) -> dict[str, str]:
        current = library.current(clause_id)
        return {"id": clause_id, "title": current.title if current else clause_id}

    return {
        "ready": clauses.is_ready(findings),
        "findings": [
            {
                "id": f.id,
                "severity": f.severity.value,
                "message": f.message,
                "subject": f.subject,
                "legal_references": [clauses.describe(r) for r in f.legal_references],
                "fixes": [fix(c) for c in f.fixes[:8]],
            }
            for f in findings
        ],
        "decp": {
            "sociales": list(decp.sociales),
            "environnementales": list(decp.environnementales),
        },
        "clauses": [
            {
                "clause_id": use["clause_id"],
                "version": use["clause_version"],
                "document_id": use["document_id"],
                "edited": bool(use["edited"]),
                "params": json.loads(use["params"] or "{}"),
                "update_available": (
                    (newer := library.update_available(use["clause_id"], use["clause_version"]))
                    is not None
                    and newer.version
                ),
            }
            for use in uses
        ],
    }
