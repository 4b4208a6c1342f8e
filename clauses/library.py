"""The clause library: every version of every clause, looked up by id and version.

Documents pin a clause version (`clauseId` + `clauseVersion` on the `clause` block); the
library answers which version is current and whether a pinned one has a newer validated
version ("mise à jour disponible"). Published tenders never change by themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from clauses.model import Clause, Status


class ClauseLibrary:
    """An immutable index over clause versions."""

    def __init__(self, clauses: Iterable[Clause]) -> None:
        self._by_key: dict[tuple[str, int], Clause] = {}
        versions: dict[str, list[Clause]] = defaultdict(list)
        for clause in clauses:
            self._by_key[clause.key] = clause
            versions[clause.id].append(clause)
        self._versions = {
            clause_id: tuple(sorted(items, key=lambda clause: clause.version))
            for clause_id, items in versions.items()
        }
        # The library never changes once built: the current clauses of a day are kept.
        self._current_on: dict[dt.date | None, list[Clause]] = {}

    @classmethod
    def load(cls) -> ClauseLibrary:
        """The library of the bundled catalogue."""
        from clauses.catalogue_loader import load_catalogue

        return cls(load_catalogue())

    def __iter__(self) -> Iterator[Clause]:
        for clause_id in sorted(self._versions):
            yield from self._versions[clause_id]

    def __len__(self) -> int:
        return len(self._by_key)

    def ids(self) -> list[str]:
        """Every clause id, sorted."""
        return sorted(self._versions)

    def get(self, clause_id: str, version: int) -> Clause | None:
        """The pinned version, or None if the library does not hold it."""
        return self._by_key.get((clause_id, version))

    def versions(self, clause_id: str) -> tuple[Clause, ...]:
        """Every version of a clause, oldest first."""
        return self._versions.get(clause_id, ())

    def current(self, clause_id: str, on: dt.date | None = None) -> Clause | None:
        """The latest validated version (valid on `on`, if given)."""
        for clause in reversed(self.versions(clause_id)):
            if clause.status is Status.VALIDATED and (on is None or clause.is_valid_on(on)):
                return clause
        return None

    def current_clauses(self, on: dt.date | None = None) -> list[Clause]:
        """The current version of every clause that has one."""
        if on not in self._current_on:
            found = (self.current(clause_id, on) for clause_id in self.ids())
            self._current_on[on] = [clause for clause in found if clause is not None]
        return list(self._current_on[on])

    def update_available(self, clause_id: str, version: int) -> Clause | None:
        """The current version if it is newer than `version`, else None."""
        current = self.current(clause_id)
        if current is not None and current.version > version:
            return current
        return None
