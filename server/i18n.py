"""Translations: French by default, English on request, from gettext catalogs (Babel).

Message ids are English; `server/i18n/<lang>/messages.po` holds the translations and is
compiled in memory at start-up, so no build step is needed.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
CATALOG_DIR = Path(__file__).with_name("i18n")

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)
_catalogs: dict[str, NullTranslations] = {}


def _load(language: str) -> NullTranslations:
    path = CATALOG_DIR / language / "messages.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def translations(language: str) -> NullTranslations:
    if language not in _catalogs:
        _catalogs[language] = _load(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    return _catalogs[language]


def set_language(language: str) -> None:
    _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def pick_language(cookie: str | None, accept_language: str | None = None) -> str:
    """The language chosen with the selector (a cookie); French otherwise.

    The browser's Accept-Language is deliberately not followed: the product is French
    first, and agents often run English-language browsers at work.
    """
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE  # type: ignore[return-value]
