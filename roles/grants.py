"""The grant table: the single place that says which Role may perform which Action.

Everything that enforces permissions (HTTP routes, the websocket handshake and the
websocket read-only filter) asks `can()`; nothing else compares role names.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A member's role on a tender (optionally overridden on one document)."""

    MANAGER = "manager"
    EDITOR = "editor"
    COMMENTER = "commenter"
    OBSERVER = "observer"


class Action(StrEnum):
    """Something a role may be allowed to do on a tender or one of its documents."""

    TENDER_READ = "tender.read"
    DOCUMENT_READ = "document.read"
    VERSION_READ = "version.read"
    ANNOTATION_WRITE = "annotation.write"
    COMMENT_CREATE = "comment.create"
    DOCUMENT_EDIT = "document.edit"
    CLAUSE_INSERT = "clause.insert"
    COMMENT_MODERATE = "comment.moderate"
    VERSION_CREATE = "version.create"
    VERSION_RESTORE = "version.restore"
    DOCUMENT_MANAGE = "document.manage"
    MEMBER_MANAGE = "member.manage"
    TENDER_SETTINGS = "tender.settings"
    TENDER_PUBLISH = "tender.publish"
    TENDER_DELETE = "tender.delete"


_EVERYONE = frozenset(Role)
_WRITERS = frozenset({Role.MANAGER, Role.EDITOR})
_DISCUSSANTS = frozenset({Role.MANAGER, Role.EDITOR, Role.COMMENTER})
_MANAGERS = frozenset({Role.MANAGER})

# The roles table of the architecture guide, row by row.
GRANTS: dict[Action, frozenset[Role]] = {
    Action.TENDER_READ: _EVERYONE,
    Action.DOCUMENT_READ: _EVERYONE,
    Action.VERSION_READ: _EVERYONE,
    Action.ANNOTATION_WRITE: _EVERYONE,
    Action.COMMENT_CREATE: _DISCUSSANTS,
    Action.DOCUMENT_EDIT: _WRITERS,
    Action.CLAUSE_INSERT: _WRITERS,
    Action.COMMENT_MODERATE: _WRITERS,
    Action.VERSION_CREATE: _WRITERS,
    Action.VERSION_RESTORE: _WRITERS,
    Action.DOCUMENT_MANAGE: _WRITERS,
    Action.MEMBER_MANAGE: _MANAGERS,
    Action.TENDER_SETTINGS: _MANAGERS,
    Action.TENDER_PUBLISH: _MANAGERS,
    Action.TENDER_DELETE: _MANAGERS,
}


def parse_role(value: object) -> Role | None:
    """Return the Role named by `value`, or None for anything else (None, '', 'admin'...)."""
    if not isinstance(value, str):
        return None
    try:
        return Role(value)
    except ValueError:
        return None


def effective_role(tender_role: object, document_role: object = None) -> Role | None:
    """The role that applies on one document: its override if any, else the tender role."""
    override = parse_role(document_role)
    return override if override is not None else parse_role(tender_role)


def can(role: object, action: Action) -> bool:
    """True when `role` (a Role, or a stored role name) grants `action`.

    Values are compared, never truthiness: an unknown, empty or missing role grants nothing.
    """
    parsed = parse_role(role)
    return parsed is not None and parsed in GRANTS[action]
