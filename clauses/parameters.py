"""Typed parameter values: coercion, bounds, choices, defaults and computed values.

Values arrive from the editor (JSON numbers or strings typed by a buyer, e.g. "150 000 €",
"12,5 %") and leave as `ParamValue`s: Decimals for numbers, str, or tuples of str for
multiple choices. Every problem is reported per field, in French, in one `ParameterError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from clauses.formatting import format_amount, format_percentage, with_unit
from clauses.formulas import FORMULAS, ComputeContext, FormulaInputMissing
from clauses.model import Clause, Parameter, ParameterType, ParamValue

MAX_TEXT = 4000
NUMERIC_TYPES = frozenset(
    {ParameterType.NUMBER, ParameterType.PERCENTAGE, ParameterType.AMOUNT, ParameterType.DURATION}
)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ParameterError(ValueError):
    """Invalid parameter values; `errors` maps each bad field to a French message."""

    def __init__(self, errors: Mapping[str, str], clause_id: str | None = None) -> None:
        self.errors = dict(errors)
        self.clause_id = clause_id
        details = " ; ".join(f"{name} : {message}" for name, message in sorted(self.errors.items()))
        where = f" de la clause « {clause_id} »" if clause_id else ""
        super().__init__(f"Paramètres invalides{where} — {details}")


class _FieldError(ValueError):
    pass


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _bound(parameter: Parameter, value: Decimal) -> str:
    if parameter.type is ParameterType.PERCENTAGE:
        return format_percentage(value)
    if parameter.type is ParameterType.AMOUNT:
        return format_amount(value, parameter.unit)
    return with_unit(value, parameter.unit)


def bounds(parameter: Parameter) -> tuple[Decimal | None, Decimal | None]:
    """Effective (min, max): percentages within 0–100, amounts and durations non-negative."""
    low, high = parameter.min, parameter.max
    if parameter.type in (ParameterType.PERCENTAGE, ParameterType.AMOUNT, ParameterType.DURATION):
        low = Decimal(0) if low is None else low
    if parameter.type is ParameterType.PERCENTAGE:
        high = Decimal(100) if high is None else high
    return low, high


def _parse_number(parameter: Parameter, raw: Any) -> Decimal:
    label = parameter.label
    if isinstance(raw, bool):
        raise _FieldError(f"« {label} » doit être un nombre.")
    if isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, (int, float)):
        number = Decimal(str(raw))
    elif isinstance(raw, str):
        text = _SPACES.sub("", raw)
        for suffix in (parameter.unit or "", "%", "€HT", "€TTC", "€", "EUR"):
            suffix = _SPACES.sub("", suffix)
            if suffix and text.endswith(suffix):
                text = text[: -len(suffix)]
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise _FieldError(f"« {label} » doit être un nombre.") from None
    else:
        raise _FieldError(f"« {label} » doit être un nombre.")
    if not number.is_finite():
        raise _FieldError(f"« {label} » doit être un nombre.")
    if parameter.integer and number != number.to_integral_value():
        raise _FieldError(f"« {label} » doit être un nombre entier.")
    low, high = bounds(parameter)
    if low is not None and number < low:
        raise _FieldError(f"« {label} » doit être supérieur ou égal à {_bound(parameter, low)}.")
    if high is not None and number > high:
        raise _FieldError(f"« {label} » doit être inférieur ou égal à {_bound(parameter, high)}.")
    return number


def _parse_choice(parameter: Parameter, raw: Any) -> str:
    if isinstance(raw, str):
        folded = _fold(raw)
        for choice in parameter.choices:
            if _fold(choice) == folded:
                return choice
    quoted = [f"« {choice} »" for choice in parameter.choices]
    allowed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " ou " + quoted[-1]
    raise _FieldError(f"« {parameter.label} » doit valoir {allowed}.")


def _parse_text(parameter: Parameter, raw: Any) -> str:
    if not isinstance(raw, str):
        raise _FieldError(f"« {parameter.label} » doit être un texte.")
    text = _CONTROL.sub("", raw).strip()
    if len(text) > MAX_TEXT:
        raise _FieldError(f"« {parameter.label} » dépasse {MAX_TEXT} caractères.")
    return text


def _is_empty(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, (list, tuple)) and not raw


def coerce(parameter: Parameter, raw: Any) -> ParamValue:
    """Coerce one raw value (not empty) to the parameter's type, or raise ValueError."""
    if parameter.type in NUMERIC_TYPES:
        return _parse_number(parameter, raw)
    if parameter.type is ParameterType.CHOICE:
        if parameter.multiple:
            items = [raw] if isinstance(raw, str) else raw
            if not isinstance(items, (list, tuple)):
                raise _FieldError(f"« {parameter.label} » doit être une liste de valeurs.")
            picked = [_parse_choice(parameter, item) for item in items]
            return tuple(dict.fromkeys(picked))
        return _parse_choice(parameter, raw)
    return _parse_text(parameter, raw)


def validate_values(
    clause: Clause, values: Mapping[str, Any], *, partial: bool = False
) -> dict[str, ParamValue]:
    """Coerce `values` for `clause` and fill in defaults.

    Raises `ParameterError` for unknown names, bad types, out-of-range numbers, unknown
    choices and (unless `partial`) required parameters left empty without a default.
    Computed parameters may stay empty here: `compute` fills them.
    """
    errors: dict[str, str] = {}
    out: dict[str, ParamValue] = {}
    for name in values:
        if clause.parameter(name) is None:
            errors[name] = "Paramètre inconnu pour cette clause."
    for parameter in clause.parameters:
        raw = values.get(parameter.name)
        if _is_empty(raw):
            if parameter.default is not None:
                out[parameter.name] = parameter.default
            elif parameter.required and not partial and parameter.computed is None:
                errors[parameter.name] = f"« {parameter.label} » est obligatoire."
            continue
        try:
            out[parameter.name] = coerce(parameter, raw)
        except ValueError as error:
            errors[parameter.name] = str(error)
    if errors:
        raise ParameterError(errors, clause.id)
    return out


def compute(
    clause: Clause,
    values: Mapping[str, Any],
    context: ComputeContext | None = None,
    *,
    partial: bool = False,
) -> dict[str, ParamValue]:
    """Validate `values`, then fill every empty computed parameter from its formula.

    A value the buyer typed for a computed parameter is kept (an explicit override). Unless
    `partial`, a required computed parameter that cannot be computed is an error.
    """
    context = context or ComputeContext()
    out = validate_values(clause, values, partial=True)
    errors: dict[str, str] = {}
    for parameter in clause.parameters:
        if parameter.computed is None or parameter.name in out:
            continue
        try:
            out[parameter.name] = coerce(parameter, FORMULAS[parameter.computed](out, context))
        except FormulaInputMissing as error:
            if parameter.required and not partial:
                errors[parameter.name] = str(error)
        except ValueError as error:
            errors[parameter.name] = str(error)
    if not partial:
        for parameter in clause.parameters:
            if parameter.required and parameter.name not in out and parameter.name not in errors:
                errors[parameter.name] = f"« {parameter.label} » est obligatoire."
    if errors:
        raise ParameterError(errors, clause.id)
    return out


def computed_value(
    clause: Clause, name: str, values: Mapping[str, Any], context: ComputeContext
) -> Decimal:
    """What the formula of parameter `name` gives, ignoring any value typed for it
    (the editor shows it as a suggestion next to an override)."""
    parameter = clause.parameter(name)
    if parameter is None or parameter.computed is None:
        raise KeyError(name)
    out = validate_values(clause, values, partial=True)
    return FORMULAS[parameter.computed](out, context)


def dump_values(values: Mapping[str, ParamValue]) -> dict[str, Any]:
    """JSON-ready values for the `params` attribute of a `clause` block."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Decimal):
            out[name] = int(value) if value == value.to_integral_value() else float(value)
        elif isinstance(value, tuple):
            out[name] = list(value)
        else:
            out[name] = value
    return out
