"""French formatting of parameter values: "12 %", "150 000 €", "6 mois", "A, B et C".

Spaces inside a formatted value are no-break spaces (U+00A0), so that a number never
wraps away from its unit or its other digits in the exported documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from clauses.model import Parameter, ParameterType, ParamValue

NBSP = "\u00a0"

SINGULAR_UNITS = {
    "ans": "an",
    "années": "année",
    "heures": "heure",
    "jours": "jour",
    "minutes": "minute",
    "mois": "mois",
    "semaines": "semaine",
    "exemplaires": "exemplaire",
    "jeunes": "jeune",
    "lots": "lot",
    "pages": "page",
    "personnes": "personne",
    "références": "référence",
    "réunions": "réunion",
}
"""Plural unit → singular form, used when the value is below 2 (French rule)."""

DURATION_UNITS = frozenset({"ans", "années", "heures", "jours", "minutes", "mois", "semaines"})


def format_number(value: Decimal, *, places: int | None = None) -> str:
    """A number the French way: no-break space between thousands, decimal comma.

    Without `places`, trailing zeros after the comma are dropped ("2,5", "833").
    """
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = f"{value:.{places}f}"
    else:
        text = format(value.normalize(), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + NBSP.join(groups)
    if fraction:
        result += "," + fraction
    return "0" if result in ("-0", "") else result


def format_amount(value: Decimal, unit: str | None = None) -> str:
    """Euros: "150 000 €", "1 234,50 €"; `unit` replaces "€" (e.g. "€ HT")."""
    places = 0 if value == value.to_integral_value() else 2
    return f"{format_number(value, places=places)}{NBSP}{unit or '€'}"


def format_percentage(value: Decimal) -> str:
    """Percentages: "12 %", "2,5 %"."""
    return f"{format_number(value)}{NBSP}%"


def with_unit(value: Decimal, unit: str | None) -> str:
    """A number followed by its unit, singular below 2: "1 jour", "6 mois", "833 heures"."""
    text = format_number(value)
    if not unit:
        return text
    if abs(value) < 2:
        unit = SINGULAR_UNITS.get(unit, unit)
    return f"{text}{NBSP}{unit}"


def join_fr(items: Sequence[str]) -> str:
    """ "A", "A et B", "A, B et C"."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " et " + items[-1]


def format_value(parameter: Parameter, value: ParamValue) -> str:
    """Format an already coerced value of `parameter` for a document."""
    if isinstance(value, tuple):
        return join_fr(list(value))
    if isinstance(value, str):
        return value
    if parameter.type is ParameterType.PERCENTAGE:
        return format_percentage(value)
    if parameter.type is ParameterType.AMOUNT:
        return format_amount(value, parameter.unit)
    return with_unit(value, parameter.unit)


MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def format_date(day: dt.date) -> str:
    """ "21 août 2026", "1er juillet 2024"."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"
