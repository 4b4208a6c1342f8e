"""HTML rendering: one Jinja2 environment (autoescaped, translated) for every page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from server.i18n import current_language, gettext, ngettext
from server.labels import label
from server.validation import DOCUMENT_KINDS, PROCEDURES, PURCHASE_CATEGORIES

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


def _money(value: float | None) -> str:
    if value is None:
        return ""
    whole = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return whole.removesuffix(",00") + "\u00a0€" if current_language() == "fr" else f"€{value:,.2f}"


_env.filters["money"] = _money


def _datetime(timestamp: float | None) -> str:
    if not timestamp:
        return ""
    moment = dt.datetime.fromtimestamp(timestamp)
    if current_language() == "fr":
        return moment.strftime("%d/%m/%Y à %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


_env.filters["datetime"] = _datetime


def _safe_html(html: str) -> Markup:
    """HTML produced by `versions` renderers, which escape every piece of user text."""
    return Markup(html)  # noqa: S704


_env.filters["safe_html"] = _safe_html
_env.filters["label"] = label


def render(ctx: Any, template: str, values: dict[str, Any], status: int = 200) -> HTMLResponse:
    session = getattr(ctx, "session", None)
    html = _env.get_template(template).render(
        user=session.user if session else None,
        csrf_token=session.csrf_token if session else "",
        lang=current_language(),
        path=ctx.request.url.path,
        unread=getattr(ctx, "unread", 0),
        document_kinds=DOCUMENT_KINDS,
        purchase_categories=PURCHASE_CATEGORIES,
        procedures=PROCEDURES,
        **values,
    )
    return HTMLResponse(html, status_code=status)
