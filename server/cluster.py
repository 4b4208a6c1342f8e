"""What other server processes tell this one: comment events, membership changes and
tenders frozen by publication.

Rooms apply updates and presence themselves; these events need the services (the database
for a member's new role, the roles table for who may see a comment), so they are wired here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from server import discussion, membership, workflow

log = logging.getLogger("wikimarche.cluster")


def wire(services: Any) -> None:
    rooms = services.rooms
    tasks: set[asyncio.Task[None]] = set()

    def comments(document_id: int, body: dict[str, Any]) -> None:
        discussion.push_local(services, document_id, *body.get("states", []))

    def refresh(body: dict[str, Any]) -> None:
        coro = membership.refresh_local_connections(services, body["tender_id"], body["user_id"])
        task = asyncio.get_running_loop().create_task(coro)
        tasks.add(task)
        task.add_done_callback(_done(tasks))

    def freeze(body: dict[str, Any]) -> None:
        workflow.apply_freeze_local(services, int(body["tender_id"]), str(body["status"]))

    rooms.message_listeners["comments"] = comments
    rooms.control_listeners["refresh"] = refresh
    rooms.control_listeners["freeze"] = freeze


def _done(tasks: set[asyncio.Task[None]]) -> Any:
    def done(task: asyncio.Task[None]) -> None:
        tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("applying a membership change failed", exc_info=task.exception())

    return done
