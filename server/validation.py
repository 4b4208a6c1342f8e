"""Checks on user input for tenders and documents, shared by the JSON API and the forms.

Each function returns clean values or raises InvalidInput naming every bad field; the
messages are English message ids, translated when the error is shown.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from clauses import Procedure
from server.errors import InvalidInput

PURCHASE_CATEGORIES = ("works", "supplies", "services", "intellectual_services")
PROCEDURES = tuple(procedure.value for procedure in Procedure)
DOCUMENT_KINDS = ("RC", "CCAP", "CCTP", "AE", "BPU", "DPGF", "DQE", "other")
MAX_TITLE = 300
MAX_REFERENCE = 100
MAX_VALUE = 1e12
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}$")


def clean_text(value: Any, *, limit: int) -> str | None:
    """A single-line string without control characters, or None if not a string."""
    if not isinstance(value, str):
        return None
    value = _CONTROL.sub("", value).strip()
    return value if len(value) <= limit else None


def tender_fields(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if "title" in data or not partial:
        _title(data, errors, out)
    if "reference" in data:
        reference = clean_text(data.get("reference") or "", limit=MAX_REFERENCE)
        if reference is None:
            errors["reference"] = "The reference must be at most 100 characters."
        else:
            out["reference"] = reference
    if "purchase_category" in data:
        category = data.get("purchase_category") or ""
        if category and category not in PURCHASE_CATEGORIES:
            errors["purchase_category"] = "Unknown purchase category."
        else:
            out["purchase_category"] = category
    if "estimated_value" in data:
        value = _number(data.get("estimated_value"))
        if value is False:
            errors["estimated_value"] = "The estimated value must be a positive amount in euros."
        else:
            out["estimated_value"] = value
    if "procedure" in data:
        procedure = data.get("procedure") or ""
        if procedure and procedure not in PROCEDURES:
            errors["procedure"] = "Unknown procedure."
        else:
            out["procedure"] = procedure
    if "launch_date" in data:
        date = _date(data.get("launch_date"))
        if date is False:
            errors["launch_date"] = "The launch date must be a date (YYYY-MM-DD)."
        else:
            out["launch_date"] = date
    if errors:
        raise InvalidInput(errors)
    return out


def document_fields(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if "title" in data or not partial:
        _title(data, errors, out)
    if not partial:
        kind = data.get("kind")
        if kind not in DOCUMENT_KINDS:
            errors["kind"] = "Unknown document kind."
        else:
            out["kind"] = kind
    if errors:
        raise InvalidInput(errors)
    return out


def _title(data: dict[str, Any], errors: dict[str, str], out: dict[str, Any]) -> None:
    title = clean_text(data.get("title"), limit=MAX_TITLE)
    if not title:
        errors["title"] = "A title of 1 to 300 characters is required."
    else:
        out["title"] = title


def email_address(value: Any) -> str | None:
    text = clean_text(value, limit=320)
    if not text or not _EMAIL.match(text):
        return None
    return text.lower()


def _number(value: Any) -> float | None | bool:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        value = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        value = value.replace("€", "").replace(",", ".")
        try:
            value = float(value)
        except ValueError:
            return False
    if not isinstance(value, int | float) or not math.isfinite(value):
        return False
    if value < 0 or value > MAX_VALUE:
        return False
    return float(value)


def _date(value: Any) -> dt.date | None | bool:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return False
