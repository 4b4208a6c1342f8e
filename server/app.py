"""The ASGI application factory: `create_app(settings)` wires storage, rooms and routes."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from server import cluster
from server.db import Database
from server.db.changes import SqlChangeLog
from server.export.dce_zip import ExportJobs
from server.gate import activity_recorder, admitter, origin_checker, refusal_logger
from server.headers import SecurityHeaders
from server.history import AutoVersions
from server.http import (
    api_admin,
    api_archive,
    api_clauses,
    api_comments,
    api_documents,
    api_export,
    api_import,
    api_members,
    api_search,
    api_session,
    api_tenders,
    api_versions,
    api_workflow,
    openapi,
    pages_admin,
    pages_auth,
    pages_comments,
    pages_documents,
    pages_export,
    pages_library,
    pages_members,
    pages_tenders,
    pages_versions,
    pages_workflow,
)
from server.http.routing import RouteTable, build_routes
from server.http.unrouted import unrouted
from server.indexing import DocumentIndexer
from server.library import Library
from server.mail import Mailer
from server.notifier import Notifier
from server.security.ratelimit import Limiter, limiter_factory
from server.settings import Settings
from server.sync.endpoint import DocumentSocket, DocumentSocketRoute
from server.sync.fanout import fanout_for, installation_prefix
from server.sync.rooms import RoomManager
from server.sync.writer import ChangeWriter

log = logging.getLogger("wikimarche")

ROOT = Path(__file__).resolve().parent.parent
EDITOR_DIST = ROOT / "editor_static" / "dist"
STATIC_DIR = Path(__file__).resolve().parent / "static"

ROUTE_TABLES: list[RouteTable] = [
    api_session.routes,
    api_tenders.routes,
    api_documents.routes,
    pages_auth.routes,
    pages_tenders.routes,
    pages_documents.routes,
    api_members.routes,
    pages_members.routes,
    api_admin.routes,
    pages_admin.routes,
    api_versions.routes,
    pages_versions.routes,
    api_comments.routes,
    pages_comments.routes,
    api_clauses.routes,
    api_search.routes,
    pages_library.routes,
    api_workflow.routes,
    pages_workflow.routes,
    api_export.routes,
    api_import.routes,
    api_archive.routes,
    pages_export.routes,
    openapi.routes,
]


@dataclass
class Services:
    """Everything a request handler may use; one instance per application."""

    settings: Settings
    db: Database
    change_log: SqlChangeLog
    writer: ChangeWriter
    rooms: RoomManager
    login_limiter: Limiter
    invite_limiter: Limiter
    token_limiter: Limiter
    mailer: Mailer
    library: Library
    export_jobs: ExportJobs = field(default_factory=ExportJobs)
    auto_versions: AutoVersions = field(init=False)  # these two need the services themselves
    notifier: Notifier = field(init=False)
    indexer: DocumentIndexer = field(init=False)


def build_services(settings: Settings) -> Services:
    db = Database(settings.database_url)
    change_log = SqlChangeLog(db)
    writer = ChangeWriter(change_log)
    rooms = RoomManager(
        change_log,
        writer,
        grace_seconds=settings.room_grace_seconds,
        checkpoint_every=settings.checkpoint_every,
        max_document_bytes=settings.max_document_bytes,
        fanout=fanout_for(settings.redis_url, settings.database_url),
    )
    limiter = limiter_factory(settings.redis_url, installation_prefix(settings.database_url))
    services = Services(
        settings=settings,
        db=db,
        change_log=change_log,
        writer=writer,
        rooms=rooms,
        login_limiter=limiter("login", settings.login_attempts_per_minute, 60.0),
        invite_limiter=limiter("invite", settings.invitations_per_hour, 3600.0),
        token_limiter=limiter("token", settings.invitation_attempts_per_minute, 60.0),
        mailer=Mailer(db, settings.smtp_url),
        library=Library(db),
    )
    services.auto_versions = AutoVersions(
        services, quiet=settings.version_quiet_seconds, longest=settings.version_max_seconds
    )
    rooms.change_listeners.append(services.auto_versions.changed)
    services.notifier = Notifier(services)
    services.indexer = DocumentIndexer(services)
    rooms.change_listeners.append(services.indexer.changed)
    cluster.wire(services)
    return services


def create_app(settings: Settings) -> Starlette:
    services = build_services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await services.db.migrate()
        await services.library.seed()
        if settings.demo:
            from server.demo import ensure_demo

            await ensure_demo(services)
        services.writer.start()
        await services.rooms.start()
        services.auto_versions.start()
        services.indexer.start()
        # What start-up made (modules, tables, templates, the clause library) lives as long
        # as the process: kept out of every later garbage collection, whose full passes
        # otherwise walk it all and pause every room for tens of milliseconds.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await services.indexer.stop()
            await services.auto_versions.stop()
            await services.rooms.shutdown()
            await services.writer.close()
            await services.db.close()

    socket = DocumentSocket(
        services.rooms,
        admitter(services),
        origin_checker(services),
        queue_limit=settings.client_queue_bytes,
        max_frame_bytes=settings.max_frame_bytes,
        on_refusal=refusal_logger(services),
        on_leave=activity_recorder(services),
    )
    routes = [
        *build_routes(ROUTE_TABLES),
        Mount("/static/editor", app=StaticFiles(directory=EDITOR_DIST, check_dir=False)),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR)),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: unrouted, 405: unrouted},
    )
    app.state.services = services
    app.add_middleware(SecurityHeaders)
    app.add_middleware(DocumentSocketRoute, handle=socket.handle)  # outermost of ours
    return app
