"""Import direction: `clauses` stays pure (no web framework, no SQL, nothing from the server)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("starlette", "sqlalchemy", "server", "uvicorn", "pycrdt", "yaml")

PROBE = """
import json, pkgutil, importlib, sys
import clauses
for module in pkgutil.iter_modules(clauses.__path__, "clauses."):
    importlib.import_module(module.name)
clauses.check(clauses.TenderSummary(launch_date=None, estimated_value=None))
print(json.dumps(sorted(sys.modules)))
"""


def test_clauses_imports_no_web_sql_or_server_module() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules = json.loads(result.stdout)
    assert "clauses.compliance" in modules
    leaked = [m for m in modules if m.split(".")[0].lower() in FORBIDDEN]
    assert leaked == []


def test_clause_sources_do_not_import_forbidden_packages() -> None:
    for path in (ROOT / "clauses").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                top = stripped.split()[1].split(".")[0].lower()
                assert top not in FORBIDDEN, f"{path.name}: {stripped}"
