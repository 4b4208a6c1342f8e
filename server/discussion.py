"""Comments and private annotations: who sees and does what, and who is told.

Visibility: a private annotation is seen by its author only (never by managers, never over
the live channel); a pending comment (a-priori moderation) by its author and moderators; a
hidden one by moderators; everything else by every member of the tender.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from pycrdt import Doc, StickyIndex

from roles import Action, Role, can, parse_role
from server import content
from server.db import comments as stored
from server.db import tenders
from server.errors import Forbidden, InvalidInput, NotFound
from server.sync.protocol import FrameType, write_var_uint
from server.validation import clean_text

DEFAULT_CATEGORIES = ("juridique", "technique", "développement durable", "prix", "rédaction")
MAX_BODY = 5000
MAX_QUOTE = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def categories(tender: tenders.Tender) -> list[str]:
    """The comment categories of a tender (editable per tender; French defaults)."""
    if tender.comment_categories:
        try:
            values = json.loads(tender.comment_categories)
            if isinstance(values, list) and all(isinstance(v, str) for v in values):
                return values
        except ValueError:
            pass
    return list(DEFAULT_CATEGORIES)


def visible(comment: dict[str, Any], user_id: int, role: Role | None) -> bool:
    mine = comment["author_id"] == user_id
    if comment["private"]:
        return mine
    if comment["moderation"] == "hidden":
        return can(role, Action.COMMENT_MODERATE)
    if comment["moderation"] == "pending":
        return mine or can(role, Action.COMMENT_MODERATE)
    return True


def to_json(comment: dict[str, Any], user_id: int, role: Role | None) -> dict[str, Any]:
    mine = comment["author_id"] == user_id
    moderator = can(role, Action.COMMENT_MODERATE) and not comment["private"]
    anchor = None
    if comment["anchor_start"]:
        anchor = {"start": comment["anchor_start"], "end": comment["anchor_end"]}
    return {
        "id": comment["id"],
        "document_id": comment["document_id"],
        "parent_id": comment["parent_id"],
        "author": {"id": comment["author_id"], "name": comment["author_name"]},
        "body": comment["body"],
        "category": comment["category"],
        "anchor": anchor,
        "quote": comment["quote"],
        "private": bool(comment["private"]),
        "status": comment["status"],
        "moderation": comment["moderation"],
        "mentions": comment["mentions"],
        "created_at": comment["created_at"],
        "updated_at": comment["updated_at"],
        "edited": bool(comment["edited"]),
        "can_edit": mine,
        "can_delete": mine or moderator,
        "can_resolve": comment["parent_id"] is None
        and (moderator or (mine and comment["private"])),
        "can_moderate": moderator,
    }


def detached(doc: Doc, comment: dict[str, Any]) -> bool:
    """True when the commented passage was deleted: its two anchors met.

    Anchors are Yjs relative positions; once every character between them is deleted they
    resolve to the same offset. (An anchor spanning paragraphs is never reported here; the
    editor resolves those itself.)
    """
    if not comment["anchor_start"] or "\n" in comment["quote"]:
        return False
    try:
        start = StickyIndex.decode(base64.b64decode(comment["anchor_start"]))
        end = StickyIndex.decode(base64.b64decode(comment["anchor_end"]))
        with doc.transaction() as txn:
            return start.get_index(txn) >= end.get_index(txn)
    except BaseException as exc:  # a malformed anchor must not break the list
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return False


async def threads(services: Any, document_id: int, user_id: int, role: Role | None) -> list[Any]:
    rows = await stored.for_document(services.db, document_id)
    doc = await content.current_doc(services, document_id)
    roots: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["parent_id"] is None and visible(row, user_id, role):
            roots[row["id"]] = {
                **to_json(row, user_id, role),
                "detached": detached(doc, row),
                "replies": [],
            }
    for row in rows:
        parent = roots.get(row["parent_id"]) if row["parent_id"] else None
        if parent is not None and visible(row, user_id, role):
            parent["replies"].append(to_json(row, user_id, role))
    return list(roots.values())


def clean_body(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput({"body": "The comment is empty."})
    body = _CONTROL.sub("", value.replace("\r\n", "\n")).strip()
    if not body:
        raise InvalidInput({"body": "The comment is empty."})
    if len(body) > MAX_BODY:
        raise InvalidInput({"body": "The comment is too long (5,000 characters at most)."})
    return body


def anchor_part(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 400:
        raise InvalidInput({"anchor": "The anchor of the comment is invalid."})
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput({"anchor": "The anchor of the comment is invalid."}) from None
    return value


async def _mentions(services: Any, tender_id: int, value: Any) -> list[int]:
    if not isinstance(value, list):
        return []
    ids = {v for v in value if isinstance(v, int) and not isinstance(v, bool)}
    members = {m["user_id"] for m in await tenders.list_members(services.db, tender_id)}
    return sorted(ids & members)


async def create(
    services: Any,
    document: tenders.Document,
    membership: tenders.Membership,
    user: Any,
    data: dict[str, Any],
) -> dict[str, Any]:
    role = parse_role(membership.role)
    private = data.get("private") is True
    if not can(role, Action.ANNOTATION_WRITE if private else Action.COMMENT_CREATE):
        raise Forbidden()
    anchor = data.get("anchor")
    if not isinstance(anchor, dict):
        raise InvalidInput({"anchor": "The anchor of the comment is invalid."})
    category = data.get("category") or None
    if category is not None and category not in categories(membership.tender):
        raise InvalidInput({"category": "Unknown category."})
    quote = clean_text(data.get("quote") or "", limit=MAX_QUOTE * 4)
    values = {
        "document_id": document.id,
        "author_id": user.id,
        "body": clean_body(data.get("body")),
        "category": category,
        "anchor_start": anchor_part(anchor.get("start")),
        "anchor_end": anchor_part(anchor.get("end")),
        "quote": (quote or "")[:MAX_QUOTE],
        "private": private,
        "moderation": _initial_state(membership.tender, role, private),
        "mentions": []
        if private
        else await _mentions(services, document.tender_id, data.get("mentions")),
    }
    comment_id = await stored.create(services.db, **values)
    return await _after_change(services, document, comment_id, user, role, event="created")


def _initial_state(tender: tenders.Tender, role: Role | None, private: bool) -> str:
    if private or can(role, Action.COMMENT_MODERATE):
        return "visible"
    return "pending" if tender.moderation else "visible"


async def reply(
    services: Any,
    document: tenders.Document,
    membership: tenders.Membership,
    user: Any,
    parent: dict[str, Any],
    data: dict[str, Any],
) -> dict[str, Any]:
    role = parse_role(membership.role)
    if parent["parent_id"] is not None or not visible(parent, user.id, role):
        raise NotFound()
    if not (parent["private"] or can(role, Action.COMMENT_CREATE)):
        raise Forbidden()
    values = {
        "document_id": document.id,
        "parent_id": parent["id"],
        "author_id": user.id,
        "body": clean_body(data.get("body")),
        "private": bool(parent["private"]),
        "moderation": _initial_state(membership.tender, role, bool(parent["private"])),
        "mentions": []
        if parent["private"]
        else await _mentions(services, document.tender_id, data.get("mentions")),
    }
    comment_id = await stored.create(services.db, **values)
    return await _after_change(services, document, comment_id, user, role, event="replied")


async def _after_change(
    services: Any,
    document: tenders.Document,
    comment_id: int,
    user: Any,
    role: Role | None,
    *,
    event: str,
) -> dict[str, Any]:
    comment = await stored.get(services.db, comment_id)
    assert comment is not None
    push(services, document.id, comment)
    await services.notifier.comment_event(document, comment, user, event)
    return to_json(comment, user.id, role)


_EVENT = json.dumps({"event": "comments"}).encode()
# Our message type 102: "comments changed, fetch them again" (never their content).
COMMENTS_CHANGED = write_var_uint(FrameType.COMMENTS) + write_var_uint(len(_EVENT)) + _EVENT


def push(services: Any, document_id: int, *states: dict[str, Any]) -> None:
    """Tell open editors of the document that comments changed, if they may see this
    comment in any of the given states (before and after a change of visibility), here
    and in the other server processes."""
    # Only what visibility depends on travels: never the comment's content.
    fields = [{k: state[k] for k in ("author_id", "private", "moderation")} for state in states]
    push_local(services, document_id, *fields)
    services.rooms.publish_message(document_id, {"event": "comments", "states": fields})


def push_local(services: Any, document_id: int, *states: dict[str, Any]) -> None:
    message = COMMENTS_CHANGED
    for conn in services.rooms.connections():
        if conn.identity.document_id != document_id or not conn.wants_ack:
            continue
        role = parse_role(conn.role)
        if any(visible(state, conn.identity.user_id, role) for state in states):
            conn.send(message)


async def edit(
    services: Any,
    document: tenders.Document,
    user: Any,
    role: Role | None,
    comment: dict[str, Any],
    data: dict[str, Any],
) -> dict[str, Any]:
    if comment["author_id"] != user.id:
        raise NotFound() if not visible(comment, user.id, role) else Forbidden()
    await stored.change(services.db, comment["id"], body=clean_body(data.get("body")), edited=True)
    return await _after_change(services, document, comment["id"], user, role, event="edited")


async def remove(
    services: Any, document: tenders.Document, user: Any, role: Role | None, comment: dict[str, Any]
) -> None:
    if not visible(comment, user.id, role):
        raise NotFound()
    if not to_json(comment, user.id, role)["can_delete"]:
        raise Forbidden()
    await stored.delete(services.db, comment["id"])
    push(services, document.id, comment)


async def set_status(
    services: Any,
    document: tenders.Document,
    user: Any,
    role: Role | None,
    comment: dict[str, Any],
    status: str,
) -> dict[str, Any]:
    if not visible(comment, user.id, role):
        raise NotFound()
    if not to_json(comment, user.id, role)["can_resolve"]:
        raise Forbidden()
    await stored.change(services.db, comment["id"], status=status)
    return await _after_change(services, document, comment["id"], user, role, event=status)


async def moderate(
    services: Any,
    document: tenders.Document,
    user: Any,
    role: Role | None,
    comment: dict[str, Any],
    state: Any,
) -> dict[str, Any]:
    if not visible(comment, user.id, role):
        raise NotFound()
    if not to_json(comment, user.id, role)["can_moderate"]:
        raise Forbidden()
    if state not in ("visible", "hidden"):
        raise InvalidInput({"state": "Unknown moderation state."})
    await stored.change(services.db, comment["id"], moderation=state)
    push(services, document.id, comment)  # those who could see it before, too
    return await _after_change(services, document, comment["id"], user, role, event="moderated")
