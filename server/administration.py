"""Site administration: creating, disabling and resetting accounts (rules shared by the
JSON API and the pages)."""

from __future__ import annotations

import secrets
from typing import Any

from server.db import accounts
from server.errors import Conflict, InvalidInput, NotFound
from server.i18n import gettext
from server.security.passwords import MAX_LENGTH, MIN_LENGTH, hash_password
from server.sync.protocol import CloseCode
from server.sync.rooms import Selector
from server.validation import clean_text, email_address

FLAGS = ("is_active", "is_admin", "is_curator")


def temporary_password() -> str:
    return secrets.token_urlsafe(12)


async def create_account(
    services: Any, *, email: Any, name: Any, password: Any = None
) -> tuple[accounts.User, str | None]:
    """Create an account; without a password, a temporary one is generated and returned."""
    errors: dict[str, str] = {}
    address = email_address(email)
    clean_name = clean_text(name, limit=200)
    if address is None:
        errors["email"] = "Invalid e-mail address."
    if not clean_name:
        errors["name"] = "A name is required."
    generated = None
    if password in (None, ""):
        password = generated = temporary_password()
    if not isinstance(password, str) or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        errors["password"] = "The password must have at least 8 characters."  # noqa: S105
    if errors:
        raise InvalidInput(errors)
    assert address is not None and clean_name
    try:
        user = await accounts.create_user(
            services.db, email=address, name=clean_name, password_hash=hash_password(password)
        )
    except accounts.EmailTaken:
        raise Conflict(
            gettext("An account already uses this address."), code="email_taken"
        ) from None
    return user, generated


async def set_flags(
    services: Any, actor: accounts.User, user_id: int, changes: dict[str, Any]
) -> accounts.User:
    target = await accounts.get_user(services.db, user_id)
    if target is None:
        raise NotFound()
    flags = {k: v for k, v in changes.items() if k in FLAGS}
    if any(not isinstance(v, bool) for v in flags.values()):
        raise InvalidInput({k: "A true or false value is expected." for k in flags})
    if user_id == actor.id and (flags.get("is_active") is False or flags.get("is_admin") is False):
        raise Conflict(
            gettext("You cannot disable your own administrator account."), code="self_lockout"
        )
    if flags:
        await accounts.update_user(services.db, user_id, **flags)
    if flags.get("is_active") is False:
        # A disabled account loses its sessions and its live connections at once.
        services.rooms.close_matching(
            Selector(user_id=user_id), CloseCode.NOT_SIGNED_IN, "account disabled"
        )
    updated = await accounts.get_user(services.db, user_id)
    assert updated is not None
    return updated


async def reset_password(services: Any, user_id: int) -> str:
    target = await accounts.get_user(services.db, user_id)
    if target is None:
        raise NotFound()
    password = temporary_password()
    await accounts.set_password_hash(services.db, user_id, hash_password(password))
    await accounts.delete_user_sessions(services.db, user_id)
    services.rooms.close_matching(
        Selector(user_id=user_id), CloseCode.NOT_SIGNED_IN, "password reset"
    )
    return password


def user_json(user: accounts.User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "is_admin": user.is_admin,
        "is_active": user.is_active,
        "is_curator": user.is_curator,
    }
