"""Consistency checks on parsed clauses, one clause at a time and across the catalogue.

Each check returns French problem descriptions (empty when all is well); the loader prefixes
them with the file and clause they concern.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from clauses.formatting import DURATION_UNITS
from clauses.formulas import FORMULAS
from clauses.model import Clause, Kind, Obligation, Parameter, ParameterType, Status
from clauses.placeholders import placeholders, unresolved
from clauses.references import REFERENCES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
LABEL_REFERENCE = "CCP-R2111-12-a-R2111-17"

_OBLIGATION_KINDS = {
    Obligation.CONDITION_ENVIRONNEMENTALE: Kind.CONDITION_EXECUTION,
    Obligation.CONDITION_SOCIALE: Kind.CONDITION_EXECUTION,
    Obligation.CRITERE_ENVIRONNEMENTAL: Kind.CRITERE_ATTRIBUTION,
    Obligation.SPECIFICATION_DURABLE: Kind.SPECIFICATION_TECHNIQUE,
}


def check_parameter(parameter: Parameter) -> list[str]:
    """Problems with one parameter declaration."""
    problems: list[str] = []
    name = parameter.name
    if not PARAMETER_NAME.match(name):
        problems.append(f"nom de paramètre invalide « {name} » (minuscules, chiffres, _)")
    if not parameter.label.strip():
        problems.append(f"paramètre « {name} » sans libellé")
    is_choice = parameter.type is ParameterType.CHOICE
    if is_choice and len(parameter.choices) < 2:
        problems.append(f"paramètre « {name} » : un choix propose au moins deux valeurs")
    if not is_choice and (parameter.choices or parameter.multiple):
        problems.append(f"paramètre « {name} » : « choices » réservé au type choice")
    if parameter.type is ParameterType.DURATION and parameter.unit not in DURATION_UNITS:
        units = ", ".join(sorted(DURATION_UNITS))
        problems.append(f"paramètre « {name} » : unité de durée attendue parmi {units}")
    if parameter.min is not None and parameter.max is not None and parameter.min > parameter.max:
        problems.append(f"paramètre « {name} » : min supérieur à max")
    if parameter.computed is not None:
        formula = FORMULAS.get(parameter.computed)
        if formula is None:
            problems.append(f"paramètre « {name} » : formule inconnue « {parameter.computed} »")
        if parameter.default is not None:
            problems.append(f"paramètre « {name} » : un paramètre calculé n'a pas de défaut")
    elif parameter.default is None and not parameter.required:
        problems.append(f"paramètre « {name} » : facultatif sans valeur par défaut")
    return problems


def check_clause(clause: Clause) -> list[str]:
    """Problems with one clause version (its parameters included)."""
    problems: list[str] = []
    if not SLUG.match(clause.id):
        problems.append("identifiant invalide (minuscules, chiffres et tirets)")
    if clause.version < 1:
        problems.append("la version commence à 1")
    if not clause.title.strip() or not clause.text.strip():
        problems.append("titre et texte obligatoires")
    if not clause.pieces:
        problems.append("au moins une pièce cible")
    if clause.valid_until is not None and clause.valid_until < clause.valid_from:
        problems.append("valid_until précède valid_from")
    if clause.status is Status.DEPRECATED and clause.valid_until is None:
        problems.append("une version obsolète indique sa date de fin (valid_until)")
    problems += _check_parameters(clause)
    problems += _check_references(clause)
    problems += _check_obligations(clause)
    problems += _check_criteria(clause)
    return problems


def _check_parameters(clause: Clause) -> list[str]:
    problems: list[str] = []
    names = [parameter.name for parameter in clause.parameters]
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(f"paramètre « {name} » déclaré plusieurs fois")
    for parameter in clause.parameters:
        problems += check_parameter(parameter)
        formula = FORMULAS.get(parameter.computed or "")
        if formula is not None:
            for needed, kind in formula.inputs.items():
                other = clause.parameter(needed)
                if other is None or other.type is not kind:
                    problems.append(
                        f"la formule « {parameter.computed} » attend un paramètre "
                        f"« {needed} » de type {kind.value}"
                    )
    used = placeholders(clause.text)
    for name in sorted(used - set(names)):
        problems.append(f"espace réservé {{{{{name}}}}} non déclaré dans les paramètres")
    for name in sorted(set(names) - used):
        problems.append(f"paramètre « {name} » jamais utilisé dans le texte")
    for inner in sorted(unresolved(clause.text) - used):
        problems.append(f"espace réservé mal formé {{{{{inner}}}}}")
    return problems


def _check_references(clause: Clause) -> list[str]:
    problems: list[str] = []
    if not clause.legal_basis:
        problems.append("au moins une base juridique")
    for ref_id in clause.legal_basis:
        ref = REFERENCES.get(ref_id)
        if ref is None:
            problems.append(f"référence juridique inconnue « {ref_id} »")
        elif ref.source == "CMP2006":
            problems.append(f"référence abrogée « {ref_id} » : citer le texte actuel")
    if LABEL_REFERENCE in clause.legal_basis and "ou équivalent" not in clause.text:
        problems.append("une clause de label accepte les labels équivalents (« ou équivalent »)")
    return problems


def _check_obligations(clause: Clause) -> list[str]:
    problems: list[str] = []
    for obligation in clause.satisfies:
        if clause.kind is not _OBLIGATION_KINDS[obligation]:
            problems.append(
                f"« {obligation.value} » suppose le type {_OBLIGATION_KINDS[obligation]}"
            )
    env = clause.decp.considerations_environnementales
    social = clause.decp.considerations_sociales
    if Obligation.CONDITION_ENVIRONNEMENTALE in clause.satisfies and not env:
        problems.append("une condition environnementale porte le drapeau DECP environnemental")
    if Obligation.CRITERE_ENVIRONNEMENTAL in clause.satisfies and not env:
        problems.append("un critère environnemental porte le drapeau DECP environnemental")
    if Obligation.CONDITION_SOCIALE in clause.satisfies and not social:
        problems.append("une condition sociale porte le drapeau DECP social")
    return problems


def _check_criteria(clause: Clause) -> list[str]:
    problems: list[str] = []
    if clause.kind is Kind.CRITERE_ATTRIBUTION and not clause.criteria:
        problems.append("un critère d'attribution déclare ses critères pondérés (criteria)")
    if clause.kind is not Kind.CRITERE_ATTRIBUTION and clause.criteria:
        problems.append("seul un critère d'attribution déclare des critères pondérés")
    for criterion in clause.criteria:
        weight = clause.parameter(criterion.weight)
        if weight is None or weight.type is not ParameterType.PERCENTAGE:
            problems.append(f"la pondération « {criterion.weight} » doit être un pourcentage")
    return problems


def check_catalogue(clauses: Iterable[Clause]) -> list[str]:
    """Problems across clauses: duplicate (id, version), several validated versions of an id."""
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    validated: dict[str, list[int]] = defaultdict(list)
    families: dict[str, set[str]] = defaultdict(set)
    for clause in clauses:
        if clause.key in seen:
            problems.append(f"clause « {clause.id} » v{clause.version} définie deux fois")
        seen.add(clause.key)
        families[clause.id].add(clause.family.value)
        if clause.status is Status.VALIDATED:
            validated[clause.id].append(clause.version)
    for clause_id, versions in sorted(validated.items()):
        if len(versions) > 1:
            listed = ", ".join(f"v{version}" for version in sorted(versions))
            problems.append(f"clause « {clause_id} » : plusieurs versions validées ({listed})")
    for clause_id, names in sorted(families.items()):
        if len(names) > 1:
            problems.append(f"clause « {clause_id} » : versions dans des familles différentes")
    return problems
