"""Site-level permissions: what accounts may do outside any tender, by their account flags."""

from __future__ import annotations

from enum import StrEnum


class SiteAction(StrEnum):
    """Something done on the site as a whole rather than on one tender."""

    CLAUSE_PROPOSE = "clause.propose"
    CLAUSE_CURATE = "clause.curate"


def site_can(action: SiteAction, *, is_admin: bool, is_curator: bool, is_active: bool) -> bool:
    """Proposing clauses is open to every active account; curating belongs to library
    curators (administrators may appoint curators, not curate themselves)."""
    if not is_active:
        return False
    if action is SiteAction.CLAUSE_PROPOSE:
        return True
    return is_curator
