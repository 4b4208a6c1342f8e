"""Placeholders and rendering with French formats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clauses import (
    ClauseLibrary,
    ComputeContext,
    Parameter,
    ParameterError,
    ParameterType,
    format_amount,
    format_number,
    format_percentage,
    format_value,
    paragraphs,
    placeholders,
    render,
    unresolved,
)
from clauses.formatting import format_date, join_fr

NBSP = "\u00a0"
LIBRARY = ClauseLibrary.load()


def current(clause_id: str):  # type: ignore[no-untyped-def]
    found = LIBRARY.current(clause_id)
    assert found is not None
    return found


def test_placeholders_and_unresolved() -> None:
    text = "Au moins {{heures}} heures, {{ taux }} et {{lot.numero}} ; {{ taux d'insertion }} {x}"
    assert placeholders(text) == {"heures", "taux", "lot.numero"}
    assert unresolved(text) == {"heures", "taux", "lot.numero", "taux d'insertion"}
    assert unresolved("Texte complet, sans accolades doubles.") == set()


def test_paragraphs_split_on_blank_lines_only() -> None:
    text = "  Premier\nsuite\n\n   \n\nSecond  \r\n\r\nTroisième\n"
    assert paragraphs(text) == ["Premier\nsuite", "Second", "Troisième"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal(150000), f"150{NBSP}000"),
        (Decimal("1234567.5"), f"1{NBSP}234{NBSP}567,5"),
        (Decimal("2.50"), "2,5"),
        (Decimal(0), "0"),
        (Decimal(-1500), f"-1{NBSP}500"),
        (Decimal("1E+3"), f"1{NBSP}000"),
    ],
)
def test_french_numbers(value: Decimal, text: str) -> None:
    assert format_number(value) == text


def test_french_units() -> None:
    assert format_percentage(Decimal(12)) == f"12{NBSP}%"
    assert format_percentage(Decimal("2.5")) == f"2,5{NBSP}%"
    assert format_amount(Decimal(150000)) == f"150{NBSP}000{NBSP}€"
    assert format_amount(Decimal("1234.5"), "€ HT") == f"1{NBSP}234,50{NBSP}€ HT"
    six_months = Parameter("d", "Durée", ParameterType.DURATION, unit="mois")
    assert format_value(six_months, Decimal(6)) == f"6{NBSP}mois"
    days = Parameter("d", "Délai", ParameterType.DURATION, unit="jours")
    assert format_value(days, Decimal(1)) == f"1{NBSP}jour"
    assert format_value(days, Decimal(30)) == f"30{NBSP}jours"
    assert join_fr(["A"]) == "A" and join_fr(["A", "B", "C"]) == "A, B et C"
    assert format_date(dt.date(2026, 8, 21)) == "21 août 2026"
    assert format_date(dt.date(2024, 7, 1)) == "1er juillet 2024"


def test_render_insertion_clause_with_computed_hours() -> None:
    rendered = render(
        current("insertion-professionnelle"),
        {"facilitateur": "Maison de l'emploi de Lyon", "penalite_heure": "50"},
        ComputeContext.of(1_000_000),
    )
    text = "\n\n".join(rendered)
    assert f"au moins 1{NBSP}000{NBSP}heures de travail" in text
    assert f"main-d'œuvre de 60{NBSP}%" in text
    assert f"coût horaire moyen de 30{NBSP}€" in text
    assert f"pénalité de 50{NBSP}€ HT par heure" in text
    assert "Facilitateur : Maison de l'emploi de Lyon." in text
    assert unresolved(text) == set()
    assert len(rendered) == 6


def test_render_leaves_missing_values_visible_for_the_compliance_check() -> None:
    rendered = render(current("insertion-professionnelle"), {})
    text = "\n".join(rendered)
    assert unresolved(text) == {"heures", "facilitateur"}


def test_strict_render_refuses_missing_values() -> None:
    with pytest.raises(ParameterError) as caught:
        render(current("lot-reserve-siae"), {}, strict=True)
    assert caught.value.errors == {"lot": "« Numéro du lot réservé » est obligatoire."}


def test_render_multiple_choice_and_durations() -> None:
    rendered = render(
        current("livrables-dematerialises"),
        {"formats": ["PDF/A", "ODS", "CSV"], "exemplaires_papier": 1},
    )
    assert "Les formats admis sont les suivants : PDF/A, ODS et CSV." in rendered[0]
    assert f"ne dépasse pas 20{NBSP}Mo" in rendered[0]
    assert f"dans la limite de 1{NBSP}exemplaire par livrable" in rendered[1]
    delay = render(current("delai-paiement"), {})
    assert f"dans un délai de 30{NBSP}jours" in delay[0]


def test_render_rejects_invalid_values() -> None:
    with pytest.raises(ParameterError):
        render(current("critere-prix"), {"poids": 120})
