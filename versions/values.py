"""Immutable, hashable forms of the JSON-like values stored in a Yjs document."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

FrozenValue: TypeAlias = (
    None
    | bool
    | int
    | float
    | str
    | tuple["FrozenValue", ...]
    | frozenset[tuple[str, "FrozenValue"]]
)
"""A JSON value made hashable: lists become tuples, objects frozensets of pairs."""

Attrs: TypeAlias = tuple[tuple[str, FrozenValue], ...]
"""Node attributes as (key, value) pairs sorted by key."""


def plain(value: Any) -> Any:
    """Return `value` as plain JSON data, integral floats turned into ints.

    Yjs stores every JavaScript number as a float, so `level: 2` is read back
    as `2.0`; normalizing keeps documents written here and in the browser equal.
    """
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, frozenset):
        return {str(key): plain(item) for key, item in value}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return str(value)


def freeze(value: Any) -> FrozenValue:
    """Turn JSON data into its hashable form."""
    value = plain(value)
    if isinstance(value, dict):
        return frozenset((key, freeze(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(freeze(item) for item in value)
    result: FrozenValue = value
    return result


def thaw(value: FrozenValue) -> Any:
    """Inverse of `freeze`: back to dicts and lists."""
    if isinstance(value, frozenset):
        return {key: thaw(item) for key, item in sorted(value, key=lambda pair: pair[0])}
    if isinstance(value, tuple):
        return [thaw(item) for item in value]
    return value


def make_attrs(attrs: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> Attrs:
    """Sorted, frozen attributes; `None` values are dropped as y-prosemirror does."""
    if attrs is None:
        return ()
    pairs = attrs.items() if isinstance(attrs, Mapping) else attrs
    kept = {str(key): freeze(value) for key, value in pairs if value is not None}
    return tuple(sorted(kept.items(), key=lambda pair: pair[0]))


def canonical_json(value: Any) -> str:
    """Deterministic JSON text of `value` (sorted keys, no spaces, UTF-8 kept)."""
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def as_int(value: Any) -> int | None:
    """Read an integer that may arrive as int, integral float or digit string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None
            return int(number) if number.is_integer() else None
    return None
