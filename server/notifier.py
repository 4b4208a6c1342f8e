"""Who is told about a comment: replies to their threads and mentions, in the app (the
bell) and by e-mail (unless they unsubscribed with the one-click link)."""

from __future__ import annotations

from typing import Any

from server.db import accounts, tenders
from server.db import comments as stored
from server.security.tokens import signed

UNSUBSCRIBE = "unsubscribe"


class Notifier:
    def __init__(self, services: Any) -> None:
        self.services = services

    def unsubscribe_url(self, base: str, user_id: int) -> str:
        token = signed(self.services.settings.secret_key, UNSUBSCRIBE, user_id)
        return f"{base}/unsubscribe/{token}"

    async def comment_event(
        self, document: tenders.Document, comment: dict[str, Any], actor: Any, event: str
    ) -> None:
        if comment["private"] or comment["moderation"] != "visible":
            return  # annotations are nobody else's business; pending ones wait for approval
        if event not in ("created", "replied", "moderated"):
            return
        db = self.services.db
        recipients: dict[int, str] = {uid: "mention" for uid in comment["mentions"]}
        if comment["parent_id"] is not None:
            for other in await stored.for_document(db, document.id):
                in_thread = other["id"] == comment["parent_id"] or (
                    other["parent_id"] == comment["parent_id"]
                )
                if in_thread and not other["private"]:
                    recipients.setdefault(other["author_id"], "reply")
        recipients.pop(actor.id, None)
        rows = []
        excerpt = comment["body"][:280]
        for user_id, kind in recipients.items():
            if await tenders.get_document_access(db, document.id, user_id) is None:
                continue  # no longer a member
            rows.append(
                {
                    "user_id": user_id,
                    "kind": kind,
                    "comment_id": comment["id"],
                    "document_id": document.id,
                    "actor_name": actor.name,
                    "excerpt": excerpt,
                }
            )
            await self._mail(user_id, kind, document, comment, actor)
        await stored.notify(db, rows)

    async def _mail(
        self,
        user_id: int,
        kind: str,
        document: tenders.Document,
        comment: dict[str, Any],
        actor: Any,
    ) -> None:
        db = self.services.db
        if await stored.is_unsubscribed(db, user_id):
            return
        user = await accounts.get_user(db, user_id)
        if user is None or not user.is_active:
            return
        base = self.services.settings.base_url
        await self.services.mailer.send(
            user.email,
            "comment.txt",
            name=user.name,
            actor=actor.name,
            kind=kind,
            document_title=document.title,
            body=comment["body"],
            url=f"{base}/documents/{document.id}",
            unsubscribe=self.unsubscribe_url(base, user_id),
        )
