"""Who may do what: roles, actions and the grant table, as data (no web, no SQL)."""

from roles.grants import GRANTS, Action, Role, can, effective_role, parse_role

__all__ = ["GRANTS", "Action", "Role", "can", "effective_role", "parse_role"]
