"""Compliance check of a tender: every rule, run on a `TenderSummary`.

Rules (ids are stable; see `rules_climat` and `rules_tender` for the details):

- climat-condition-environnementale — L2112-2: an environmental execution condition;
- climat-critere-environnemental, climat-prix-seul — L2152-7, R2152-7: an environmental
  award criterion, and price is not the only criterion;
- climat-condition-sociale — L2112-2-1: a social execution condition at or above the EU
  thresholds (an exception may be recorded);
- climat-specifications — L2111-2: sustainable technical specifications (never blocking);
- ponderation-total, criteres-doublons — R2152-12: weights add up to 100 %;
- insertion-parametres, parametres-invalides — CCAG 2021 "Développement durable" article:
  insertion clauses fully filled in; other clauses with valid parameters;
- champs-non-renseignes — no `{{...}}` left in the documents;
- lot-reserve-article, lot-reserve-non-declare — R2113-7: reserved lots cite L2113-12/13/15;
- avance-absente — R2191-3: an advance clause above 50 000 € HT and two months;
- clause-inconnue, clause-obsolete, mise-a-jour-disponible — pinned clause versions.
"""

from __future__ import annotations

from collections.abc import Iterable

from clauses.findings import Finding, Severity, TenderFacts
from clauses.library import ClauseLibrary
from clauses.rules_climat import climat_rules
from clauses.rules_tender import tender_rules
from clauses.tender import TenderSummary


def check(summary: TenderSummary, library: ClauseLibrary | None = None) -> list[Finding]:
    """Every finding for `summary`, most serious first (then by rule id and subject)."""
    facts = TenderFacts.of(summary, library or ClauseLibrary.load())
    findings = [*climat_rules(facts), *tender_rules(facts)]
    return sorted(findings, key=lambda f: (f.severity.rank, f.id, f.subject or ""))


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that keep the tender from being submitted for validation."""
    return [finding for finding in findings if finding.severity is Severity.BLOQUANT]


def is_ready(findings: Iterable[Finding]) -> bool:
    """True when nothing blocks the tender."""
    return not blocking(findings)
