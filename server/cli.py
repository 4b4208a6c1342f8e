"""The `wikimarche` command: serve, user add, backup, restore, migrate-to."""

from __future__ import annotations

import argparse
import asyncio
import errno
import getpass
import logging
import socket
import sqlite3
import sys
from pathlib import Path
from typing import Any

from server.settings import Settings


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    return Settings.from_env(
        data_dir=getattr(args, "data_dir", None),
        database_url=getattr(args, "database_url", None),
        **extra,
    )


def _fail(message: str, code: int = 1) -> int:
    print(f"wikimarche: {message}", file=sys.stderr)
    return code


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def _not_connection_chatter(record: logging.LogRecord) -> bool:
    return record.msg not in ("connection open", "connection closed")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app
    from server.db.engine import Database, DatabaseUnavailable

    settings = _settings(
        args,
        host=args.host,
        port=args.port,
        demo=False if args.no_demo else None,
        redis_url=args.redis_url,
    )
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # The access log already has a line per websocket ("[accepted]"); the websocket
    # library's own "connection open" / "connection closed" would double it.
    logging.getLogger("uvicorn.error").addFilter(_not_connection_chatter)
    if not _port_free(settings.host, settings.port):
        return _fail(f"port {settings.port} on {settings.host} is already in use", 2)

    async def migrate() -> None:
        db = Database(settings.database_url)
        try:
            await db.migrate()
        finally:
            await db.close()

    try:
        asyncio.run(migrate())
    except DatabaseUnavailable as exc:
        return _fail(f"the database is unusable ({settings.database_url}): {exc}")
    app = create_app(settings)
    print(f"Wiki-Marché: http://{settings.host}:{settings.port}/", flush=True)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        # Per-message compression costs more CPU than small Yjs updates save.
        ws_per_message_deflate=False,
        ws_max_size=settings.max_frame_bytes,
        proxy_headers=True,
        log_level="info",
        timeout_graceful_shutdown=10,
    )
    uvicorn.Server(config).run()
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from server.db import Database, accounts
    from server.security.passwords import MIN_LENGTH, hash_password
    from server.validation import email_address

    settings = _settings(args)
    email = email_address(args.email)
    if email is None:
        return _fail("invalid e-mail address", 2)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif args.password is not None:
        password = args.password
    else:
        password = getpass.getpass("Password: ")
    if len(password) < MIN_LENGTH:
        return _fail(f"the password must have at least {MIN_LENGTH} characters", 2)

    async def run() -> int:
        db = Database(settings.database_url)
        try:
            await db.migrate()
            user = await accounts.create_user(
                db,
                email=email,
                name=args.name,
                password_hash=hash_password(password),
                is_admin=args.admin,
            )
        except accounts.EmailTaken:
            return _fail(f"an account already uses {email}", 2)
        finally:
            await db.close()
        print(f"created user {user.id} <{user.email}>")
        return 0

    return asyncio.run(run())


def _sqlite_path(settings: Settings) -> Path | None:
    prefix = "sqlite+aiosqlite:///"
    if not settings.database_url.startswith(prefix):
        return None
    return Path(settings.database_url[len(prefix) :])


def cmd_backup(args: argparse.Namespace) -> int:
    settings = _settings(args)
    source = _sqlite_path(settings)
    if source is None:
        return _fail("backup works on SQLite; use your database's own tools (pg_dump)", 2)
    if not source.exists():
        return _fail(f"no database at {source}")
    # SQLite's online backup API: a consistent copy while the server keeps writing.
    with sqlite3.connect(source) as src, sqlite3.connect(args.file) as dst:
        src.backup(dst)
    print(f"backup written to {args.file}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = _settings(args)
    target = _sqlite_path(settings)
    if target is None:
        return _fail("restore works on SQLite; use your database's own tools", 2)
    source = Path(args.file)
    if not source.exists():
        return _fail(f"no backup file at {source}", 2)
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return _fail("the backup file is damaged", 2)
            src.execute("SELECT count(*) FROM changes").fetchone()
    except sqlite3.DatabaseError as exc:
        return _fail(f"not a Wiki-Marché backup: {exc}", 2)
    if target.exists() and target.stat().st_size > 0 and not args.force:
        return _fail(f"{target} already exists; use --force to overwrite it", 2)
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    print(f"restored {source} into {target}")
    return 0


def cmd_archive_export(args: argparse.Namespace) -> int:
    from server.db import Database
    from server.export import archive

    settings = _settings(args)

    async def run() -> bytes | None:
        db = Database(settings.database_url)
        try:
            await db.migrate()
            return await archive.export_tender(db, args.tender_id)
        except LookupError:
            return None
        finally:
            await db.close()

    data = asyncio.run(run())
    if data is None:
        return _fail(f"no tender {args.tender_id}", 2)
    Path(args.file).write_bytes(data)
    print(f"archived tender {args.tender_id} into {args.file} ({len(data)} bytes)")
    return 0


def cmd_archive_import(args: argparse.Namespace) -> int:
    from server.db import Database, accounts
    from server.export import archive

    settings = _settings(args)
    raw = Path(args.file).read_bytes()

    async def run() -> int:
        db = Database(settings.database_url)
        try:
            await db.migrate()
            owner = await accounts.find_user_by_email(db, args.owner)
            if owner is None:
                return _fail(f"no account {args.owner}: create it first (wikimarche user add)", 2)
            tender_id = await archive.import_tender(db, raw, owner.id)
        except archive.BadArchive as error:
            return _fail(error.message, 2)
        finally:
            await db.close()
        print(f"imported as tender {tender_id}")
        return 0

    return asyncio.run(run())


def cmd_migrate_to(args: argparse.Namespace) -> int:
    from server.db.engine import Database, DatabaseUnavailable
    from server.db.transfer import TargetNotEmpty, copy_database, row_counts

    settings = _settings(args)
    if args.url == settings.database_url:
        return _fail("the target is the current database", 2)
    if not args.url.startswith("postgresql"):
        return _fail("the target must be a PostgreSQL URL (postgresql+asyncpg://...)", 2)

    async def run() -> int:
        source, target = Database(settings.database_url), Database(args.url)
        try:
            await source.migrate()  # an older installation is brought up to date first
            copied = await copy_database(
                source, target, lambda table, n: print(f"  {table}: {n} rows", flush=True)
            )
            if await row_counts(target) != await row_counts(source):
                return _fail("the copy differs from the source; the target is not usable")
        except TargetNotEmpty as exc:
            return _fail(f"{exc}; give an empty database", 2)
        except DatabaseUnavailable as exc:
            return _fail(f"cannot open a database: {exc}")
        finally:
            await source.close()
            await target.close()
        print(f"copied {sum(copied.values())} rows into {_redacted(args.url)}")
        print("start the server with --database-url (or WIKIMARCHE_DATABASE_URL) set to it")
        return 0

    return asyncio.run(run())


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="wikimarche", description="Wiki-Marché server")
    sub = top.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", help="data directory (default ./data)")
        p.add_argument("--database-url", help="SQLAlchemy URL (default SQLite in the data dir)")

    serve = sub.add_parser("serve", help="run the web server")
    common(serve)
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--no-demo", action="store_true", help="do not create demo data")
    serve.add_argument(
        "--redis-url", help="Redis for several server processes (default: one process)"
    )
    serve.set_defaults(func=cmd_serve)

    user = sub.add_parser("user", help="manage accounts").add_subparsers(
        dest="action", required=True
    )
    add = user.add_parser("add", help="create an account")
    common(add)
    add.add_argument("--email", required=True)
    add.add_argument("--name", required=True)
    group = add.add_mutually_exclusive_group()
    group.add_argument("--password")
    group.add_argument("--password-stdin", action="store_true")
    add.add_argument("--admin", action="store_true")
    add.set_defaults(func=cmd_user_add)

    backup = sub.add_parser("backup", help="consistent copy of the data while running")
    common(backup)
    backup.add_argument("file")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="restore a backup into the data directory")
    common(restore)
    restore.add_argument("file")
    restore.add_argument("--force", action="store_true")
    restore.set_defaults(func=cmd_restore)

    archive = sub.add_parser("archive", help="lossless archive of one tender").add_subparsers(
        dest="action", required=True
    )
    export = archive.add_parser("export", help="write a tender and its history to a file")
    common(export)
    export.add_argument("tender_id", type=int)
    export.add_argument("file")
    export.set_defaults(func=cmd_archive_export)
    load = archive.add_parser("import", help="create a new tender from an archive file")
    common(load)
    load.add_argument("file")
    load.add_argument("--owner", required=True, help="e-mail of the account that manages it")
    load.set_defaults(func=cmd_archive_import)
    migrate_to = sub.add_parser(
        "migrate-to", help="copy this installation into an empty PostgreSQL database"
    )
    common(migrate_to)
    migrate_to.add_argument("url", help="postgresql+asyncpg://user:password@host/database")
    migrate_to.set_defaults(func=cmd_migrate_to)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))
