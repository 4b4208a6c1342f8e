"""The Atom feed of a tender's comments (public, approved ones), behind a secret link."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - we only write XML, never parse it

ATOM = "http://www.w3.org/2005/Atom"


def _date(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat()


def atom(tender: Any, comments: list[dict[str, Any]], base_url: str, self_url: str) -> bytes:
    """ElementTree escapes every text and attribute: comment bodies cannot inject markup."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"Commentaires – {tender.title}"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base_url}/tenders/{tender.id}#comments"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    updated = max((c["updated_at"] for c in comments), default=tender.updated_at)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _date(updated)
    for comment in comments:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        title = f"{comment['author_name']} sur « {comment['document_title']} »"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{base_url}/comments/{comment['id']}"
        link = f"{base_url}/documents/{comment['document_id']}"
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _date(comment["updated_at"])
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = comment["author_name"]
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = comment["body"]
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))
