"""Proposals and curation: how a clause version enters and moves through the library.

Anyone signed in proposes a clause (from scratch, or a new version of an existing one); the
proposal is a `draft` version. Curators validate it (it becomes the current version) or
deprecate a version (it keeps its text, gets an end date and is no longer offered). Every
step produces a catalogue entry (the JSON shape of `clauses/catalogue/*.json`), checked with
the same rules as the shipped catalogue, so the database only ever holds valid entries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from clauses.catalogue_checks import check_clause
from clauses.catalogue_loader import parse_clause
from clauses.formulas import FORMULAS
from clauses.model import Clause, Family, Status
from clauses.placeholders import placeholders
from clauses.search import fold

MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_NOTES = 5_000


class ProposalError(ValueError):
    """A proposal that cannot enter the library; `problems` are French sentences."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def slug(title: str, taken: Collection[str]) -> str:
    """A new, unused clause id made from a title ("Clause d'insertion" → "clause-d-insertion")."""
    base = "-".join(re.findall(r"[a-z0-9]+", fold(title)))[:60].strip("-") or "clause"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _strings(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    return [item.strip() for item in raw if isinstance(item, str) and item.strip()]


def _parameters(text: str, previous: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Declared parameters: those of the previous version the text still uses (with the
    inputs of their formulas), plus a text parameter for each new `{{name}}`."""
    known = {p["name"]: p for p in (previous or {}).get("parameters", [])}
    used = placeholders(text)
    wanted = {name for name in used if name in known}
    for name in list(wanted):
        formula = FORMULAS.get(known[name].get("computed") or "")
        if formula is not None:
            wanted |= {needed for needed in formula.inputs if needed in known}
    kept = [parameter for name, parameter in known.items() if name in wanted]
    added = [
        {"name": name, "label": name.replace("_", " ").capitalize(), "type": "text"}
        for name in sorted(used - set(known))
    ]
    return kept + added


def build_entry(
    fields: Mapping[str, Any],
    *,
    clause_id: str,
    version: int,
    today: dt.date,
    previous: Mapping[str, Any] | None = None,
) -> tuple[Family, dict[str, Any], Clause]:
    """A draft entry from a proposal form; raises `ProposalError` listing every problem."""
    problems: list[str] = []
    title = str(fields.get("title") or "").strip()
    text = str(fields.get("text") or "").replace("\r\n", "\n").strip()
    notes = str(fields.get("usage_notes") or "").strip()
    if len(title) > MAX_TITLE:
        problems.append(f"titre trop long ({MAX_TITLE} caractères au plus)")
    if len(text) > MAX_TEXT:
        problems.append(f"texte trop long ({MAX_TEXT} caractères au plus)")
    if len(notes) > MAX_NOTES:
        problems.append(f"notes trop longues ({MAX_NOTES} caractères au plus)")
    try:
        family = Family(str(fields.get("family") or (previous or {}).get("family") or ""))
    except ValueError:
        family = Family.ENVIRONNEMENTAL
        problems.append("famille inconnue")
    entry: dict[str, Any] = {
        **{k: v for k, v in (previous or {}).items() if k not in ("family",)},
        "id": clause_id,
        "version": version,
        "status": Status.DRAFT.value,
        "title": title,
        "kind": str(fields.get("kind") or (previous or {}).get("kind") or ""),
        "pieces": _strings(fields.get("pieces")) or list((previous or {}).get("pieces", [])),
        "ccag": _strings(fields.get("ccag")),
        "legal_basis": _strings(fields.get("legal_basis")),
        "text": text,
        "parameters": _parameters(text, previous),
        "usage_notes": notes,
        "valid_from": today.isoformat(),
    }
    entry.pop("valid_until", None)
    entry.pop("change_note", None)
    if fields.get("change_note"):
        entry["change_note"] = str(fields["change_note"]).strip()[:MAX_NOTES]
    if problems:
        raise ProposalError(problems)
    return family, entry, checked(entry, family)


def checked(entry: Mapping[str, Any], family: Family) -> Clause:
    """The clause of a catalogue entry, or `ProposalError` with every problem found."""
    try:
        clause = parse_clause(dict(entry), family)
    except ValueError as error:
        raise ProposalError([str(error)]) from error
    problems = check_clause(clause)
    if problems:
        raise ProposalError(problems)
    return clause


def with_status(
    entry: Mapping[str, Any], family: Family, status: Status, today: dt.date
) -> tuple[dict[str, Any], Clause]:
    """The entry moved to `status` by a curator: validation starts its validity today (or
    keeps a later start), deprecation ends it today."""
    updated = dict(entry)
    updated["status"] = status.value
    if status is Status.VALIDATED:
        updated.pop("valid_until", None)
        if (
            dt.date.fromisoformat(str(updated["valid_from"])) < today
            and entry.get("status") == Status.DRAFT.value
        ):
            updated["valid_from"] = today.isoformat()
    elif status is Status.DEPRECATED:
        start = dt.date.fromisoformat(str(updated["valid_from"]))
        updated["valid_until"] = max(start, today).isoformat()
    return updated, checked(updated, family)
