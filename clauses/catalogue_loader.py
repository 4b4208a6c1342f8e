"""Load the clause catalogue from its JSON files, validating everything.

One file per family under `clauses/catalogue/` (`environnemental.json`...), each holding
`{"family": "...", "clauses": [ ... ]}`. Every problem found in any file is collected and
reported at once by `CatalogueError`, each line naming the file and the clause.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from clauses.catalogue_checks import check_catalogue, check_clause
from clauses.model import (
    Applicability,
    Ccag,
    Clause,
    CriterionCategory,
    CriterionSpec,
    DecpFlags,
    Family,
    Kind,
    Obligation,
    Parameter,
    ParameterType,
    Piece,
    PurchaseCategory,
    Status,
)
from clauses.parameters import coerce

CATALOGUE_DIR = Path(__file__).parent / "catalogue"

CLAUSE_KEYS = frozenset(
    {
        "id", "version", "status", "title", "kind", "pieces", "ccag", "legal_basis", "text",
        "parameters", "applicability", "decp", "satisfies", "criteria", "tags", "usage_notes",
        "vigilance", "valid_from", "valid_until", "change_note",
    }
)  # fmt: skip
PARAMETER_KEYS = frozenset(
    {
        "name", "label", "type", "default", "unit", "min", "max", "choices", "multiple",
        "integer", "required", "computed", "help",
    }
)  # fmt: skip
E = TypeVar("E", bound=StrEnum)


class CatalogueError(ValueError):
    """The catalogue is invalid; `problems` lists every problem, file and clause named."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Catalogue de clauses invalide :\n- " + "\n- ".join(problems))


class _Problem(ValueError):
    pass


def _enum(kind: type[E], raw: Any, field: str) -> E:
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(item.value for item in kind)
        raise _Problem(f"{field} : « {raw} » inconnu (attendu : {allowed})") from None


def _enums(kind: type[E], raw: Any, field: str) -> tuple[E, ...]:
    return tuple(_enum(kind, item, field) for item in _list(raw, field))


def _list(raw: Any, field: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _Problem(f"{field} : liste attendue")
    return raw


def _str(raw: Any, field: str, *, optional: bool = False) -> str:
    if raw is None and optional:
        return ""
    if not isinstance(raw, str):
        raise _Problem(f"{field} : texte attendu")
    return raw


def _date(raw: Any, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_str(raw, field))
    except ValueError:
        raise _Problem(f"{field} : date AAAA-MM-JJ attendue") from None


def _decimal(raw: Any, field: str) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise _Problem(f"{field} : nombre attendu")
    return Decimal(str(raw))


def _bool(raw: Any, field: str, default: bool) -> bool:
    if raw is None:
        return default
    if not isinstance(raw, bool):
        raise _Problem(f"{field} : booléen attendu")
    return raw


def _keys(data: Any, allowed: frozenset[str], field: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise _Problem(f"{field} : objet attendu")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _Problem(f"{field} : clés inconnues {', '.join(unknown)}")
    return data


def parse_parameter(data: Any) -> Parameter:
    """A `Parameter` from its JSON object (the default is coerced to the declared type)."""
    item = _keys(data, PARAMETER_KEYS, "paramètre")
    name = _str(item.get("name"), "paramètre.name")
    where = f"paramètre « {name} »"
    parameter = Parameter(
        name=name,
        label=_str(item.get("label"), f"{where}.label"),
        type=_enum(ParameterType, item.get("type"), f"{where}.type"),
        unit=_str(item.get("unit"), f"{where}.unit", optional=True) or None,
        min=_decimal(item.get("min"), f"{where}.min"),
        max=_decimal(item.get("max"), f"{where}.max"),
        choices=tuple(_str(c, f"{where}.choices") for c in _list(item.get("choices"), where)),
        multiple=_bool(item.get("multiple"), f"{where}.multiple", False),
        integer=_bool(item.get("integer"), f"{where}.integer", False),
        required=_bool(item.get("required"), f"{where}.required", True),
        computed=_str(item.get("computed"), f"{where}.computed", optional=True) or None,
        help=_str(item.get("help"), f"{where}.help", optional=True),
    )
    if item.get("default") is None:
        return parameter
    try:
        default = coerce(parameter, item["default"])
    except ValueError as error:
        raise _Problem(f"{where} : valeur par défaut invalide ({error})") from None
    return dataclasses.replace(parameter, default=default)


def _text(raw: Any) -> str:
    if isinstance(raw, list):
        return "\n\n".join(_str(paragraph, "text") for paragraph in raw)
    return _str(raw, "text")


def _applicability(raw: Any) -> Applicability:
    if raw is None:
        return Applicability()
    keys = frozenset({"notes", "min_value", "max_value", "purchase_categories"})
    item = _keys(raw, keys, "applicability")
    return Applicability(
        notes=_str(item.get("notes"), "applicability.notes", optional=True),
        min_value=_decimal(item.get("min_value"), "applicability.min_value"),
        max_value=_decimal(item.get("max_value"), "applicability.max_value"),
        purchase_categories=_enums(
            PurchaseCategory, item.get("purchase_categories"), "applicability.purchase_categories"
        ),
    )


def _decp(raw: Any) -> DecpFlags:
    keys = frozenset({"considerations_sociales", "considerations_environnementales"})
    item = _keys(raw or {}, keys, "decp")
    return DecpFlags(
        considerations_sociales=_bool(item.get("considerations_sociales"), "decp", False),
        considerations_environnementales=_bool(
            item.get("considerations_environnementales"), "decp", False
        ),
    )


def _criterion(raw: Any) -> CriterionSpec:
    item = _keys(raw, frozenset({"label", "category", "weight"}), "criteria")
    return CriterionSpec(
        label=_str(item.get("label"), "criteria.label"),
        category=_enum(CriterionCategory, item.get("category"), "criteria.category"),
        weight=_str(item.get("weight"), "criteria.weight"),
    )


def _each(raw: Any, field: str, parse: Callable[[Any], Any]) -> tuple[Any, ...]:
    return tuple(parse(item) for item in _list(raw, field))


def parse_clause(data: Any, family: Family) -> Clause:
    """A `Clause` from its JSON object; raises ValueError naming the faulty field."""
    item = _keys(data, CLAUSE_KEYS, "clause")
    version = item.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _Problem("version : entier attendu")
    valid_until = item.get("valid_until")
    return Clause(
        id=_str(item.get("id"), "id"),
        version=version,
        title=_str(item.get("title"), "title"),
        family=family,
        kind=_enum(Kind, item.get("kind"), "kind"),
        pieces=_enums(Piece, item.get("pieces"), "pieces"),
        legal_basis=tuple(_str(r, "legal_basis") for r in _list(item.get("legal_basis"), "lb")),
        text=_text(item.get("text")),
        valid_from=_date(item.get("valid_from"), "valid_from"),
        status=_enum(Status, item.get("status"), "status"),
        parameters=_each(item.get("parameters"), "parameters", parse_parameter),
        ccag=_enums(Ccag, item.get("ccag"), "ccag"),
        applicability=_applicability(item.get("applicability")),
        decp=_decp(item.get("decp")),
        satisfies=_enums(Obligation, item.get("satisfies"), "satisfies"),
        criteria=_each(item.get("criteria"), "criteria", _criterion),
        tags=tuple(_str(tag, "tags") for tag in _list(item.get("tags"), "tags")),
        usage_notes=_str(item.get("usage_notes"), "usage_notes", optional=True),
        vigilance=tuple(_str(v, "vigilance") for v in _list(item.get("vigilance"), "vigilance")),
        valid_until=None if valid_until is None else _date(valid_until, "valid_until"),
        change_note=_str(item.get("change_note"), "change_note", optional=True),
    )


def load_file(path: Path) -> tuple[list[Clause], list[str]]:
    """The clauses of one family file, and the problems found in it (prefixed)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [], [f"{path.name} : lecture impossible ({error})"]
    if not isinstance(data, dict) or set(data) != {"family", "clauses"}:
        return [], [f'{path.name} : objet {{"family", "clauses"}} attendu']
    try:
        family = _enum(Family, data["family"], "family")
        entries = _list(data["clauses"], "clauses")
    except _Problem as error:
        return [], [f"{path.name} : {error}"]
    clauses: list[Clause] = []
    problems: list[str] = []
    for position, entry in enumerate(entries, start=1):
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path.name}, clause « {name or f'n° {position}'} »"
        if isinstance(entry, dict) and isinstance(entry.get("version"), int):
            where += f" v{entry['version']}"
        try:
            clause = parse_clause(entry, family)
        except ValueError as error:
            problems.append(f"{where} : {error}")
            continue
        problems += [f"{where} : {problem}" for problem in check_clause(clause)]
        clauses.append(clause)
    return clauses, problems


def catalogue_entries(directory: Path | None = None) -> list[tuple[Family, dict[str, Any]]]:
    """The raw JSON entry of every clause version (validated first), with its family: what
    the server stores, so that a stored version parses exactly like a shipped one."""
    directory = directory or CATALOGUE_DIR
    _load(directory)  # raises CatalogueError on any problem
    entries: list[tuple[Family, dict[str, Any]]] = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        family = Family(data["family"])
        entries += [(family, entry) for entry in data["clauses"]]
    return entries


def load_catalogue(directory: Path | None = None) -> list[Clause]:
    """Every clause version of the catalogue, validated; raises `CatalogueError`."""
    return list(_load(directory or CATALOGUE_DIR))


@functools.lru_cache(maxsize=8)
def _load(directory: Path) -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    problems: list[str] = []
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise CatalogueError([f"{directory} : aucun fichier de catalogue"])
    for path in paths:
        found, file_problems = load_file(path)
        clauses += found
        problems += file_problems
    problems += check_catalogue(clauses)
    if problems:
        raise CatalogueError(problems)
    return tuple(sorted(clauses, key=lambda clause: (clause.family, clause.id, clause.version)))
