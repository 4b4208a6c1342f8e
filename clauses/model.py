"""The clause model: a versioned library clause and its typed parameters.

Everything here is an immutable value. Slugs are French and stable: they are stored in
documents (the `clause` block keeps `clauseId` and `clauseVersion`) and in the database, so a
slug is never renamed once a clause has been published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias

ParamValue: TypeAlias = Decimal | str | tuple[str, ...]
"""A coerced parameter value: numbers are Decimals, multiple choices are tuples."""


class Family(StrEnum):
    """The library's top-level families (DOMAIN.md §5.2: ENV, SOC, ECO, CRIT, ADMIN)."""

    ENVIRONNEMENTAL = "environnemental"
    SOCIAL = "social"
    ECONOMIQUE = "economique"
    CRITERE = "critere"
    ADMINISTRATIF = "administratif"


class Kind(StrEnum):
    """What the clause does in the tender documents."""

    CONDITION_EXECUTION = "condition-execution"
    SPECIFICATION_TECHNIQUE = "specification-technique"
    CRITERE_ATTRIBUTION = "critere-attribution"
    CRITERE_SELECTION = "critere-selection"
    RESERVATION = "reservation"
    EXCLUSION_FACULTATIVE = "exclusion-facultative"
    CLAUSE_FINANCIERE = "clause-financiere"
    PENALITE = "penalite"
    CADRE_REPONSE = "cadre-reponse"
    MODALITE_CONSULTATION = "modalite-consultation"
    CLAUSE_ADMINISTRATIVE = "clause-administrative"


class Piece(StrEnum):
    """DCE pieces a clause may be inserted into (the server's document kinds, plus the notice
    and the response frame, which the server files under `other`)."""

    RC = "RC"
    CCAP = "CCAP"
    CCTP = "CCTP"
    AE = "AE"
    BPU = "BPU"
    DPGF = "DPGF"
    DQE = "DQE"
    AVIS = "AVIS"
    CADRE_REPONSE = "CADRE_REPONSE"


class Ccag(StrEnum):
    """The six general conditions approved on 30 March 2021."""

    PI = "CCAG-PI 2021"
    FCS = "CCAG-FCS 2021"
    TIC = "CCAG-TIC 2021"
    MI = "CCAG-MI 2021"
    TRAVAUX = "CCAG-Travaux 2021"
    MOE = "CCAG-MOE 2021"


class Status(StrEnum):
    """Curation status of one clause version."""

    DRAFT = "draft"
    VALIDATED = "validated"
    DEPRECATED = "deprecated"


class ParameterType(StrEnum):
    """Parameter value types; each has its own coercion and French rendering."""

    NUMBER = "number"
    PERCENTAGE = "percentage"
    AMOUNT = "amount"
    DURATION = "duration"
    CHOICE = "choice"
    TEXT = "text"


class Obligation(StrEnum):
    """Legal obligations a clause helps to meet (used by the compliance rules)."""

    CONDITION_ENVIRONNEMENTALE = "condition-environnementale"
    CRITERE_ENVIRONNEMENTAL = "critere-environnemental"
    CONDITION_SOCIALE = "condition-sociale"
    SPECIFICATION_DURABLE = "specification-durable"


class CriterionCategory(StrEnum):
    """Category of an award criterion (DOMAIN.md §5.3 AwardCriterion.category)."""

    PRIX = "prix"
    COUT = "cout"
    TECHNIQUE = "technique"
    ENVIRONNEMENT = "environnement"
    SOCIAL = "social"
    DELAI = "delai"
    AUTRE = "autre"


class PurchaseCategory(StrEnum):
    """The server's tender purchase categories (`server.validation.PURCHASE_CATEGORIES`)."""

    WORKS = "works"
    SUPPLIES = "supplies"
    SERVICES = "services"
    INTELLECTUAL_SERVICES = "intellectual_services"


@dataclass(frozen=True)
class Parameter:
    """A typed value the buyer fills in when inserting a clause.

    `min`/`max` bound numeric values (percentages are implicitly within 0–100, amounts and
    durations non-negative); `choices` lists the allowed values of a `choice` parameter,
    several of which may be picked when `multiple` is set; `computed` names a formula of
    `clauses.formulas` that supplies the value when the buyer leaves it empty.
    """

    name: str
    label: str
    type: ParameterType
    default: ParamValue | None = None
    unit: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[str, ...] = ()
    multiple: bool = False
    integer: bool = False
    required: bool = True
    computed: str | None = None
    help: str = ""


@dataclass(frozen=True)
class Applicability:
    """When the clause makes sense: free notes plus optional value bounds and categories.

    An empty `purchase_categories` means every category.
    """

    notes: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    purchase_categories: tuple[PurchaseCategory, ...] = ()


@dataclass(frozen=True)
class DecpFlags:
    """Whether inserting the clause makes the contract carry a social or environmental
    consideration in its DECP record (see `clauses.decp` for the exact DECP labels)."""

    considerations_sociales: bool = False
    considerations_environnementales: bool = False


@dataclass(frozen=True)
class CriterionSpec:
    """An award criterion defined by a clause, weighted by one of its percentage parameters."""

    label: str
    category: CriterionCategory
    weight: str


@dataclass(frozen=True)
class Clause:
    """One version of a library clause.

    `text` is a French template whose paragraphs are separated by blank lines and whose
    `{{name}}` placeholders are the parameters. `ccag` lists the general conditions the clause
    is written for; empty means it fits whatever CCAG (or none) the contract refers to.
    `legal_basis` holds `LegalReference` ids (`clauses.references`).
    """

    id: str
    version: int
    title: str
    family: Family
    kind: Kind
    pieces: tuple[Piece, ...]
    legal_basis: tuple[str, ...]
    text: str
    valid_from: dt.date
    status: Status
    parameters: tuple[Parameter, ...] = ()
    ccag: tuple[Ccag, ...] = ()
    applicability: Applicability = Applicability()
    decp: DecpFlags = DecpFlags()
    satisfies: tuple[Obligation, ...] = ()
    criteria: tuple[CriterionSpec, ...] = ()
    tags: tuple[str, ...] = ()
    usage_notes: str = ""
    vigilance: tuple[str, ...] = ()
    valid_until: dt.date | None = None
    change_note: str = ""

    @property
    def key(self) -> tuple[str, int]:
        """The (id, version) pair that documents pin."""
        return (self.id, self.version)

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called `name`, if the clause declares one."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        return None

    def is_valid_on(self, day: dt.date) -> bool:
        """True if `day` falls within the version's validity period."""
        if day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class LegalReference:
    """One article (or a range of articles, or a whole text) that clauses may cite.

    `summary` is a short French description written in our own words, never a quotation.
    """

    id: str
    source: str
    article: str
    label: str
    summary: str
    verified: bool = True
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = None
    superseded_by: tuple[str, ...] = ()

    def is_in_force(self, day: dt.date) -> bool:
        """True if the reference applies on `day`."""
        if self.in_force_from is not None and day < self.in_force_from:
            return False
        return self.in_force_to is None or day <= self.in_force_to
