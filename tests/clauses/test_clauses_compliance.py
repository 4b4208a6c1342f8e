"""Compliance rules: each with a passing and a failing tender."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from clauses import (
    REFERENCES,
    ClauseLibrary,
    Finding,
    InsertedClause,
    Lot,
    Procedure,
    PurchaseCategory,
    Reservation,
    Severity,
    Status,
    TenderSummary,
    blocking,
    check,
    decp_considerations,
    is_ready,
)

LIBRARY = ClauseLibrary.load()
BEFORE = dt.date(2026, 8, 20)
FROM = dt.date(2026, 8, 21)


def block(clause_id: str, version: int = 1, **params: Any) -> InsertedClause:
    return InsertedClause(clause_id, version, params, document="CCAP")


BASE_CLAUSES = (
    block("livrables-dematerialises"),
    block("grille-ponderation-pi"),
    block("insertion-professionnelle", facilitateur="PLIE de la métropole, 04 00 00 00 00"),
    block("ecoconception-numerique"),
    block("avance-pme"),
)


def tender(**changes: Any) -> TenderSummary:
    base: dict[str, Any] = {
        "launch_date": FROM,
        "estimated_value": Decimal(300_000),
        "procedure": Procedure.APPEL_OFFRES_OUVERT,
        "purchase_category": PurchaseCategory.INTELLECTUAL_SERVICES,
        "clauses": BASE_CLAUSES,
        "documents": {"RC": "Règlement complet.", "CCAP": "Cahier complet."},
        "duration_months": Decimal(12),
    }
    base.update(changes)
    return TenderSummary(**base)


def without(*clause_ids: str) -> tuple[InsertedClause, ...]:
    return tuple(b for b in BASE_CLAUSES if b.clause_id not in clause_ids)


def run(summary: TenderSummary, library: ClauseLibrary = LIBRARY) -> list[Finding]:
    findings = check(summary, library)
    for finding in findings:
        assert finding.message.endswith((".", ")")) or "Exception invoquée" in finding.message
        for ref_id in finding.legal_references:
            assert ref_id in REFERENCES, ref_id
        for clause_id in finding.fixes:
            assert library.versions(clause_id), clause_id
    return findings


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [finding for finding in findings if finding.id == rule]


def test_complete_tender_has_no_finding() -> None:
    findings = run(tender())
    assert findings == []
    assert is_ready(findings)


# --- loi Climat et résilience: environmental execution condition -----------------------


def test_environmental_condition_required_from_21_august_2026() -> None:
    findings = run(tender(clauses=without("livrables-dematerialises")))
    [finding] = only(findings, "climat-condition-environnementale")
    assert finding.severity is Severity.BLOQUANT
    assert "21 août 2026" in finding.message
    assert "CCP-L2112-2" in finding.legal_references
    assert "livrables-dematerialises" in finding.fixes
    assert "reunions-a-distance" in finding.fixes
    assert not is_ready(findings)


def test_environmental_condition_only_recommended_on_20_august_2026() -> None:
    findings = run(tender(launch_date=BEFORE, clauses=without("livrables-dematerialises")))
    [finding] = only(findings, "climat-condition-environnementale")
    assert finding.severity is Severity.INFORMATION
    assert finding.message.endswith("à compter du 21 août 2026.")
    assert is_ready(findings)


def test_environmental_condition_with_unknown_launch_date_warns() -> None:
    findings = run(tender(launch_date=None, clauses=without("livrables-dematerialises")))
    [finding] = only(findings, "climat-condition-environnementale")
    assert finding.severity is Severity.AVERTISSEMENT
    assert "date de lancement n'est pas renseignée" in finding.message


def test_renewable_energy_contracts_apply_early() -> None:
    early = dt.date(2025, 3, 1)
    plain = run(tender(launch_date=early, clauses=without("livrables-dematerialises")))
    assert only(plain, "climat-condition-environnementale")[0].severity is Severity.INFORMATION
    renewable = run(
        tender(
            launch_date=early, renewable_energy=True, clauses=without("livrables-dematerialises")
        )
    )
    [finding] = only(renewable, "climat-condition-environnementale")
    assert finding.severity is Severity.BLOQUANT
    assert "1er juillet 2024" in finding.message
    assert "LOI-2023-175" in finding.legal_references


def test_defence_contracts_are_out_of_scope() -> None:
    findings = run(tender(defence_or_security=True, clauses=()))
    climat = [f for f in findings if f.id.startswith("climat")]
    assert [f.id for f in climat] == ["climat-hors-champ"]
    assert climat[0].severity is Severity.INFORMATION


# --- environmental award criterion, no price-only award ----------------------------------


def test_environmental_criterion_required() -> None:
    clauses = (
        *without("grille-ponderation-pi"),
        block("critere-prix", poids=40),
        block("critere-valeur-technique", poids=60),
    )
    findings = run(tender(clauses=clauses))
    [finding] = only(findings, "climat-critere-environnemental")
    assert finding.severity is Severity.BLOQUANT
    assert {"critere-performance-environnementale", "grille-ponderation-pi"} <= set(finding.fixes)
    assert set(finding.legal_references) >= {"CCP-L2152-7", "CCP-R2152-7"}
    assert not only(findings, "ponderation-total")


def test_environmental_criterion_weighted_zero_does_not_count() -> None:
    grid = block("grille-ponderation-pi", poids_valeur_technique=60, poids_environnement=0)
    findings = run(tender(clauses=(*without("grille-ponderation-pi"), grid)))
    assert only(findings, "climat-critere-environnemental")


def test_price_only_award_blocks_from_21_august_2026() -> None:
    clauses = (*without("grille-ponderation-pi"), block("critere-prix", poids=100))
    findings = run(tender(clauses=clauses))
    [price_only] = only(findings, "climat-prix-seul")
    assert price_only.severity is Severity.BLOQUANT
    assert "critere-cout-global" in price_only.fixes
    before = run(tender(launch_date=BEFORE, clauses=clauses))
    assert only(before, "climat-prix-seul")[0].severity is Severity.INFORMATION
    assert is_ready(before)


def test_single_life_cycle_cost_criterion_is_allowed() -> None:
    clauses = (*without("grille-ponderation-pi"), block("critere-cout-global"))
    findings = run(tender(clauses=clauses, purchase_category=PurchaseCategory.SUPPLIES))
    assert not only(findings, "climat-critere-environnemental")
    assert not only(findings, "climat-prix-seul")


# --- social condition above the EU thresholds --------------------------------------------


def test_social_condition_required_above_eu_threshold() -> None:
    findings = run(tender(clauses=without("insertion-professionnelle")))
    [finding] = only(findings, "climat-condition-sociale")
    assert finding.severity is Severity.BLOQUANT
    assert "221\u00a0000\u00a0€ HT" in finding.message
    assert "insertion-professionnelle" in finding.fixes
    assert finding.legal_references[0] == "CCP-L2112-2-1"
    # The 2024-2025 thresholds are used for a 2026 launch: the user is told to check.
    assert only(findings, "seuil-europeen-a-verifier")[0].severity is Severity.INFORMATION


def test_social_condition_on_20_august_2026_is_a_recommendation() -> None:
    findings = run(tender(launch_date=BEFORE, clauses=without("insertion-professionnelle")))
    assert only(findings, "climat-condition-sociale")[0].severity is Severity.INFORMATION
    assert not only(findings, "seuil-europeen-a-verifier")


def test_social_condition_not_required_below_threshold() -> None:
    clauses = without("insertion-professionnelle")
    assert not only(
        run(tender(estimated_value=200_000, clauses=clauses)), "climat-condition-sociale"
    )
    works = tender(
        estimated_value=1_000_000, purchase_category=PurchaseCategory.WORKS, clauses=clauses
    )
    assert not only(run(works), "climat-condition-sociale")


def test_known_threshold_overrides_the_table() -> None:
    summary = tender(
        estimated_value=200_000,
        eu_threshold=Decimal(150_000),
        clauses=without("insertion-professionnelle"),
    )
    findings = run(summary)
    assert only(findings, "climat-condition-sociale")[0].severity is Severity.BLOQUANT
    assert not only(findings, "seuil-europeen-a-verifier")


def test_other_social_conditions_satisfy_the_rule() -> None:
    clauses = (*without("insertion-professionnelle"), block("formation-apprentissage"))
    assert not only(run(tender(clauses=clauses)), "climat-condition-sociale")


def test_recorded_exception_downgrades_the_social_finding() -> None:
    summary = tender(
        clauses=without("insertion-professionnelle"),
        social_exception="Urgence impérieuse (exception prévue par le texte).",
    )
    [finding] = only(run(summary), "climat-condition-sociale")
    assert finding.severity is Severity.INFORMATION
    assert "Urgence impérieuse" in finding.message


def test_unknown_estimated_value_warns_about_the_social_condition() -> None:
    summary = tender(estimated_value=None, clauses=without("insertion-professionnelle"))
    [finding] = only(run(summary), "climat-condition-sociale")
    assert finding.severity is Severity.AVERTISSEMENT


def test_sustainable_specifications_warn_but_never_block() -> None:
    findings = run(tender(clauses=without("ecoconception-numerique")))
    [finding] = only(findings, "climat-specifications")
    assert finding.severity is Severity.AVERTISSEMENT
    assert "accessibilite-numerique" in finding.fixes


# --- criteria weights --------------------------------------------------------------------


def test_weights_must_sum_to_100() -> None:
    clauses = (
        *without("grille-ponderation-pi"),
        block("critere-prix", poids="40"),
        block("critere-valeur-technique", poids="35 %"),
        block("critere-performance-environnementale", poids=15),
    )
    [finding] = only(run(tender(clauses=clauses)), "ponderation-total")
    assert finding.severity is Severity.BLOQUANT
    assert "90\u00a0% au lieu de 100\u00a0%" in finding.message
    assert "Prix 40\u00a0%" in finding.message
    good = (*clauses[:-2], block("critere-valeur-technique", poids=45), clauses[-1])
    assert not only(run(tender(clauses=good)), "ponderation-total")


def test_grid_with_changed_weights_is_checked() -> None:
    grid = block("grille-ponderation-pi", poids_prix=40)
    [finding] = only(
        run(tender(clauses=(*without("grille-ponderation-pi"), grid))), "ponderation-total"
    )
    assert "110\u00a0%" in finding.message


def test_criteria_defined_twice_are_flagged() -> None:
    clauses = (*BASE_CLAUSES, block("critere-performance-environnementale"))
    findings = run(tender(clauses=clauses))
    assert only(findings, "criteres-doublons")[0].subject == "environnement"
    assert only(findings, "ponderation-total")


# --- parameters and placeholders ---------------------------------------------------------


def test_insertion_clause_must_be_fully_filled() -> None:
    clauses = (*without("insertion-professionnelle"), block("insertion-professionnelle"))
    [finding] = only(run(tender(clauses=clauses)), "insertion-parametres")
    assert finding.severity is Severity.BLOQUANT
    assert finding.subject == "insertion-professionnelle"
    assert "« Facilitateur (structure et coordonnées) » est obligatoire" in finding.message
    assert "CCAG-TIC-2021-ART16" in finding.legal_references
    assert finding.fixes == ("insertion-professionnelle",)


def test_insertion_hours_need_the_estimated_value_or_a_typed_volume() -> None:
    missing = tender(
        estimated_value=None, clauses=(block("insertion-professionnelle", facilitateur="PLIE"),)
    )
    [finding] = only(run(missing), "insertion-parametres")
    assert "montant estimé du marché n'est pas renseigné" in finding.message
    typed = tender(
        estimated_value=None,
        clauses=(block("insertion-professionnelle", heures=400, facilitateur="PLIE"),),
    )
    assert not only(run(typed), "insertion-parametres")


def test_invalid_parameters_of_other_clauses_warn() -> None:
    clauses = (*BASE_CLAUSES, block("delai-paiement", delai=60))
    [finding] = only(run(tender(clauses=clauses)), "parametres-invalides")
    assert finding.severity is Severity.AVERTISSEMENT
    assert "inférieur ou égal à 30\u00a0jours" in finding.message


def test_unresolved_placeholders_block() -> None:
    documents = {
        "RC": "Complet.",
        "CCAP": "Au moins {{heures}} heures ; facilitateur : {{ facilitateur }}.",
    }
    [finding] = only(run(tender(documents=documents)), "champs-non-renseignes")
    assert finding.severity is Severity.BLOQUANT
    assert finding.subject == "CCAP"
    assert "{{facilitateur}}, {{heures}}" in finding.message


# --- reserved lots -----------------------------------------------------------------------


def test_reserved_lot_without_its_article_blocks() -> None:
    [finding] = only(
        run(tender(lots=(Lot("2", reservation=Reservation.INSERTION),))), "lot-reserve-article"
    )
    assert finding.severity is Severity.BLOQUANT
    assert finding.subject == "2"
    assert "L2113-13" in finding.message
    assert finding.legal_references == ("CCP-R2113-7", "CCP-L2113-13")
    assert finding.fixes == ("lot-reserve-siae",)


@pytest.mark.parametrize("lot_value", ["2", "Lot n° 2", "lot 2", " N°2 "])
def test_reserved_lot_cited_by_its_clause(lot_value: str) -> None:
    lots = (Lot("2", reservation=Reservation.INSERTION),)
    clauses = (*BASE_CLAUSES, block("lot-reserve-siae", lot=lot_value))
    findings = run(tender(lots=lots, clauses=clauses))
    assert not only(findings, "lot-reserve-article")
    assert not only(findings, "lot-reserve-non-declare")


def test_reserved_lot_cited_in_the_rc_text() -> None:
    lots = (Lot("3", reservation=Reservation.ENTREPRISES_ADAPTEES),)
    documents = {"RC": "Le lot 3 est réservé en application de l'article L. 2113-12 du code."}
    assert not only(run(tender(lots=lots, documents=documents)), "lot-reserve-article")


def test_wrong_reservation_article_does_not_count() -> None:
    lots = (Lot("2", reservation=Reservation.INSERTION),)
    wrong = (*BASE_CLAUSES, block("lot-reserve-entreprises-adaptees", lot="2"))
    assert only(run(tender(lots=lots, clauses=wrong)), "lot-reserve-article")
    joint = (Lot("2", reservation=Reservation.CONJOINTE),)
    ok = (*BASE_CLAUSES, block("lot-reserve-conjoint", lot="2"))
    assert not only(run(tender(lots=joint, clauses=ok)), "lot-reserve-article")


def test_reservation_clause_for_an_undeclared_lot_warns() -> None:
    clauses = (*BASE_CLAUSES, block("lot-reserve-siae", lot="4"))
    [finding] = only(run(tender(clauses=clauses)), "lot-reserve-non-declare")
    assert finding.severity is Severity.AVERTISSEMENT
    assert finding.subject == "4"


# --- advance, versions -------------------------------------------------------------------


def test_advance_clause_expected_above_50_000_and_two_months() -> None:
    findings = run(tender(clauses=without("avance-pme")))
    [finding] = only(findings, "avance-absente")
    assert finding.fixes == ("avance-pme",)
    assert not only(run(tender(clauses=without("avance-pme"), duration_months=2)), "avance-absente")
    small = tender(
        estimated_value=50_000, clauses=without("avance-pme", "insertion-professionnelle")
    )
    assert not only(run(small), "avance-absente")


def test_deprecated_and_unknown_versions() -> None:
    clauses = (
        *BASE_CLAUSES,
        block("capacites-proportionnees", 1, chiffre_affaires_min=100_000),
        block("clause-disparue", 3),
    )
    findings = run(tender(clauses=clauses))
    [old] = only(findings, "clause-obsolete")
    assert "utilisez la version 2" in old.message
    [unknown] = only(findings, "clause-inconnue")
    assert unknown.subject == "clause-disparue"
    current = (*BASE_CLAUSES, block("capacites-proportionnees", 2, chiffre_affaires_min=100_000))
    assert run(tender(clauses=current)) == []


def test_update_available_is_information() -> None:
    v1 = LIBRARY.current("reunions-a-distance")
    assert v1 is not None
    v2 = dataclasses.replace(v1, version=2, change_note="Nouvelle rédaction.")
    library = ClauseLibrary([*LIBRARY, v2])
    clauses = (*BASE_CLAUSES, block("reunions-a-distance", 1))
    [finding] = only(run(tender(clauses=clauses), library), "mise-a-jour-disponible")
    assert finding.severity is Severity.INFORMATION
    assert "v2" in finding.message and "Nouvelle rédaction." in finding.message
    draft = dataclasses.replace(v1, version=3, status=Status.DRAFT)
    library = ClauseLibrary([*LIBRARY, draft])
    clauses = (*BASE_CLAUSES, block("reunions-a-distance", 3))
    assert (
        "n'est pas validée"
        in only(run(tender(clauses=clauses), library), "clause-obsolete")[0].message
    )


def test_blocks_read_from_editor_attributes() -> None:
    good = InsertedClause.from_attrs(
        {"clauseId": "avance-pme", "clauseVersion": 1.0, "params": '{"taux_avance_pme": 30}'}
    )
    assert good == InsertedClause("avance-pme", 1, {"taux_avance_pme": 30})
    bad = InsertedClause.from_attrs({"clauseId": "avance-pme", "clauseVersion": 1, "params": "{x"})
    assert bad.malformed
    assert InsertedClause.from_attrs({"clauseId": "a", "clauseVersion": "1"}).malformed
    findings = run(tender(clauses=(*BASE_CLAUSES, bad)))
    assert "illisible" in only(findings, "clause-inconnue")[0].message


def test_findings_are_sorted_most_serious_first() -> None:
    summary = tender(
        clauses=without("livrables-dematerialises", "avance-pme", "ecoconception-numerique")
    )
    findings = run(summary)
    ranks = [finding.severity.rank for finding in findings]
    assert ranks == sorted(ranks)
    assert [f.id for f in blocking(findings)] == ["climat-condition-environnementale"]


def test_decp_considerations_follow_the_clauses() -> None:
    clauses = [
        LIBRARY.current(clause_id)
        for clause_id in ("grille-ponderation-pi", "insertion-professionnelle", "lot-reserve-siae")
    ]
    found = decp_considerations(c for c in clauses if c is not None)
    assert found.sociales == ("Clause sociale", "Critère social", "Marché réservé")
    assert found.environnementales == ("Critère environnemental",)
    empty = decp_considerations([])
    assert empty.sociales == ("Pas de considération sociale",)
    assert empty.environnementales == ("Pas de considération environnementale",)
