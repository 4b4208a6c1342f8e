"""Starting points for a new tender: a DCE template, or the current documents of a past one.

Templates are outline files under `dce_templates/<name>/` (RC, CCAP, CCTP skeletons with
`{{...}}` fields the compliance panel points at until they are filled in). Copying a past
tender copies what its documents say now, as one fresh change each: not their history.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pycrdt import Doc

import versions
from roles import Action, can
from server.content import body, current_doc
from server.db import tenders
from server.demo import outline_update
from server.errors import InvalidInput
from server.sync.persistence import NewChange
from server.sync.writer import now_ms

TEMPLATE_DIR = Path(__file__).with_name("dce_templates")
PIECES = (
    ("RC", "Règlement de la consultation", "rc.md"),
    ("CCAP", "Cahier des clauses administratives particulières", "ccap.md"),
    ("CCTP", "Cahier des clauses techniques particulières", "cctp.md"),
)


@dataclass(frozen=True)
class Template:
    name: str
    label: str  # an English message id, translated where it is shown


TEMPLATES = (
    Template("intellectual", "Intellectual services (CCAG-PI 2021): RC, CCAP, CCTP"),
    Template("generic", "Generic DCE: RC, CCAP, CCTP"),
)
TEMPLATE_NAMES = frozenset(t.name for t in TEMPLATES)


async def from_template(services: Any, tender_id: int, creator_id: int, name: str) -> int:
    """Create the template's documents in the tender; returns how many."""
    if name not in TEMPLATE_NAMES:
        raise KeyError(name)
    changes = []
    for kind, title, filename in PIECES:
        source = (TEMPLATE_DIR / name / filename).read_text(encoding="utf-8")
        document = await tenders.create_document(
            services.db, tender_id=tender_id, creator_id=creator_id, title=title, kind=kind
        )
        changes.append(NewChange(document.id, creator_id, now_ms(), outline_update(source)))
    await services.change_log.append(changes)
    return len(changes)


def fresh_copy(doc: Doc) -> bytes:
    """An update writing `doc`'s current blocks into an empty document (no tombstones,
    no authors: a new start)."""
    copy: Doc = Doc()
    with copy.transaction():
        versions.write_blocks(body(copy), versions.read_blocks(body(doc)))
    return copy.get_update()


async def copy_documents(services: Any, source_id: int, tender_id: int, creator_id: int) -> int:
    """Copy the live documents of tender `source_id` into `tender_id`; returns how many."""
    changes = []
    for source in await tenders.list_documents(services.db, source_id):
        state = fresh_copy(await current_doc(services, source.id))
        document = await tenders.create_document(
            services.db,
            tender_id=tender_id,
            creator_id=creator_id,
            title=source.title,
            kind=source.kind,
        )
        changes.append(NewChange(document.id, creator_id, now_ms(), state))
    if changes:
        await services.change_log.append(changes)
    return len(changes)


async def check_start(services: Any, user_id: int, data: dict[str, Any]) -> tuple[str, int]:
    """The template name and/or past tender a creation form asks for ("" and 0 for none);
    raises `InvalidInput` before anything is created."""
    template = str(data.get("template") or "")
    raw = data.get("copy_from") or 0
    errors: dict[str, str] = {}
    if template and template not in TEMPLATE_NAMES:
        errors["template"] = "Unknown template."
    source = int(raw) if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()) else -1
    if source:
        membership = (
            await tenders.get_membership(services.db, source, user_id) if source > 0 else None
        )
        if membership is None or not can(membership.role, Action.DOCUMENT_READ):
            errors["copy_from"] = "Unknown tender."
    if template and source and not errors:
        errors["template"] = "Choose a template or a past tender, not both."
    if errors:
        raise InvalidInput(errors)
    return template, max(source, 0)


async def populate(services: Any, tender_id: int, user_id: int, template: str, source: int) -> None:
    if template:
        await from_template(services, tender_id, user_id, template)
    elif source:
        await copy_documents(services, source, tender_id, user_id)
