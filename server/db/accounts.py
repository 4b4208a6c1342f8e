"""Users and server-side sessions."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update

from server.db.engine import Database
from server.db.schema import sessions, users


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    is_admin: bool
    is_active: bool
    is_curator: bool = False


@dataclass(frozen=True)
class Session:
    token_hash: str
    user: User
    csrf_token: str
    expires_at: float


class EmailTaken(Exception):
    """An account already uses this e-mail address."""


def _user(row: object) -> User:
    m = row._mapping  # type: ignore[attr-defined]
    return User(
        m["id"],
        m["email"],
        m["name"],
        bool(m["is_admin"]),
        bool(m["is_active"]),
        bool(m["is_curator"]),
    )


async def create_user(
    db: Database, *, email: str, name: str, password_hash: str, is_admin: bool = False
) -> User:
    async with db.begin() as conn:
        exists = await conn.scalar(select(users.c.id).where(users.c.email == email))
        if exists is not None:
            raise EmailTaken(email)
        result = await conn.execute(
            insert(users).values(
                email=email,
                name=name,
                password_hash=password_hash,
                is_admin=is_admin,
                is_active=True,
                created_at=time.time(),
            )
        )
        user_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    return User(user_id, email, name, is_admin, True)


async def user_count(db: Database) -> int:
    async with db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(users)) or 0)


async def find_login(db: Database, email: str) -> tuple[User, str] | None:
    """The active account with this e-mail and its password hash."""
    async with db.read() as conn:
        row = (await conn.execute(select(users).where(users.c.email == email))).first()
    if row is None:
        return None
    return _user(row), row._mapping["password_hash"]


async def set_password_hash(db: Database, user_id: int, password_hash: str) -> None:
    async with db.begin() as conn:
        await conn.execute(
            update(users).where(users.c.id == user_id).values(password_hash=password_hash)
        )


async def get_user(db: Database, user_id: int) -> User | None:
    async with db.read() as conn:
        row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
    return None if row is None else _user(row)


async def create_session(
    db: Database, *, token_hash: str, user_id: int, csrf_token: str, lifetime: float
) -> None:
    now = time.time()
    async with db.begin() as conn:
        # Expired sessions are dropped opportunistically so the table stays small.
        await conn.execute(delete(sessions).where(sessions.c.expires_at < now))
        await conn.execute(
            insert(sessions).values(
                token_hash=token_hash,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=now,
                expires_at=now + lifetime,
            )
        )


async def get_session(db: Database, token_hash: str) -> Session | None:
    """The live session for this cookie hash, if it exists, has not expired and its user
    is active."""
    query = (
        select(sessions, users)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == token_hash)
    )
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    if row is None:
        return None
    m = row._mapping
    if m["expires_at"] < time.time() or not m["is_active"]:
        return None
    user = User(
        m["user_id"],
        m["email"],
        m["name"],
        bool(m["is_admin"]),
        bool(m["is_active"]),
        bool(m["is_curator"]),
    )
    return Session(m["token_hash"], user, m["csrf_token"], m["expires_at"])


async def delete_session(db: Database, token_hash: str) -> None:
    async with db.begin() as conn:
        await conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))


async def find_user_by_email(db: Database, email: str) -> User | None:
    async with db.read() as conn:
        row = (await conn.execute(select(users).where(users.c.email == email))).first()
    return None if row is None else _user(row)


async def list_users(db: Database) -> list[User]:
    async with db.read() as conn:
        rows = (await conn.execute(select(users).order_by(users.c.name))).all()
    return [_user(r) for r in rows]


async def update_user(db: Database, user_id: int, **fields: object) -> None:
    """Change flags (is_active, is_admin, is_curator) or the name of an account."""
    async with db.begin() as conn:
        await conn.execute(update(users).where(users.c.id == user_id).values(**fields))
        if fields.get("is_active") is False:
            await conn.execute(delete(sessions).where(sessions.c.user_id == user_id))


async def delete_user_sessions(db: Database, user_id: int) -> None:
    async with db.begin() as conn:
        await conn.execute(delete(sessions).where(sessions.c.user_id == user_id))
