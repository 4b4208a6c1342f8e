"""Compliance findings, and the facts about a tender that every rule shares.

A `Finding` says what is wrong (or worth knowing), why, on which legal basis, and which
catalogue clauses would fix it. `TenderFacts` resolves the inserted clause blocks against
the library once, so that each rule stays a few lines long.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from clauses.formulas import ComputeContext
from clauses.library import ClauseLibrary
from clauses.model import Clause, CriterionCategory, Obligation
from clauses.parameters import ParameterError, validate_values
from clauses.tender import InsertedClause, TenderSummary


class Severity(StrEnum):
    """How serious a finding is; `bloquant` prevents submitting the tender for validation."""

    BLOQUANT = "bloquant"
    AVERTISSEMENT = "avertissement"
    INFORMATION = "information"

    @property
    def rank(self) -> int:
        """0 for the most serious."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Finding:
    """One result of the compliance check.

    `id` is the stable rule id (e.g. "climat-condition-environnementale"); `subject` names
    what the finding is about when a rule can fire several times (a document, a lot, a
    clause); `legal_references` are `LegalReference` ids; `fixes` are clause ids.
    """

    id: str
    severity: Severity
    message: str
    legal_references: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()
    subject: str | None = None


@dataclass(frozen=True)
class AwardCriterion:
    """An award criterion defined by an inserted clause, with its weight in percent."""

    label: str
    category: CriterionCategory
    weight: Decimal
    clause_id: str
    environmental: bool


@dataclass(frozen=True)
class TenderFacts:
    """A summary with its inserted clauses resolved against the library."""

    summary: TenderSummary
    library: ClauseLibrary
    resolved: tuple[tuple[InsertedClause, Clause], ...]
    unknown: tuple[InsertedClause, ...]

    @classmethod
    def of(cls, summary: TenderSummary, library: ClauseLibrary) -> TenderFacts:
        resolved: list[tuple[InsertedClause, Clause]] = []
        unknown: list[InsertedClause] = []
        for block in summary.clauses:
            clause = library.get(block.clause_id, block.clause_version)
            if clause is None or block.malformed:
                unknown.append(block)
            else:
                resolved.append((block, clause))
        return cls(summary, library, tuple(resolved), tuple(unknown))

    @property
    def context(self) -> ComputeContext:
        return ComputeContext(self.summary.estimated_value)

    def satisfying(self, obligation: Obligation) -> list[Clause]:
        """Inserted clauses that meet `obligation`."""
        return [clause for _, clause in self.resolved if obligation in clause.satisfies]

    def fixes(self, obligation: Obligation) -> tuple[str, ...]:
        """Ids of the current library clauses that meet `obligation`."""
        found = self.library.current_clauses(self.summary.launch_date)
        return tuple(clause.id for clause in found if obligation in clause.satisfies)

    def criteria(self) -> list[AwardCriterion]:
        """Award criteria of the inserted clauses, those weighted 0 % left out."""
        found: list[AwardCriterion] = []
        for block, clause in self.resolved:
            if not clause.criteria:
                continue
            try:
                values = validate_values(clause, block.params, partial=True)
            except ParameterError:
                values = validate_values(clause, {}, partial=True)
            environmental = Obligation.CRITERE_ENVIRONNEMENTAL in clause.satisfies
            for spec in clause.criteria:
                weight = values.get(spec.weight)
                if not isinstance(weight, Decimal) or weight == 0:
                    continue
                found.append(
                    AwardCriterion(
                        label=spec.label,
                        category=spec.category,
                        weight=weight,
                        clause_id=clause.id,
                        environmental=environmental
                        or spec.category is CriterionCategory.ENVIRONNEMENT,
                    )
                )
        return found
