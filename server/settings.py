"""One settings object, built from WIKIMARCHE_* environment variables and CLI flags.

Nothing reads the environment at import time: `Settings.from_env()` is called by the CLI
(or a test) and the result is passed to `create_app(settings)`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV_PREFIX = "WIKIMARCHE_"


@dataclass(frozen=True)
class Settings:
    """Everything the application needs to know about its deployment."""

    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str = ""
    public_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    demo: bool = True
    smtp_url: str = ""
    redis_url: str = ""
    # Live editing.
    room_grace_seconds: float = 30.0
    checkpoint_every: int = 500
    version_quiet_seconds: float = 60.0
    version_max_seconds: float = 600.0
    max_frame_bytes: int = 2 * 1024 * 1024
    max_document_bytes: int = 32 * 1024 * 1024
    client_queue_bytes: int = 16 * 1024 * 1024
    # Accounts.
    session_days: int = 14
    login_attempts_per_minute: int = 10
    invitation_attempts_per_minute: int = 10  # ≥ 99 % of a thousand rapid guesses refused
    invitations_per_hour: int = 60
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env: Mapping[str, str] = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, default in cls().__dict__.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is None or name == "extra":
                continue
            values[name] = _coerce(raw, default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values).resolved()

    def resolved(self) -> Settings:
        """Fill derived defaults: database under the data dir, a persistent secret key.

        Without WIKIMARCHE_SECRET_KEY the key lives in the data directory, which processes
        on one machine share; processes on several machines must be given the same key.
        """
        data_dir = Path(self.data_dir).expanduser().resolve()
        database_url = self.database_url or f"sqlite+aiosqlite:///{data_dir / 'wikimarche.db'}"
        secret_key = self.secret_key or _load_or_create_secret(data_dir)
        return replace(self, data_dir=data_dir, database_url=database_url, secret_key=secret_key)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def base_url(self) -> str:
        """Where the application is reached, for links in e-mails and feeds."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    def allowed_origins(self, host_header: str | None) -> set[str]:
        """Origins a websocket or form may come from: PUBLIC_URL, else the serving host."""
        if self.public_url:
            parts = urlsplit(self.public_url)
            return {f"{parts.scheme}://{parts.netloc}"}
        if not host_header:
            return set()
        return {f"http://{host_header}", f"https://{host_header}"}


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, Path):
        return Path(raw)
    return raw


def _load_or_create_secret(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
