"""Rules on the tender's own coherence: criteria weights, parameters, placeholders, reserved
lots, advance, and the clause versions pinned in the documents."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from clauses.findings import Finding, Severity, TenderFacts
from clauses.formatting import format_percentage, join_fr
from clauses.model import Clause, Kind, Status
from clauses.parameters import ParameterError, compute
from clauses.placeholders import unresolved
from clauses.search import fold
from clauses.tender import RESERVATION_ARTICLES, InsertedClause, Lot
from clauses.thresholds import ADVANCE_MIN_MONTHS, ADVANCE_MIN_VALUE

INSERTION_REFS = ("CCP-L2112-2", "CCAG-TIC-2021-ART16", "CCAG-TRAVAUX-2021-ART16")


def criteria_weights(facts: TenderFacts) -> list[Finding]:
    """Award criteria weights add up to 100 %; no criterion category defined twice."""
    criteria = facts.criteria()
    findings: list[Finding] = []
    total = sum((criterion.weight for criterion in criteria), start=Decimal(0))
    if criteria and total != 100:
        detail = join_fr([f"{c.label} {format_percentage(c.weight)}" for c in criteria])
        message = (
            f"La somme des pondérations des critères d'attribution est de "
            f"{format_percentage(total)} au lieu de {format_percentage(Decimal(100))} ({detail})."
        )
        refs = ("CCP-R2152-12", "CCP-R2152-7")
        findings.append(Finding("ponderation-total", Severity.BLOQUANT, message, refs))
    sources: dict[str, set[str]] = defaultdict(set)
    for criterion in criteria:
        sources[criterion.category.value].add(criterion.clause_id)
    for category, clause_ids in sorted(sources.items()):
        if len(clause_ids) > 1:
            message = (
                f"Le critère de catégorie « {category} » est défini par plusieurs clauses "
                f"({', '.join(sorted(clause_ids))}) : risque de double comptage."
            )
            findings.append(
                Finding("criteres-doublons", Severity.AVERTISSEMENT, message, subject=category)
            )
    return findings


def _is_insertion(clause: Clause) -> bool:
    return clause.kind is Kind.CONDITION_EXECUTION and "insertion" in clause.tags


def parameters(facts: TenderFacts) -> list[Finding]:
    """Inserted clauses have valid, complete parameters; insertion clauses block otherwise
    (the 2021 CCAGs require perimeter, facilitator, eligible publics and hours)."""
    findings: list[Finding] = []
    for block, clause in facts.resolved:
        try:
            compute(clause, block.params, facts.context)
        except ParameterError as error:
            detail = " ; ".join(error.errors[name] for name in sorted(error.errors))
            if _is_insertion(clause):
                message = f"Clause d'insertion « {clause.title} » incomplète : {detail}"
                findings.append(
                    Finding(
                        "insertion-parametres",
                        Severity.BLOQUANT,
                        message,
                        INSERTION_REFS,
                        (clause.id,),
                        clause.id,
                    )
                )
            else:
                message = f"Clause « {clause.title} » : {detail}"
                findings.append(
                    Finding(
                        "parametres-invalides",
                        Severity.AVERTISSEMENT,
                        message,
                        clause.legal_basis,
                        (clause.id,),
                        clause.id,
                    )
                )
    return findings


def placeholders_left(facts: TenderFacts) -> list[Finding]:
    """No `{{...}}` left in any document."""
    findings: list[Finding] = []
    for name, text in sorted(facts.summary.documents.items()):
        names = sorted(unresolved(text))
        if names:
            listed = ", ".join("{{" + item + "}}" for item in names)
            message = f"Le document « {name} » contient des champs non renseignés : {listed}."
            findings.append(
                Finding("champs-non-renseignes", Severity.BLOQUANT, message, subject=name)
            )
    return findings


def _lot_key(value: object) -> str:
    text = fold(str(value)).strip()
    return re.sub(r"^(?:lot\b\s*)?(?:n\s*[o°]\.?\s*(?=\d))?", "", text).strip(" .:")


def _cites(text: str, reference_id: str) -> bool:
    article = reference_id.removeprefix("CCP-")
    letter, number = article[0], article[1:]
    return re.search(rf"\b{letter}\.?\s*{re.escape(number)}(?![\d-])", text) is not None


RESERVATION_REFS = frozenset(ref for refs in RESERVATION_ARTICLES.values() for ref in refs)


def _reserves_under(clause: Clause, required: tuple[str, ...]) -> bool:
    """True if `clause` is a reservation under exactly the `required` articles."""
    cited = RESERVATION_REFS.intersection(clause.legal_basis)
    return clause.kind is Kind.RESERVATION and cited == set(required)


def _reservation_blocks(facts: TenderFacts) -> list[tuple[InsertedClause, Clause]]:
    return [(b, c) for b, c in facts.resolved if c.kind is Kind.RESERVATION]


def _lot_is_cited(facts: TenderFacts, lot: Lot, required: tuple[str, ...]) -> bool:
    for block, clause in _reservation_blocks(facts):
        lot_ok = clause.parameter("lot") is None or _lot_key(block.params.get("lot", "")) == (
            _lot_key(lot.number)
        )
        if lot_ok and _reserves_under(clause, required):
            return True
    texts = facts.summary.documents.values()
    return any(all(_cites(text, ref) for ref in required) for text in texts)


def reserved_lots(facts: TenderFacts) -> list[Finding]:
    """A reserved lot cites its article in the RC / notice (R2113-7); a reservation clause
    names a lot declared reserved."""
    findings: list[Finding] = []
    declared = {_lot_key(lot.number) for lot in facts.summary.lots if lot.reservation}
    current = facts.library.current_clauses()
    for lot in facts.summary.lots:
        if lot.reservation is None:
            continue
        required = RESERVATION_ARTICLES[lot.reservation]
        if _lot_is_cited(facts, lot, required):
            continue
        articles = join_fr([ref.removeprefix("CCP-") for ref in required])
        message = (
            f"Le lot {lot.number} est réservé mais aucun document ne cite l'article {articles} "
            "du Code de la commande publique, mention obligatoire de l'avis et du règlement."
        )
        fixes = tuple(c.id for c in current if _reserves_under(c, required))
        findings.append(
            Finding(
                "lot-reserve-article",
                Severity.BLOQUANT,
                message,
                ("CCP-R2113-7", *required),
                fixes,
                lot.number,
            )
        )
    for block, clause in _reservation_blocks(facts):
        value = block.params.get("lot")
        if clause.parameter("lot") is None or not value or _lot_key(value) in declared:
            continue
        message = (
            f"La clause « {clause.title} » réserve le lot {value}, qui n'est pas déclaré comme "
            "lot réservé dans les informations de la consultation."
        )
        findings.append(
            Finding(
                "lot-reserve-non-declare",
                Severity.AVERTISSEMENT,
                message,
                clause.legal_basis,
                (),
                str(value),
            )
        )
    return findings


def advance(facts: TenderFacts) -> list[Finding]:
    """An advance clause when the contract exceeds 50 000 € HT and two months (R2191-3)."""
    summary = facts.summary
    value, months = summary.estimated_value, summary.duration_months
    if value is None or months is None:
        return []
    if value <= ADVANCE_MIN_VALUE or months <= ADVANCE_MIN_MONTHS:
        return []
    if any("avance" in clause.tags for _, clause in facts.resolved):
        return []
    message = (
        "Le marché dépasse 50 000 € HT et deux mois d'exécution : une avance est due au "
        "titulaire ; précisez-en le taux, majoré pour les PME, dans le CCAP."
    )
    fixes = tuple(c.id for c in facts.library.current_clauses() if "avance" in c.tags)
    refs = ("CCP-R2191-3", "CCP-R2191-7")
    return [Finding("avance-absente", Severity.AVERTISSEMENT, message, refs, fixes)]


def versions(facts: TenderFacts) -> list[Finding]:
    """Pinned clause versions exist, are not deprecated, and say when a newer one exists."""
    findings: list[Finding] = []
    library = facts.library
    for block in facts.unknown:
        current = library.current(block.clause_id)
        fixes = (current.id,) if current else ()
        if block.malformed:
            message = f"Bloc de clause illisible (« {block.clause_id or '?'} »)."
        else:
            message = (
                f"La clause « {block.clause_id} » v{block.clause_version} est absente de la "
                "bibliothèque."
            )
        findings.append(
            Finding(
                "clause-inconnue",
                Severity.AVERTISSEMENT,
                message,
                (),
                fixes,
                block.clause_id or None,
            )
        )
    for _block, clause in facts.resolved:
        newer = library.update_available(clause.id, clause.version)
        hint = f" ; utilisez la version {newer.version}" if newer else ""
        launch = facts.summary.launch_date
        if clause.status is Status.DRAFT:
            state = "n'est pas validée"
        elif clause.status is Status.DEPRECATED:
            state = "n'est plus en vigueur"
        elif launch is not None and not clause.is_valid_on(launch):
            state = "n'est pas en vigueur à la date de lancement"
        elif newer is not None:
            message = (
                f"Une version plus récente de « {clause.title} » est disponible "
                f"(v{newer.version}) : {newer.change_note or 'voir la bibliothèque'}"
            )
            findings.append(
                Finding(
                    "mise-a-jour-disponible",
                    Severity.INFORMATION,
                    message,
                    (),
                    (clause.id,),
                    clause.id,
                )
            )
            continue
        else:
            continue
        message = f"La version {clause.version} de « {clause.title} » {state}{hint}."
        findings.append(
            Finding("clause-obsolete", Severity.AVERTISSEMENT, message, (), (clause.id,), clause.id)
        )
    return findings


def tender_rules(facts: TenderFacts) -> list[Finding]:
    """Every coherence rule."""
    return [
        *criteria_weights(facts),
        *parameters(facts),
        *placeholders_left(facts),
        *reserved_lots(facts),
        *advance(facts),
        *versions(facts),
    ]
