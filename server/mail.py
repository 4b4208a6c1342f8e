"""Outgoing e-mail: every message is recorded in the outbox, and sent by SMTP when
WIKIMARCHE_SMTP_URL is set (smtp://user:password@host:port, or smtps:// for TLS).

Without SMTP, administrators read the outbox page and the message is also logged, so an
installation without a mail server still works (invitation links are shown to managers).
"""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader

from server.db import outbox
from server.db.engine import Database

log = logging.getLogger("wikimarche.mail")
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates") / "mail"),
    # Plain-text mails: nothing rendered here is ever interpreted as markup.
    autoescape=False,  # noqa: S701
    keep_trailing_newline=True,
)
SENDER = "Wiki-Marché <ne-pas-repondre@wikimarche.invalid>"


class Mailer:
    def __init__(self, db: Database, smtp_url: str = "") -> None:
        self.db = db
        self.smtp_url = smtp_url
        self._tasks: set[asyncio.Task[None]] = set()

    async def send(self, to: str, template: str, **values: Any) -> int:
        """Render `template` (first line = subject) and send it to `to`."""
        text = _templates.get_template(template).render(**values)
        subject, _, body = text.partition("\n")
        subject = " ".join(subject.split())[:300]
        message_id = await outbox.add(self.db, to, subject, body.strip() + "\n")
        if self.smtp_url:
            task = asyncio.get_running_loop().create_task(
                self._deliver(message_id, to, subject, body)
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            log.info("mail to %s (outbox #%s): %s", to, message_id, subject)
        return message_id

    async def _deliver(self, message_id: int, to: str, subject: str, body: str) -> None:
        import aiosmtplib

        url = urlsplit(self.smtp_url)
        message = EmailMessage()
        message["From"] = SENDER
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            await aiosmtplib.send(
                message,
                hostname=url.hostname or "localhost",
                port=url.port or (465 if url.scheme == "smtps" else 25),
                username=unquote(url.username) if url.username else None,
                password=unquote(url.password) if url.password else None,
                use_tls=url.scheme == "smtps",
                timeout=30,
            )
            await outbox.mark(self.db, message_id)
        except Exception as exc:  # a mail server problem must not fail the user's action
            log.warning("sending mail #%s failed: %s", message_id, exc)
            await outbox.mark(self.db, message_id, error=str(exc)[:500])
