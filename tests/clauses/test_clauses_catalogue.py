"""Catalogue integrity: every clause parses and is consistent; the loader names bad files."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from clauses import (
    REFERENCES,
    CatalogueError,
    Clause,
    ClauseLibrary,
    Family,
    Kind,
    Obligation,
    ParameterType,
    Status,
    load_catalogue,
    placeholders,
    unresolved,
    validate_values,
)
from clauses.catalogue_loader import CATALOGUE_DIR

CLAUSES = load_catalogue()
IDS = sorted({clause.id for clause in CLAUSES})


def by_key(clause: Clause) -> str:
    return f"{clause.id}-v{clause.version}"


def test_at_least_thirty_clauses_covering_every_family() -> None:
    assert len(IDS) >= 30
    families = Counter(clause.family for clause in CLAUSES)
    assert set(families) == set(Family)
    assert all(count >= 5 for count in families.values())


def test_ids_are_unique_slugs_and_versions_start_at_one() -> None:
    keys = [clause.key for clause in CLAUSES]
    assert len(keys) == len(set(keys))
    for clause in CLAUSES:
        assert clause.version >= 1
        assert clause.id == clause.id.lower() and " " not in clause.id


@pytest.mark.parametrize("clause", CLAUSES, ids=by_key)
def test_every_placeholder_is_declared_and_every_parameter_used(clause: Clause) -> None:
    declared = {parameter.name for parameter in clause.parameters}
    assert placeholders(clause.text) == declared
    assert unresolved(clause.text) == declared


@pytest.mark.parametrize("clause", CLAUSES, ids=by_key)
def test_parameters_are_typed_with_defaults(clause: Clause) -> None:
    for parameter in clause.parameters:
        assert isinstance(parameter.type, ParameterType)
        assert parameter.label.strip()
        # A default, a formula, or a value only the buyer knows (a lot number, a contact).
        assert parameter.default is not None or parameter.computed or parameter.required
        if parameter.type is ParameterType.CHOICE:
            assert len(parameter.choices) >= 2
    # Defaults alone are valid values.
    validate_values(clause, {}, partial=True)


def test_most_parameters_have_a_default() -> None:
    parameters = [parameter for clause in CLAUSES for parameter in clause.parameters]
    without = [p.name for p in parameters if p.default is None and p.computed is None]
    assert set(without) <= {"lot", "facilitateur", "liste_derogations", "chiffre_affaires_min"}


@pytest.mark.parametrize("clause", CLAUSES, ids=by_key)
def test_legal_references_exist_and_are_current(clause: Clause) -> None:
    assert clause.legal_basis
    for ref_id in clause.legal_basis:
        assert ref_id in REFERENCES, ref_id
        assert REFERENCES[ref_id].source != "CMP2006"


@pytest.mark.parametrize("clause", CLAUSES, ids=by_key)
def test_texts_are_french_paragraphs(clause: Clause) -> None:
    assert clause.title[0].isupper()
    assert any(word in clause.text for word in (" le ", " la ", " les ", " des ", " du "))
    assert "\n\n\n" not in clause.text


def test_obligations_and_decp_flags_are_consistent() -> None:
    for clause in CLAUSES:
        if Obligation.CONDITION_ENVIRONNEMENTALE in clause.satisfies:
            assert clause.kind is Kind.CONDITION_EXECUTION
            assert clause.decp.considerations_environnementales
        if Obligation.CONDITION_SOCIALE in clause.satisfies:
            assert clause.decp.considerations_sociales
        if clause.kind is Kind.CRITERE_ATTRIBUTION:
            assert clause.criteria
            for spec in clause.criteria:
                weight = clause.parameter(spec.weight)
                assert weight is not None and weight.type is ParameterType.PERCENTAGE


def test_label_clauses_accept_equivalent_labels() -> None:
    label_clauses = [c for c in CLAUSES if "CCP-R2111-12-a-R2111-17" in c.legal_basis]
    assert label_clauses
    assert all("ou équivalent" in clause.text for clause in label_clauses)


def test_catalogue_offers_a_fix_for_every_climat_obligation() -> None:
    library = ClauseLibrary(CLAUSES)
    current = library.current_clauses()
    for obligation in Obligation:
        assert any(obligation in clause.satisfies for clause in current), obligation


def test_pi_weighting_grid_defaults_sum_to_100() -> None:
    grid = ClauseLibrary(CLAUSES).current("grille-ponderation-pi")
    assert grid is not None
    values = validate_values(grid, {})
    total = sum((values[spec.weight] for spec in grid.criteria), start=Decimal(0))
    assert total == 100


def test_versioned_clause_keeps_its_history() -> None:
    library = ClauseLibrary(CLAUSES)
    versions = library.versions("capacites-proportionnees")
    assert [clause.version for clause in versions] == [1, 2]
    old, new = versions
    assert old.status is Status.DEPRECATED and old.valid_until is not None
    assert new.status is Status.VALIDATED and new.valid_from > old.valid_until
    assert "deux fois" in old.text and "une fois et demie" in new.text
    assert new.change_note
    assert library.current("capacites-proportionnees") == new
    assert library.update_available("capacites-proportionnees", 1) == new
    assert library.update_available("capacites-proportionnees", 2) is None


def test_load_catalogue_returns_a_fresh_list() -> None:
    first = load_catalogue()
    first.clear()
    assert len(load_catalogue()) == len(CLAUSES)


def _copy_catalogue(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def _edit(path: Path, clause_id: str, **changes: object) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["clauses"]:
        if entry["id"] == clause_id:
            entry.update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_loader_names_file_and_clause_for_an_undeclared_placeholder(tmp_path: Path) -> None:
    directory = _copy_catalogue(tmp_path)
    _edit(
        directory / "social.json",
        "formation-apprentissage",
        text="Le titulaire accueille {{nb_jeunes}} jeunes pendant {{duree_inconnue}}.",
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(directory)
    message = str(caught.value)
    assert "social.json, clause « formation-apprentissage » v1" in message
    assert "{{duree_inconnue}} non déclaré" in message
    assert "« heures_formation » jamais utilisé" in message


def test_loader_reports_every_problem_at_once(tmp_path: Path) -> None:
    directory = _copy_catalogue(tmp_path)
    _edit(directory / "critere.json", "critere-prix", legal_basis=["CCP-L9999-9"])
    _edit(directory / "economique.json", "variantes", kind="variante")
    _edit(directory / "administratif.json", "regularisation-offres", version=0)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(directory)
    problems = caught.value.problems
    assert any("critere.json" in p and "CCP-L9999-9" in p for p in problems)
    assert any("economique.json" in p and "« variante » inconnu" in p for p in problems)
    assert any("administratif.json" in p and "la version commence à 1" in p for p in problems)


def test_loader_rejects_bad_defaults_and_duplicates(tmp_path: Path) -> None:
    directory = _copy_catalogue(tmp_path)
    path = directory / "critere.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["clauses"][0]["parameters"][0]["default"] = 140
    data["clauses"].append(data["clauses"][1])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(directory)
    message = str(caught.value)
    assert "valeur par défaut invalide" in message and "100\u00a0%" in message
    assert "définie deux fois" in message


def test_loader_rejects_unreadable_json(tmp_path: Path) -> None:
    directory = tmp_path / "catalogue"
    directory.mkdir()
    (directory / "social.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"social\.json : lecture impossible"):
        load_catalogue(directory)
