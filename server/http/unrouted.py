"""What a request no route answers gets: an unknown address or an unsupported method.

Starlette answers these with bare English text. Our users follow old bookmarks and links
pasted into e-mails, so they get the refusal every route gives: a page in their language
with the way back to their tenders, or the API's JSON error under `/api/`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match

from server.errors import AppError, MethodNotAllowed, NotFound
from server.http.routing import count_unread, current_session, refusal, request_context


async def unrouted(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    error: AppError = MethodNotAllowed() if status == 405 else NotFound()
    ctx = request_context(request)
    api = request.url.path.startswith("/api/")
    if not api:  # the usual header, when signed in
        ctx.session = await current_session(request)
        await count_unread(ctx)
    response = refusal("api" if api else "page", ctx, error)
    if status == 405:
        response.headers["Allow"] = ", ".join(sorted(_methods(request)))
    return response


def _methods(request: Request) -> set[str]:
    """Every method some route accepts at this address (Starlette names only the first
    route's, and each of our routes has one method)."""
    methods: set[str] = set()
    for route in request.app.routes:
        if route.matches(request.scope)[0] == Match.PARTIAL:
            methods |= getattr(route, "methods", None) or set()
    return methods
