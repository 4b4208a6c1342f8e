"""What the compliance rules know about a tender: a plain summary, built by the server.

The server reads its tender row, the `clause` blocks of every document (attrs `clauseId`,
`clauseVersion`, `params` as a JSON string) and the documents' plain text, and hands them
over as a `TenderSummary`; nothing here touches the database or the live documents.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from clauses.model import PurchaseCategory


class Procedure(StrEnum):
    """Award procedures (the DECP list, as slugs)."""

    ADAPTEE = "procedure-adaptee"
    APPEL_OFFRES_OUVERT = "appel-offres-ouvert"
    APPEL_OFFRES_RESTREINT = "appel-offres-restreint"
    NEGOCIATION = "procedure-avec-negociation"
    DIALOGUE = "dialogue-competitif"
    SANS_PUBLICITE = "sans-publicite"

    @property
    def formalised(self) -> bool:
        """True for the formalised procedures (criteria must then be weighted)."""
        return self not in (Procedure.ADAPTEE, Procedure.SANS_PUBLICITE)


class Reservation(StrEnum):
    """Who a reserved lot is reserved to."""

    ENTREPRISES_ADAPTEES = "entreprises-adaptees"
    INSERTION = "insertion"
    CONJOINTE = "conjointe"
    ESS = "ess"


RESERVATION_ARTICLES: Mapping[Reservation, tuple[str, ...]] = {
    Reservation.ENTREPRISES_ADAPTEES: ("CCP-L2113-12",),
    Reservation.INSERTION: ("CCP-L2113-13",),
    Reservation.CONJOINTE: ("CCP-L2113-12", "CCP-L2113-13"),
    Reservation.ESS: ("CCP-L2113-15",),
}
"""The articles the notice and the RC must cite for each kind of reservation."""


def _decimal(value: Decimal | float | int | str | None) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


@dataclass(frozen=True)
class InsertedClause:
    """A `clause` block found in a document.

    `malformed` is set when the block's `params` attribute could not be read as a JSON
    object, or its version is not an integer; such a block is reported, not trusted.
    """

    clause_id: str
    clause_version: int
    params: Mapping[str, Any] = field(default_factory=dict)
    document: str | None = None
    malformed: bool = False

    @classmethod
    def from_attrs(cls, attrs: Mapping[str, Any], document: str | None = None) -> InsertedClause:
        """Read the attrs of an editor `clause` block (params may be a JSON string)."""
        malformed = False
        raw = attrs.get("params")
        params: Any = {}
        if isinstance(raw, str) and raw.strip():
            try:
                params = json.loads(raw)
            except ValueError:
                malformed = True
        elif isinstance(raw, Mapping):
            params = raw
        elif raw not in (None, ""):
            malformed = True
        if not isinstance(params, Mapping):
            params, malformed = {}, True
        version = attrs.get("clauseVersion")
        if isinstance(version, float) and version.is_integer():
            version = int(version)
        if isinstance(version, bool) or not isinstance(version, int):
            version, malformed = 0, True
        return cls(str(attrs.get("clauseId") or ""), version, dict(params), document, malformed)


@dataclass(frozen=True)
class Lot:
    """A lot of the tender, possibly reserved."""

    number: str
    title: str = ""
    reservation: Reservation | None = None


@dataclass(frozen=True)
class TenderSummary:
    """Everything the compliance rules read.

    `documents` maps a document name (e.g. "RC", "CCAP") to its plain text.
    `social_exception` records why an exception to the social execution condition of
    L2112-2-1 applies (empty when none is claimed). `eu_threshold` overrides the built-in
    threshold table when the buyer knows the value in force at launch.
    """

    launch_date: dt.date | None
    estimated_value: Decimal | None
    procedure: Procedure | None = None
    purchase_category: PurchaseCategory | None = None
    clauses: tuple[InsertedClause, ...] = ()
    documents: Mapping[str, str] = field(default_factory=dict)
    lots: tuple[Lot, ...] = ()
    duration_months: Decimal | None = None
    eu_threshold: Decimal | None = None
    defence_or_security: bool = False
    renewable_energy: bool = False
    social_exception: str = ""

    def __post_init__(self) -> None:
        for name in ("estimated_value", "duration_months", "eu_threshold"):
            object.__setattr__(self, name, _decimal(getattr(self, name)))
        object.__setattr__(self, "clauses", tuple(self.clauses))
        object.__setattr__(self, "lots", tuple(self.lots))
