"""Placeholders in clause templates and documents, and rendering of a clause's paragraphs.

A placeholder is `{{name}}` (spaces inside the braces are tolerated). A clause's text is a
sequence of paragraphs separated by blank lines; a single line break inside a paragraph is
kept as "\\n" (the editor turns it into a `hardBreak`). Rendering leaves a placeholder
untouched when its value is missing, so that `unresolved()` finds it in the document and the
compliance check blocks the tender until it is filled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from clauses.formatting import format_value
from clauses.formulas import ComputeContext
from clauses.model import Clause
from clauses.parameters import compute

NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
PLACEHOLDER = re.compile(r"\{\{\s*(" + NAME + r")\s*\}\}")
ANY_BRACES = re.compile(r"\{\{([^{}]*)\}\}")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def placeholders(text: str) -> set[str]:
    """Names of the well-formed `{{name}}` placeholders in `text`."""
    return set(PLACEHOLDER.findall(text))


def unresolved(text: str) -> set[str]:
    """Whatever sits between `{{` and `}}` in `text`, stripped: well-formed placeholders and
    malformed ones alike (`{{ taux d'insertion }}` yields "taux d'insertion")."""
    return {inner.strip() for inner in ANY_BRACES.findall(text)}


def paragraphs(text: str) -> list[str]:
    """Split a template into its paragraphs (blank-line separated), trimmed, none empty."""
    parts = _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").strip())
    return [part.strip() for part in parts if part.strip()]


def render(
    clause: Clause,
    values: Mapping[str, Any],
    context: ComputeContext | None = None,
    *,
    strict: bool = False,
) -> list[str]:
    """The clause's paragraphs with values formatted the French way.

    Invalid values raise `ParameterError`. Missing values leave their `{{name}}` in place,
    unless `strict`, where a missing required value raises `ParameterError` too. With a
    `context`, computed parameters (insertion hours) are filled from their formula.
    """
    coerced = compute(clause, values, context, partial=not strict)

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        parameter = clause.parameter(name)
        if parameter is None or name not in coerced:
            return match.group(0)
        return format_value(parameter, coerced[name])

    return [PLACEHOLDER.sub(substitute, paragraph) for paragraph in paragraphs(clause.text)]
