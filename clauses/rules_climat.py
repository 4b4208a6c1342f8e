"""Loi Climat et résilience (art. 35) rules for consultations launched from 21 August 2026.

Each rule fires when the obligation is not met. Its severity follows the launch date:
`bloquant` from 21 August 2026 (from 1 July 2024 for renewable-energy contracts, loi APER,
for the environmental rules), `information` before (a recommendation), `avertissement`
when the launch date is not known yet. Defence and security contracts are out of scope.
"""

from __future__ import annotations

from clauses.findings import Finding, Severity, TenderFacts
from clauses.formatting import format_amount, format_date
from clauses.model import CriterionCategory, Obligation
from clauses.thresholds import APER_DATE, CLIMAT_DATE, climat_obligations_apply, eu_threshold

CLIMAT = "LOI-2021-1104-ART35"


def _timing(facts: TenderFacts, *, early: bool) -> tuple[Severity, str]:
    launch = facts.summary.launch_date
    renewable = early and facts.summary.renewable_energy
    when = format_date(APER_DATE if renewable else CLIMAT_DATE)
    if launch is None:
        return Severity.AVERTISSEMENT, (
            f" La date de lancement n'est pas renseignée : l'obligation s'applique aux "
            f"consultations lancées à compter du {when}."
        )
    if climat_obligations_apply(launch, renewable_energy=renewable):
        return (
            Severity.BLOQUANT,
            f" Obligatoire pour les consultations lancées à compter du {when}.",
        )
    return Severity.INFORMATION, (
        f" Recommandé : obligatoire pour les consultations lancées à compter du {when}."
    )


def _refs(facts: TenderFacts, *refs: str) -> tuple[str, ...]:
    extra = ("LOI-2023-175",) if facts.summary.renewable_energy else ()
    return (*refs, CLIMAT, *extra)


def environmental_condition(facts: TenderFacts) -> list[Finding]:
    """At least one execution condition with environmental considerations (L2112-2)."""
    if facts.satisfying(Obligation.CONDITION_ENVIRONNEMENTALE):
        return []
    severity, timing = _timing(facts, early=True)
    message = (
        "Aucune condition d'exécution environnementale n'est insérée dans le CCAP ou le CCTP."
        + timing
    )
    fixes = facts.fixes(Obligation.CONDITION_ENVIRONNEMENTALE)
    refs = _refs(facts, "CCP-L2112-2")
    return [Finding("climat-condition-environnementale", severity, message, refs, fixes)]


def _criterion_fixes(facts: TenderFacts) -> tuple[str, ...]:
    found = facts.library.current_clauses(facts.summary.launch_date)
    return tuple(
        clause.id
        for clause in found
        if Obligation.CRITERE_ENVIRONNEMENTAL in clause.satisfies
        or any(spec.category is CriterionCategory.ENVIRONNEMENT for spec in clause.criteria)
    )


def environmental_criterion(facts: TenderFacts) -> list[Finding]:
    """At least one award criterion on environmental characteristics, and not price alone
    (L2152-7, R2152-7)."""
    criteria = facts.criteria()
    findings: list[Finding] = []
    severity, timing = _timing(facts, early=True)
    refs = _refs(facts, "CCP-L2152-7", "CCP-R2152-7")
    if not any(criterion.environmental for criterion in criteria):
        message = (
            "Aucun critère d'attribution ne prend en compte les caractéristiques "
            "environnementales de l'offre." + timing
        )
        findings.append(
            Finding(
                "climat-critere-environnemental", severity, message, refs, _criterion_fixes(facts)
            )
        )
    if len(criteria) == 1 and criteria[0].category is CriterionCategory.PRIX:
        message = (
            "Le prix est le seul critère d'attribution ; un critère unique doit être un coût "
            "intégrant des aspects environnementaux." + timing
        )
        findings.append(
            Finding("climat-prix-seul", severity, message, refs, _criterion_fixes(facts))
        )
    return findings


def social_condition(facts: TenderFacts) -> list[Finding]:
    """A social or employment execution condition above the EU thresholds (L2112-2-1)."""
    summary = facts.summary
    if facts.satisfying(Obligation.CONDITION_SOCIALE):
        return []
    fixes = facts.fixes(Obligation.CONDITION_SOCIALE)
    refs = ("CCP-L2112-2-1", CLIMAT)
    severity, timing = _timing(facts, early=False)
    if summary.estimated_value is None:
        if severity is Severity.INFORMATION:
            return []
        message = (
            "Le montant estimé n'est pas renseigné : impossible de savoir si une condition "
            "d'exécution sociale est obligatoire (marchés égaux ou supérieurs aux seuils "
            "européens)." + timing
        )
        return [Finding("climat-condition-sociale", Severity.AVERTISSEMENT, message, refs, fixes)]
    threshold, confirmed = eu_threshold(summary.purchase_category, summary.launch_date)
    if summary.eu_threshold is not None:
        threshold, confirmed = summary.eu_threshold, True
    if summary.estimated_value < threshold:
        return []
    findings: list[Finding] = []
    amount = format_amount(threshold, "€ HT")
    if not confirmed and severity is not Severity.INFORMATION:
        findings.append(
            Finding(
                "seuil-europeen-a-verifier",
                Severity.INFORMATION,
                f"Seuil européen retenu : {amount} (valeurs 2024-2025) ; vérifiez le seuil en "
                "vigueur à la date de lancement.",
                ("CCP-L2112-2-1",),
            )
        )
    reason = (
        f"Le montant estimé atteint le seuil européen ({amount}) et aucune condition "
        "d'exécution sociale ou relative à l'emploi n'est insérée."
    )
    if summary.social_exception.strip():
        message = f"{reason} Exception invoquée : {summary.social_exception.strip()}"
        findings.append(
            Finding("climat-condition-sociale", Severity.INFORMATION, message, refs, fixes)
        )
    else:
        findings.append(Finding("climat-condition-sociale", severity, reason + timing, refs, fixes))
    return findings


def sustainable_specifications(facts: TenderFacts) -> list[Finding]:
    """Technical specifications that take sustainable development into account (L2111-2).

    An obligation of means that no clause can prove on its own: never blocking.
    """
    if facts.satisfying(Obligation.SPECIFICATION_DURABLE):
        return []
    severity, timing = _timing(facts, early=False)
    if severity is Severity.BLOQUANT:
        severity = Severity.AVERTISSEMENT
    message = (
        "Aucune spécification technique du CCTP ne porte sur le développement durable "
        "(écoconception, accessibilité, label...)." + timing
    )
    fixes = facts.fixes(Obligation.SPECIFICATION_DURABLE)
    return [Finding("climat-specifications", severity, message, ("CCP-L2111-2", CLIMAT), fixes)]


def climat_rules(facts: TenderFacts) -> list[Finding]:
    """Every loi Climat et résilience rule."""
    if facts.summary.defence_or_security:
        message = (
            "Marché de défense ou de sécurité : les obligations de l'article 35 de la loi "
            "Climat et résilience ne s'appliquent pas."
        )
        return [Finding("climat-hors-champ", Severity.INFORMATION, message, (CLIMAT,))]
    return [
        *environmental_condition(facts),
        *environmental_criterion(facts),
        *social_condition(facts),
        *sustainable_specifications(facts),
    ]
