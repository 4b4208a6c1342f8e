"""DECP considerations derived from the clauses inserted in a tender.

The open-data record of a contract (données essentielles) lists its social and
environmental considerations with fixed labels; they follow from the clauses, never typed by
hand. A social award criterion gives "Critère social", a reserved lot "Marché réservé", any
other flagged clause "Clause sociale" (and likewise on the environmental side).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clauses.model import Clause, Kind

CLAUSE_SOCIALE = "Clause sociale"
CRITERE_SOCIAL = "Critère social"
MARCHE_RESERVE = "Marché réservé"
PAS_SOCIALE = "Pas de considération sociale"
CLAUSE_ENVIRONNEMENTALE = "Clause environnementale"
CRITERE_ENVIRONNEMENTAL = "Critère environnemental"
PAS_ENVIRONNEMENTALE = "Pas de considération environnementale"


@dataclass(frozen=True)
class DecpConsiderations:
    """The two DECP lists, in the DECP's own order."""

    sociales: tuple[str, ...]
    environnementales: tuple[str, ...]


def _social(clause: Clause) -> str | None:
    if not clause.decp.considerations_sociales:
        return None
    if clause.kind is Kind.RESERVATION:
        return MARCHE_RESERVE
    if clause.kind is Kind.CRITERE_ATTRIBUTION:
        return CRITERE_SOCIAL
    return CLAUSE_SOCIALE


def _environmental(clause: Clause) -> str | None:
    if not clause.decp.considerations_environnementales:
        return None
    if clause.kind is Kind.CRITERE_ATTRIBUTION:
        return CRITERE_ENVIRONNEMENTAL
    return CLAUSE_ENVIRONNEMENTALE


def decp_considerations(clauses: Iterable[Clause]) -> DecpConsiderations:
    """The DECP considerations of a tender whose documents contain `clauses`."""
    items = list(clauses)
    social = {label for label in map(_social, items) if label}
    env = {label for label in map(_environmental, items) if label}
    social_order = (CLAUSE_SOCIALE, CRITERE_SOCIAL, MARCHE_RESERVE)
    env_order = (CLAUSE_ENVIRONNEMENTALE, CRITERE_ENVIRONNEMENTAL)
    return DecpConsiderations(
        sociales=tuple(x for x in social_order if x in social) or (PAS_SOCIALE,),
        environnementales=tuple(x for x in env_order if x in env) or (PAS_ENVIRONNEMENTALE,),
    )
