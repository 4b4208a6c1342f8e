"""Dates and amounts that switch obligations on, kept as data (laws move every year or two).

- `CLIMAT_DATE`: consultations launched (notice sent) from 21 August 2026 fall under the loi
  Climat et résilience obligations (décret 2022-767); a consultation launched on
  20 August 2026 does not.
- `APER_DATE`: renewable-energy production or storage contracts apply the environmental
  condition and criterion early, from 1 July 2024 (loi APER 2023-175).
- EU thresholds for local authorities, 2024-2025 values (DOMAIN.md §1.2): 221 000 € HT for
  supplies and services, 5 538 000 € HT for works. The 2026-2027 values are still to be
  checked: `eu_threshold` says whether the value it returns was confirmed for the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from clauses.model import PurchaseCategory

CLIMAT_DATE = dt.date(2026, 8, 21)
APER_DATE = dt.date(2024, 7, 1)
ADVANCE_MIN_VALUE = Decimal(50_000)
ADVANCE_MIN_MONTHS = Decimal(2)


@dataclass(frozen=True)
class EuThresholds:
    """EU thresholds (HT) for local authorities over a validity period."""

    valid_from: dt.date
    valid_until: dt.date
    supplies_services: Decimal
    works: Decimal


EU_THRESHOLDS = (
    EuThresholds(dt.date(2024, 1, 1), dt.date(2025, 12, 31), Decimal(221_000), Decimal(5_538_000)),
)


def eu_threshold(category: PurchaseCategory | None, day: dt.date | None) -> tuple[Decimal, bool]:
    """The EU threshold for `category` on `day`, and whether it is confirmed for that day.

    Outside every known period the latest known values are returned, unconfirmed. An
    unknown category gets the (lower) supplies-and-services threshold.
    """
    confirmed = next(
        (row for row in EU_THRESHOLDS if day and row.valid_from <= day <= row.valid_until),
        None,
    )
    row = confirmed or EU_THRESHOLDS[-1]
    value = row.works if category is PurchaseCategory.WORKS else row.supplies_services
    return value, confirmed is not None


def climat_obligations_apply(launch_date: dt.date, *, renewable_energy: bool = False) -> bool:
    """True if a consultation launched on `launch_date` must meet the loi Climat rules."""
    return launch_date >= (APER_DATE if renewable_energy else CLIMAT_DATE)
