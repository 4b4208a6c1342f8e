"""Demo data for a first start: accounts, and a tender with realistic French documents.

Created once, when the database has no account yet; the passwords are printed in the log
so that a newcomer can sign in straight away.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from pathlib import Path
from typing import Any

from pycrdt import Doc, XmlFragment

import versions
from server.db import accounts, tenders
from server.security.passwords import hash_password
from server.sync.persistence import NewChange
from server.sync.writer import now_ms

log = logging.getLogger("wikimarche.demo")
CONTENT_DIR = Path(__file__).with_name("demo_content")

DEMO_USERS = (
    ("claire.martin@demo.wikimarche.fr", "Claire Martin", "manager"),
    ("karim.benali@demo.wikimarche.fr", "Karim Benali", "editor"),
    ("sophie.leroy@demo.wikimarche.fr", "Sophie Leroy", "commenter"),
    ("jean.dupont@demo.wikimarche.fr", "Jean Dupont", "observer"),
)
DEMO_DOCUMENTS = (
    ("Règlement de la consultation", "RC", "rc.md"),
    ("Cahier des clauses administratives particulières", "CCAP", "ccap.md"),
    ("Cahier des clauses techniques particulières", "CCTP", "cctp.md"),
)


def outline_update(source: str) -> bytes:
    """The Yjs update that writes an outline into an empty document body."""
    doc: Doc = Doc()
    fragment = doc.get("content", type=XmlFragment)
    with doc.transaction():
        versions.write_blocks(fragment, versions.blocks_from_outline(source))
    return doc.get_update()


async def ensure_demo(services: Any) -> None:
    db = services.db
    if await accounts.user_count(db) > 0:
        return
    password = secrets.token_urlsafe(9)
    users = []
    for email, name, _role in DEMO_USERS:
        users.append(
            await accounts.create_user(
                db,
                email=email,
                name=name,
                password_hash=hash_password(password),
                is_admin=(email == DEMO_USERS[0][0]),
            )
        )
    manager = users[0]
    tender = await tenders.create_tender(
        db,
        creator_id=manager.id,
        fields={
            "title": "AMO – schéma directeur des achats responsables",
            "reference": "2026-AMO-014",
            "purchase_category": "intellectual_services",
            "estimated_value": 85000.0,
            "launch_date": dt.date(2026, 12, 15),
        },
    )
    for user, (_email, _name, role) in zip(users[1:], DEMO_USERS[1:], strict=True):
        await tenders.add_member(db, tender.id, user.id, role)
    changes = []
    for title, kind, filename in DEMO_DOCUMENTS:
        document = await tenders.create_document(
            db, tender_id=tender.id, creator_id=manager.id, title=title, kind=kind
        )
        source = (CONTENT_DIR / filename).read_text(encoding="utf-8")
        changes.append(NewChange(document.id, manager.id, now_ms(), outline_update(source)))
    await services.change_log.append(changes)
    lines = [f"  {email}  ({role})" for email, _name, role in DEMO_USERS]
    log.warning(
        "Demo data created. Sign in with one of these accounts, password %s :\n%s",
        password,
        "\n".join(lines),
    )
