"""Who may do what: roles, actions and the grant table, as data (no web, no SQL)."""

from roles.grants import GRANTS, Action, Role, can, effective_role, parse_role
from roles.site import SiteAction, site_can

__all__ = [
    "GRANTS",
    "Action",
    "Role",
    "SiteAction",
    "can",
    "effective_role",
    "parse_role",
    "site_can",
]
