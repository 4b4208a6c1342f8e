"""Who belongs to a tender: inviting, accepting, changing roles, removing — and applying
every change to open connections at once.

HTTP handlers (JSON API and pages) call these functions, which keep the rules in one place:
a tender keeps at least one manager, invitations are single-use hashed tokens, and every
change is written to the tender's activity log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from roles import parse_role
from roles.workflow import may_edit
from server.db import accounts, invitations, members, tenders
from server.discussion import COMMENTS_CHANGED
from server.errors import AppError, Conflict, InvalidInput, NotFound, RateLimited
from server.i18n import gettext
from server.security.tokens import new_token, token_hash
from server.sync.protocol import CloseCode, encode_access
from server.validation import email_address

INVITATION_DAYS = 14
ROLE_LABELS = {
    "manager": "gestionnaire",
    "editor": "rédacteur",
    "commenter": "commentateur",
    "observer": "observateur",
}


class InvalidInvitation(AppError):
    status = 404
    code = "invalid_invitation"
    message = "This invitation is no longer valid: ask the project lead for a new link."


@dataclass(frozen=True)
class InviteResult:
    added: bool  # an existing account was added at once
    user_id: int | None = None
    url: str | None = None
    expires_at: float | None = None


def clean_role(value: Any) -> str:
    role = parse_role(value)
    if role is None:
        raise InvalidInput({"role": "Unknown role."})
    return role.value


def base_url(services: Any, request_base: str) -> str:
    return (services.settings.public_url or request_base).rstrip("/")


async def invite(
    services: Any,
    tender: tenders.Tender,
    actor: accounts.User,
    *,
    email: Any,
    role: Any,
    request_base: str,
    link_only: bool = False,
) -> InviteResult:
    """Add an existing account at once (and tell them), or create an invitation link
    (sent by e-mail when an address is given). `link_only` always makes a link."""
    role_name = clean_role(role)
    address = email_address(email) if email not in (None, "") else None
    if email not in (None, "") and address is None:
        raise InvalidInput({"email": "Invalid e-mail address."})
    if not await services.invite_limiter.hit(f"user:{actor.id}"):
        retry = await services.invite_limiter.retry_after(f"user:{actor.id}")
        raise RateLimited(retry_after=retry)
    db = services.db
    existing = await accounts.find_user_by_email(db, address) if address else None
    site = base_url(services, request_base)
    if existing is not None and existing.is_active and not link_only:
        if not await members.add_or_keep_member(db, tender.id, existing.id, role_name):
            raise Conflict(
                gettext("This person is already a member of the tender."), code="already_member"
            )
        await members.log_activity(
            db, tender.id, actor.id, "member_added", user=existing.name, role=role_name
        )
        await services.mailer.send(
            existing.email,
            "added.txt",
            name=existing.name,
            inviter=actor.name,
            tender_title=tender.title,
            role_label=ROLE_LABELS[role_name],
            url=f"{site}/tenders/{tender.id}",
        )
        return InviteResult(added=True, user_id=existing.id)
    token = new_token()
    lifetime = INVITATION_DAYS * 86400
    _id, expires_at = await invitations.create_invitation(
        db,
        tender_id=tender.id,
        token_hash=token_hash(token),
        role=role_name,
        email=address,
        created_by=actor.id,
        lifetime=lifetime,
    )
    url = f"{site}/invitations/{token}"
    await members.log_activity(
        db, tender.id, actor.id, "invitation_created", email=address or "", role=role_name
    )
    if address:
        expires = dt.datetime.fromtimestamp(expires_at).strftime("%d/%m/%Y")
        await services.mailer.send(
            address,
            "invitation.txt",
            inviter=actor.name,
            tender_title=tender.title,
            role_label=ROLE_LABELS[role_name],
            url=url,
            expires=expires,
        )
    return InviteResult(added=False, url=url, expires_at=expires_at)


async def find_invitation(services: Any, token: str, client: str) -> invitations.Invitation:
    """The valid invitation behind a token; one uniform refusal for unknown, expired,
    used and revoked tokens, and a rate limit against guessing."""
    if not await services.token_limiter.hit(f"ip:{client}"):
        raise RateLimited(retry_after=await services.token_limiter.retry_after(f"ip:{client}"))
    if not token or len(token) > 100:
        raise InvalidInvitation()
    found = await invitations.find_valid(services.db, token_hash(token))
    if found is None:
        raise InvalidInvitation()
    return found


async def accept(services: Any, invitation: invitations.Invitation, user: accounts.User) -> int:
    db = services.db
    if not await invitations.mark_accepted(db, invitation.id, user.id):
        raise InvalidInvitation()
    added = await members.add_or_keep_member(db, invitation.tender_id, user.id, invitation.role)
    await members.log_activity(
        db,
        invitation.tender_id,
        user.id,
        "invitation_accepted",
        user=user.name,
        role=invitation.role,
        already_member=not added,
    )
    return invitation.tender_id


async def change_role(
    services: Any, tender_id: int, actor: accounts.User, user_id: int, role: Any
) -> None:
    role_name = clean_role(role)
    db = services.db
    member = await members.get_member(db, tender_id, user_id)
    if member is None:
        raise NotFound()
    try:
        await members.change_role(db, tender_id, user_id, role_name)
    except members.LastManager:
        raise Conflict(
            gettext("A tender must keep at least one manager."), code="last_manager"
        ) from None
    await members.log_activity(
        db,
        tender_id,
        actor.id,
        "role_changed",
        user=member["name"],
        old=member["role"],
        new=role_name,
    )
    await refresh_connections(services, tender_id, user_id)


async def remove(services: Any, tender_id: int, actor: accounts.User, user_id: int) -> None:
    db = services.db
    member = await members.get_member(db, tender_id, user_id)
    if member is None:
        raise NotFound()
    try:
        await members.remove_member(db, tender_id, user_id)
    except members.LastManager:
        raise Conflict(
            gettext("A tender must keep at least one manager."), code="last_manager"
        ) from None
    await members.log_activity(db, tender_id, actor.id, "member_removed", user=member["name"])
    await refresh_connections(services, tender_id, user_id)


async def set_document_role(
    services: Any, document: tenders.Document, actor: accounts.User, user_id: int, role: Any
) -> None:
    role_name = None if role in (None, "") else clean_role(role)
    db = services.db
    member = await members.get_member(db, document.tender_id, user_id)
    if member is None:
        raise NotFound()
    await members.set_document_role(db, document.id, user_id, role_name)
    await members.log_activity(
        db,
        document.tender_id,
        actor.id,
        "document_role_changed",
        user=member["name"],
        document=document.title,
        role=role_name or "",
    )
    await refresh_connections(services, document.tender_id, user_id)


async def refresh_connections(services: Any, tender_id: int, user_id: int) -> None:
    """Apply a membership change to the user's open sockets on this tender, at once, in
    every server process: removed → closed; otherwise write access follows the new role."""
    services.rooms.publish_control({"event": "refresh", "tender_id": tender_id, "user_id": user_id})
    await refresh_local_connections(services, tender_id, user_id)


async def refresh_local_connections(services: Any, tender_id: int, user_id: int) -> None:
    for conn in list(services.rooms.connections()):
        identity = conn.identity
        if identity.tender_id != tender_id or identity.user_id != user_id:
            continue
        access = await tenders.get_document_access(services.db, identity.document_id, user_id)
        if access is None:
            conn.close(CloseCode.FORBIDDEN, "no longer a member")
            continue
        if conn.role != access[1].role and conn.wants_ack:
            conn.send(COMMENTS_CHANGED)  # what this member may see and do has changed
        conn.role = access[1].role
        allowed = may_edit(access[1].role, access[1].tender.status)
        if allowed != conn.can_edit:
            conn.can_edit = allowed
            if conn.wants_ack:
                conn.send(encode_access(allowed))


async def revoke_invitation(
    services: Any, tender_id: int, actor: accounts.User, raw_id: str
) -> None:
    if not raw_id.isdigit() or not await invitations.revoke(services.db, tender_id, int(raw_id)):
        raise NotFound()
    await members.log_activity(
        services.db, tender_id, actor.id, "invitation_revoked", invitation=int(raw_id)
    )
