"""Random tokens and their stored form: only a SHA-256 hash is ever written to the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets (False when either is missing)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode(), b.encode())


def signed(secret: str, purpose: str, value: int) -> str:
    """A tamper-proof token carrying `value` for one purpose (e.g. unsubscribing)."""
    mac = hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256)
    return f"{value}.{mac.hexdigest()[:32]}"


def unsigned(secret: str, purpose: str, token: str) -> int | None:
    """The value inside a token made by `signed`, or None if it was not made by us."""
    value, _, _mac = token.partition(".")
    if not value.isdigit() or len(value) > 18:
        return None
    return int(value) if same(signed(secret, purpose, int(value)), token) else None
