"""Validation and publication of a tender: applies the rules of `roles.workflow` to storage,
open connections and versions.

Approvals are compared with each document's change-log position, read after the change
writer has flushed, so an edit acknowledged to its author always outdates older approvals.
Publishing freezes open connections before the last positions are read: no edit can slip
in between the check and the "publish" versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roles.workflow import (
    Decision,
    Review,
    State,
    Step,
    WorkflowError,
    check,
    effective_state,
    is_current,
    may_edit,
)
from server import history
from server.db import members, tenders
from server.db import workflow as stored
from server.errors import AppError, Forbidden, InvalidInput
from server.i18n import gettext
from server.sync.protocol import encode_access

MAX_COMMENT = 5000


class WorkflowRefused(AppError):
    status = 409
    code = "workflow"


@dataclass(frozen=True)
class Status:
    state: State
    reviews: list[dict[str, Any]]  # with "current" (bool) added

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "reviews": [
                {
                    "user_id": r["user_id"],
                    "name": r["name"],
                    "decision": r["decision"],
                    "comment": r["comment"],
                    "decided_at": r["decided_at"],
                    "current": r["current"],
                }
                for r in self.reviews
            ],
        }


def _review(row: dict[str, Any]) -> Review:
    return Review(row["user_id"], Decision(row["decision"]), row["positions"])


async def _positions(services: Any, tender_id: int) -> dict[int, int]:
    await services.writer.flush()
    return await stored.positions(services.db, tender_id)


async def status(services: Any, tender_id: int) -> Status:
    raw = await stored.get_status(services.db, tender_id)
    rows = await stored.list_reviews(services.db, tender_id)
    now = await _positions(services, tender_id)
    answers = [_review(r) for r in rows]
    state = effective_state(raw, answers, now)
    for row, review in zip(rows, answers, strict=True):
        row["current"] = is_current(review, now)
        if review.decision == Decision.APPROVED and not row["current"]:
            row["decision"] = "outdated"  # shown as such; stored as given
    return Status(state, rows)


def _refuse(error: WorkflowError) -> AppError:
    if error.code == "forbidden":
        return Forbidden(error.message)
    return WorkflowRefused(error.message, code=error.code)


async def request_validation(
    services: Any, membership: tenders.Membership, actor_id: int, user_ids: Any
) -> Status:
    tender_id = membership.tender.id
    if not isinstance(user_ids, list) or not all(isinstance(u, int) for u in user_ids):
        raise InvalidInput({"reviewers": "Choose members of the tender."})
    listed = {r["user_id"] for r in await tenders.list_members(services.db, tender_id)}
    if any(u not in listed for u in user_ids):
        raise InvalidInput({"reviewers": "Choose members of the tender."})
    current = await status(services, tender_id)
    reviewers = {r["user_id"] for r in current.reviews} | set(user_ids)
    try:
        check(
            Step.REQUEST,
            current.state,
            role=membership.role,
            reviewers=len(reviewers) if user_ids else 0,
        )
    except WorkflowError as error:
        raise _refuse(error) from None
    await stored.request(services.db, tender_id, sorted(set(user_ids)), actor_id)
    await stored.set_status(services.db, tender_id, State.IN_VALIDATION.value)
    names = [
        r["name"]
        for r in await tenders.list_members(services.db, tender_id)
        if r["user_id"] in user_ids
    ]
    await members.log_activity(
        services.db, tender_id, actor_id, "validation_requested", reviewers=names
    )
    return await status(services, tender_id)


async def answer(
    services: Any,
    membership: tenders.Membership,
    actor_id: int,
    *,
    approve: bool,
    comment: Any,
) -> Status:
    tender_id = membership.tender.id
    text = comment.strip() if isinstance(comment, str) else ""
    if len(text) > MAX_COMMENT:
        raise InvalidInput({"comment": "The comment is too long."})
    if not approve and not text:
        raise InvalidInput({"comment": "Say which changes you request."})
    current = await status(services, tender_id)
    is_reviewer = any(r["user_id"] == actor_id for r in current.reviews)
    step = Step.APPROVE if approve else Step.REQUEST_CHANGES
    try:
        check(step, current.state, role=membership.role, is_reviewer=is_reviewer)
    except WorkflowError as error:
        raise _refuse(error) from None
    now = await _positions(services, tender_id)
    decision = Decision.APPROVED if approve else Decision.CHANGES_REQUESTED
    await stored.decide(services.db, tender_id, actor_id, decision.value, text, now)
    kind = "validation_approved" if approve else "validation_changes_requested"
    await members.log_activity(services.db, tender_id, actor_id, kind, comment=text[:200])
    return await status(services, tender_id)


async def apply_freeze(services: Any, tender_id: int, tender_status: str) -> None:
    """Make every open connection on the tender, in every server process, follow its state:
    read-only when frozen, back to what the role allows otherwise."""
    services.rooms.publish_control(
        {"event": "freeze", "tender_id": tender_id, "status": tender_status}
    )
    apply_freeze_local(services, tender_id, tender_status)


def apply_freeze_local(services: Any, tender_id: int, tender_status: str) -> None:
    """`apply_freeze` for the connections of this process."""
    for conn in list(services.rooms.connections()):
        if conn.identity.tender_id != tender_id:
            continue
        allowed = may_edit(conn.role, tender_status)
        if allowed != conn.can_edit:
            conn.can_edit = allowed
            if conn.wants_ack:
                conn.send(encode_access(allowed))


async def publish(services: Any, membership: tenders.Membership, actor_id: int) -> Status:
    tender_id = membership.tender.id
    before = await status(services, tender_id)
    try:
        check(Step.PUBLISH, before.state, role=membership.role)
    except WorkflowError as error:
        raise _refuse(error) from None
    checked = await _positions(services, tender_id)
    await stored.set_status(services.db, tender_id, State.PUBLISHED.value)
    await apply_freeze(services, tender_id, State.PUBLISHED.value)
    if await _positions(services, tender_id) != checked:
        # An edit landed between the check and the freeze: the approvals are outdated.
        await stored.set_status(services.db, tender_id, State.IN_VALIDATION.value)
        await apply_freeze(services, tender_id, State.IN_VALIDATION.value)
        raise WorkflowRefused(
            "The text changed during publication: the approvals are outdated.",
            code="not_validated",
        )
    label = gettext("Publication")
    for document in await tenders.list_documents(services.db, tender_id):
        await history.capture(
            services, document.id, kind="publish", label=label, user_id=actor_id, force=True
        )
    await members.log_activity(services.db, tender_id, actor_id, "tender_published")
    return await status(services, tender_id)


async def reopen(services: Any, membership: tenders.Membership, actor_id: int) -> Status:
    return await _move(services, membership, actor_id, Step.REOPEN, "tender_reopened")


async def archive(services: Any, membership: tenders.Membership, actor_id: int) -> Status:
    return await _move(services, membership, actor_id, Step.ARCHIVE, "tender_archived")


async def _move(
    services: Any, membership: tenders.Membership, actor_id: int, step: Step, kind: str
) -> Status:
    tender_id = membership.tender.id
    current = await status(services, tender_id)
    try:
        after = check(step, current.state, role=membership.role)
    except WorkflowError as error:
        raise _refuse(error) from None
    await stored.set_status(services.db, tender_id, after.value)
    await apply_freeze(services, tender_id, after.value)
    await members.log_activity(services.db, tender_id, actor_id, kind)
    return await status(services, tender_id)
