"""Legal references: the texts the catalogue cites, and the old CMP 2006 articles.

The 2012 pilot cited the Code des marchés publics of 2006, which no longer exists; the
current rules are in the Code de la commande publique (CCP, in force since 1 April 2019). A
`LegalReference` with `superseded_by` points an old article to its current equivalents, so
`resolve_old_reference("CMP-2006-14")` answers "L2112-2, L2112-2-1, L2112-3, L2112-4".
`verified` is False for the facts DOMAIN.md marks as still to check on Légifrance.

The table itself is data: `clauses/legal_references.json`, one object per reference (`id`,
`source`, `article`, `label`, `summary` in our own words, optional `verified`,
`in_force_from`, `in_force_to`, `superseded_by`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from clauses.model import LegalReference

TABLE_PATH = Path(__file__).parent / "legal_references.json"
_FIELDS = frozenset(
    {"id", "source", "article", "label", "summary", "verified", "in_force_from", "in_force_to",
     "superseded_by"}
)  # fmt: skip


class UnknownReference(LookupError):
    """A reference id that the table does not hold."""

    def __init__(self, reference_id: str) -> None:
        super().__init__(f"Référence juridique inconnue : « {reference_id} ».")
        self.reference_id = reference_id


def _date(raw: Any) -> dt.date | None:
    return None if raw is None else dt.date.fromisoformat(raw)


def parse_reference(item: Mapping[str, Any]) -> LegalReference:
    """A `LegalReference` from its JSON object; ValueError on unknown or missing fields."""
    unknown = set(item) - _FIELDS
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)} in legal reference {item.get('id')!r}")
    return LegalReference(
        id=str(item["id"]),
        source=str(item["source"]),
        article=str(item.get("article", "")),
        label=str(item["label"]),
        summary=str(item["summary"]),
        verified=bool(item.get("verified", True)),
        in_force_from=_date(item.get("in_force_from")),
        in_force_to=_date(item.get("in_force_to")),
        superseded_by=tuple(item.get("superseded_by", ())),
    )


def load_table(path: Path = TABLE_PATH) -> dict[str, LegalReference]:
    """Read and check the reference table (unique ids, known `superseded_by` targets)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    table: dict[str, LegalReference] = {}
    for item in data["references"]:
        row = parse_reference(item)
        if row.id in table:
            raise ValueError(f"duplicate legal reference id {row.id!r}")
        table[row.id] = row
    for row in table.values():
        for target in row.superseded_by:
            if target not in table:
                raise ValueError(f"{row.id!r} is superseded by unknown reference {target!r}")
    return table


REFERENCES: Mapping[str, LegalReference] = load_table()
"""Every known reference, by id."""

_OLD = re.compile(r"^\s*CMP(?:[\s-]*2006)?[\s-]*(?:art(?:icle)?\.?)?\s*(\d+)\s*$", re.IGNORECASE)


def reference(reference_id: str) -> LegalReference:
    """The reference with this id, or `UnknownReference`."""
    try:
        return REFERENCES[reference_id]
    except KeyError:
        raise UnknownReference(reference_id) from None


def resolve_old_reference(old: str, *, on: dt.date | None = None) -> list[LegalReference]:
    """The current equivalents of a CMP 2006 article.

    Accepts "CMP-2006-14" and the usual spellings ("CMP art. 14", "cmp 2006 14"). With `on`,
    only the equivalents in force that day are returned (L2112-2-1 applies from
    21 August 2026, for instance).
    """
    match = _OLD.match(old)
    if match is None:
        raise UnknownReference(old)
    old_ref = reference(f"CMP-2006-{match.group(1)}")
    found = [reference(target) for target in old_ref.superseded_by]
    if on is not None:
        found = [item for item in found if item.is_in_force(on)]
    return found


def old_references() -> list[LegalReference]:
    """The mapped CMP 2006 articles, in article order."""
    rows = [row for row in REFERENCES.values() if row.source == "CMP2006"]
    return sorted(rows, key=lambda row: int(row.id.rsplit("-", 1)[1]))


def describe(reference_id: str) -> dict[str, Any]:
    """A reference as shown to users: label, summary and the old (CMP 2006) articles it
    replaces; an unknown id is shown as itself."""
    try:
        found = reference(reference_id)
    except UnknownReference:
        return {"id": reference_id, "label": reference_id, "summary": "", "replaces": []}
    replaces = [old.label for old in old_references() if found.id in old.superseded_by]
    return {"id": found.id, "label": found.label, "summary": found.summary, "replaces": replaces}
