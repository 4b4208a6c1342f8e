"""Typed parameters: coercion, bounds, choices, French messages, computed insertion hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clauses import (
    Clause,
    ClauseLibrary,
    ComputeContext,
    Family,
    Kind,
    Parameter,
    ParameterError,
    ParameterType,
    Piece,
    Status,
    compute,
    dump_values,
    insertion_hours,
    validate_values,
)
from clauses.parameters import computed_value

LIBRARY = ClauseLibrary.load()


def clause(*parameters: Parameter) -> Clause:
    text = " ".join("{{" + parameter.name + "}}" for parameter in parameters)
    return Clause(
        id="essai",
        version=1,
        title="Essai",
        family=Family.ENVIRONNEMENTAL,
        kind=Kind.CONDITION_EXECUTION,
        pieces=(Piece.CCAP,),
        legal_basis=("CCP-L2112-2",),
        text=text,
        valid_from=dt.date(2025, 1, 1),
        status=Status.VALIDATED,
        parameters=parameters,
    )


RATE = Parameter("taux", "Taux de fibres", ParameterType.PERCENTAGE, min=Decimal(50))
AMOUNT = Parameter("montant", "Montant", ParameterType.AMOUNT)
COUNT = Parameter("nombre", "Nombre de réunions", ParameterType.NUMBER, integer=True)
DELAY = Parameter("delai", "Délai", ParameterType.DURATION, unit="jours", max=Decimal(30))
CHOICE = Parameter("niveau", "Niveau RGAA", ParameterType.CHOICE, choices=("A", "AA"))
MULTI = Parameter(
    "formats", "Formats", ParameterType.CHOICE, choices=("PDF/A", "ODT", "CSV"), multiple=True
)
TEXT = Parameter("facilitateur", "Facilitateur", ParameterType.TEXT)


def insertion() -> Clause:
    found = LIBRARY.current("insertion-professionnelle")
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("parameter", "raw", "expected"),
    [
        (RATE, 75, Decimal(75)),
        (RATE, "62,5 %", Decimal("62.5")),
        (RATE, 62.5, Decimal("62.5")),
        (AMOUNT, "150 000 €", Decimal(150000)),
        (AMOUNT, "150\u202f000,50 € HT", Decimal("150000.50")),
        (COUNT, "3", Decimal(3)),
        (DELAY, "15 jours", Decimal(15)),
        (CHOICE, "aa", "AA"),
        (MULTI, ["csv", "PDF/A", "CSV"], ("CSV", "PDF/A")),
        (MULTI, "ODT", ("ODT",)),
        (TEXT, "  Maison de l'emploi\x07  ", "Maison de l'emploi"),
    ],
)
def test_coercion(parameter: Parameter, raw: object, expected: object) -> None:
    assert validate_values(clause(parameter), {parameter.name: raw})[parameter.name] == expected


@pytest.mark.parametrize(
    ("parameter", "raw", "message"),
    [
        (RATE, "beaucoup", "« Taux de fibres » doit être un nombre."),
        (RATE, True, "« Taux de fibres » doit être un nombre."),
        (RATE, 40, "« Taux de fibres » doit être supérieur ou égal à 50\u00a0%."),
        (RATE, 101, "« Taux de fibres » doit être inférieur ou égal à 100\u00a0%."),
        (AMOUNT, -5, "« Montant » doit être supérieur ou égal à 0\u00a0€."),
        (AMOUNT, "NaN", "« Montant » doit être un nombre."),
        (COUNT, 2.5, "« Nombre de réunions » doit être un nombre entier."),
        (DELAY, 45, "« Délai » doit être inférieur ou égal à 30\u00a0jours."),
        (CHOICE, "AAA", "« Niveau RGAA » doit valoir « A » ou « AA »."),
        (MULTI, ["PDF/A", "DOC"], "« Formats » doit valoir « PDF/A », « ODT » ou « CSV »."),
        (MULTI, 3, "« Formats » doit être une liste de valeurs."),
        (TEXT, 12, "« Facilitateur » doit être un texte."),
    ],
)
def test_french_error_messages(parameter: Parameter, raw: object, message: str) -> None:
    with pytest.raises(ParameterError) as caught:
        validate_values(clause(parameter), {parameter.name: raw})
    assert caught.value.errors == {parameter.name: message}


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(ParameterError) as caught:
        validate_values(clause(RATE, AMOUNT, TEXT), {"taux": 10, "montant": "x", "autre": 1})
    errors = caught.value.errors
    assert set(errors) == {"taux", "montant", "facilitateur", "autre"}
    assert errors["autre"] == "Paramètre inconnu pour cette clause."
    assert errors["facilitateur"] == "« Facilitateur » est obligatoire."
    assert "Paramètres invalides de la clause « essai »" in str(caught.value)


def test_defaults_fill_empty_values_and_partial_skips_required() -> None:
    with_default = Parameter("taux", "Taux", ParameterType.PERCENTAGE, default=Decimal(20))
    subject = clause(with_default, TEXT)
    assert validate_values(subject, {"taux": ""}, partial=True) == {"taux": Decimal(20)}
    with pytest.raises(ParameterError):
        validate_values(subject, {"taux": None})


def test_worked_example_from_domain_notes() -> None:
    # 1 M€ × 50 % × 5 % ÷ 30 €/h = 833,33 h → 833 h
    assert insertion_hours(Decimal(1_000_000), Decimal(50), Decimal(5), Decimal(30)) == 833


def test_insertion_clause_computes_its_hours_from_the_estimated_value() -> None:
    values = {
        "part_main_oeuvre": 70,
        "taux_insertion": 5,
        "cout_horaire": 35,
        "facilitateur": "PLIE de l'agglomération",
    }
    out = compute(insertion(), values, ComputeContext.of(300_000.0))
    # 300 000 × 70 % × 5 % ÷ 35 = 300 h
    assert out["heures"] == Decimal(300)
    assert out["perimetre"]  # default kept
    assert dump_values(out)["heures"] == 300


def test_typed_hours_override_the_formula_but_the_suggestion_remains() -> None:
    values = {"heures": 850, "facilitateur": "PLIE"}
    context = ComputeContext.of(1_000_000)
    assert compute(insertion(), values, context)["heures"] == 850
    # defaults: 60 % × 5 % ÷ 30 € → 1 000 h
    assert computed_value(insertion(), "heures", values, context) == 1000


def test_hours_cannot_be_computed_without_the_estimated_value() -> None:
    with pytest.raises(ParameterError) as caught:
        compute(insertion(), {"facilitateur": "PLIE"}, ComputeContext())
    assert caught.value.errors == {
        "heures": "Calcul impossible : le montant estimé du marché n'est pas renseigné."
    }
    assert "heures" not in compute(insertion(), {}, ComputeContext(), partial=True)


def test_out_of_range_inputs_block_the_computation_with_their_own_message() -> None:
    with pytest.raises(ParameterError) as caught:
        compute(insertion(), {"taux_insertion": 80, "facilitateur": "x"}, ComputeContext.of(1e6))
    assert caught.value.errors["taux_insertion"].startswith("« Taux d'insertion » doit être")


def test_dump_values_is_json_ready() -> None:
    dumped = dump_values({"a": Decimal("12.5"), "b": Decimal(3), "c": ("x", "y"), "d": "t"})
    assert dumped == {"a": 12.5, "b": 3, "c": ["x", "y"], "d": "t"}


@given(
    amount=st.integers(min_value=0, max_value=10**9),
    share=st.integers(min_value=1, max_value=100),
    rate=st.decimals(min_value=Decimal("0.5"), max_value=20, places=1),
    cost=st.integers(min_value=10, max_value=150),
)
def test_insertion_hours_is_the_rounded_formula(
    amount: int, share: int, rate: Decimal, cost: int
) -> None:
    hours = insertion_hours(Decimal(amount), Decimal(share), rate, Decimal(cost))
    exact = Decimal(amount) * share / 100 * rate / 100 / cost
    assert hours == hours.to_integral_value()
    assert abs(hours - exact) <= Decimal("0.5")


@given(st.decimals(min_value=50, max_value=100, places=2))
def test_percentages_round_trip_through_their_french_form(value: Decimal) -> None:
    text = f"{value}".replace(".", ",") + "\u00a0%"
    assert validate_values(clause(RATE), {"taux": text})["taux"] == value
