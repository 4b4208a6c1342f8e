"""Measured figures of the reliability suites, for docs/reliability.md.

Each suite calls `record(goal, **figures)`; the line is printed (visible with `-s`) and,
when WIKIMARCHE_FIGURES names a file, appended to it as one JSON object.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any


def record(goal: str, **figures: Any) -> None:
    line = json.dumps({"goal": goal, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ"), **figures})
    print(f"FIGURES {line}")
    target = os.environ.get("WIKIMARCHE_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(line + "\n")
