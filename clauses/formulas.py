"""Computed parameter values, named so that catalogue files can refer to them.

The insertion-hours formula (DOMAIN.md §3, SOC-02):

    heures = montant estimé HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire

e.g. 1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833,33 → 833 heures (rounded half up to the hour).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from clauses.model import ParameterType


@dataclass(frozen=True)
class ComputeContext:
    """What a formula may read from the tender: its (or the lot's) estimated value, HT."""

    estimated_value: Decimal | None = None

    @classmethod
    def of(cls, estimated_value: Decimal | float | int | None) -> ComputeContext:
        """Build a context from the server's float (or any number)."""
        if estimated_value is None:
            return cls(None)
        return cls(Decimal(str(estimated_value)))


class FormulaInputMissing(ValueError):
    """A formula lacks an input; the message says which one, in French."""


@dataclass(frozen=True)
class Formula:
    """A named computation over parameter values and the context."""

    name: str
    description: str
    inputs: Mapping[str, ParameterType]
    needs_estimated_value: bool
    function: Callable[[Mapping[str, Decimal], ComputeContext], Decimal]

    def __call__(self, values: Mapping[str, object], context: ComputeContext) -> Decimal:
        numbers: dict[str, Decimal] = {}
        for name in self.inputs:
            value = values.get(name)
            if not isinstance(value, Decimal):
                raise FormulaInputMissing(f"Renseignez d'abord le paramètre « {name} ».")
            numbers[name] = value
        if self.needs_estimated_value and context.estimated_value is None:
            raise FormulaInputMissing(
                "Calcul impossible : le montant estimé du marché n'est pas renseigné."
            )
        return self.function(numbers, context)


def insertion_hours(
    estimated_value: Decimal, labour_share_pct: Decimal, rate_pct: Decimal, hourly_cost: Decimal
) -> Decimal:
    """Hours of work reserved for people far from employment, rounded to the hour."""
    if hourly_cost <= 0:
        raise FormulaInputMissing("Calcul impossible : le coût horaire doit être positif.")
    hours = estimated_value * labour_share_pct / 100 * rate_pct / 100 / hourly_cost
    return hours.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _insertion_hours(values: Mapping[str, Decimal], context: ComputeContext) -> Decimal:
    assert context.estimated_value is not None
    return insertion_hours(
        context.estimated_value,
        values["part_main_oeuvre"],
        values["taux_insertion"],
        values["cout_horaire"],
    )


FORMULAS: Mapping[str, Formula] = {
    "heures_insertion": Formula(
        name="heures_insertion",
        description="montant estimé HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire",
        inputs={
            "part_main_oeuvre": ParameterType.PERCENTAGE,
            "taux_insertion": ParameterType.PERCENTAGE,
            "cout_horaire": ParameterType.AMOUNT,
        },
        needs_estimated_value=True,
        function=_insertion_hours,
    ),
}
"""Formulas by name; a parameter's `computed` field must be one of these keys."""
