"""The validation and publication workflow of a tender, as pure rules (no web, no SQL).

States: draft → in_validation → validated → published (→ archived). The manager names
reviewers; each approves or requests changes. An approval is *current* while no document
of the tender has changed since it was given (the change-log position of every document,
recorded with the approval, is still the same). "validated" is never stored by itself: it
is what "in_validation" reads as once every reviewer's approval is current, so an edit
after an approval sends the tender back to "in_validation" without anyone writing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from roles.grants import Action, Role, can, parse_role


class State(StrEnum):
    DRAFT = "draft"
    IN_VALIDATION = "in_validation"
    VALIDATED = "validated"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Step(StrEnum):
    """Something done to the workflow of a tender."""

    REQUEST = "request"  # the manager asks members to validate
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    PUBLISH = "publish"
    REOPEN = "reopen"
    ARCHIVE = "archive"


class Decision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


FROZEN = frozenset({State.PUBLISHED, State.ARCHIVED})

# What a frozen tender still allows: reading, versions, comments and annotations.
# Everything else that could change a document's text or the set of documents is refused.
FROZEN_REFUSES = frozenset(
    {
        Action.DOCUMENT_EDIT,
        Action.CLAUSE_INSERT,
        Action.VERSION_RESTORE,
        Action.DOCUMENT_MANAGE,
    }
)

Positions = Mapping[int, int]
"""Document id → id of its newest change-log row (0 when it has none)."""


@dataclass(frozen=True)
class Review:
    """One reviewer's answer, with the document positions it was given at."""

    user_id: int
    decision: Decision
    positions: Positions


class WorkflowError(Exception):
    """A step that the rules refuse; `code` is stable, `message` an English msgid."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_state(value: object) -> State:
    """The stored status as a State; anything unknown reads as a draft."""
    try:
        return State(str(value))
    except ValueError:
        return State.DRAFT


def is_frozen(status: object) -> bool:
    return parse_state(status) in FROZEN


def permits(status: object, action: Action) -> bool:
    """False when the tender's state forbids `action` whatever the role."""
    return not (is_frozen(status) and action in FROZEN_REFUSES)


def may_edit(role: object, status: object) -> bool:
    """May this role write into a document of a tender in this state (the websocket rule)."""
    return can(role, Action.DOCUMENT_EDIT) and permits(status, Action.DOCUMENT_EDIT)


def is_current(review: Review, now: Positions) -> bool:
    """An approval is current while every document is where it was when it was given
    (no edit, no document added or removed since)."""
    return review.decision == Decision.APPROVED and dict(review.positions) == dict(now)


def effective_state(stored: object, reviews: Iterable[Review], now: Positions) -> State:
    """The state shown to users: "validated" once every approval is current."""
    state = parse_state(stored)
    if state not in (State.IN_VALIDATION, State.VALIDATED):
        return state
    listed = list(reviews)
    if listed and all(is_current(r, now) for r in listed):
        return State.VALIDATED
    return State.IN_VALIDATION


def check(
    step: Step,
    state: State,
    *,
    role: object,
    is_reviewer: bool = False,
    reviewers: int = 0,
) -> State:
    """The stored state after `step`, or WorkflowError when the rules refuse it.

    `state` is the effective state; `reviewers` counts the reviewers after the step.
    """
    manager = parse_role(role) == Role.MANAGER and can(role, Action.TENDER_PUBLISH)
    if step in (Step.REQUEST, Step.PUBLISH, Step.REOPEN, Step.ARCHIVE) and not manager:
        raise WorkflowError("forbidden", "Only a manager of the tender can do this.")
    if step == Step.REQUEST:
        if state in FROZEN:
            raise WorkflowError("frozen", "The tender is published: reopen it first.")
        if reviewers == 0:
            raise WorkflowError("no_reviewer", "Choose at least one member to validate.")
        return State.IN_VALIDATION
    if step in (Step.APPROVE, Step.REQUEST_CHANGES):
        if not is_reviewer:
            raise WorkflowError("not_reviewer", "You were not asked to validate this tender.")
        if state not in (State.IN_VALIDATION, State.VALIDATED):
            raise WorkflowError("not_in_validation", "The tender is not being validated.")
        return State.IN_VALIDATION
    if step == Step.PUBLISH:
        if state != State.VALIDATED:
            raise WorkflowError(
                "not_validated",
                "Every requested approval must be given, and current, before publication.",
            )
        return State.PUBLISHED
    if step == Step.REOPEN:
        if state not in FROZEN:
            raise WorkflowError("not_published", "Only a published tender can be reopened.")
        return State.DRAFT
    if state != State.PUBLISHED:
        raise WorkflowError("not_published", "Only a published tender can be archived.")
    return State.ARCHIVED
