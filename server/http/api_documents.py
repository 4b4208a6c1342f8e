"""JSON API: the documents (pieces) of a tender."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from roles import Action
from server import content
from server.db import tenders
from server.http.routing import Context, RouteTable
from server.sync.protocol import CloseCode
from server.sync.rooms import Selector
from server.validation import document_fields

routes = RouteTable()


@routes.api("GET", "/api/tenders/{tender_id}/documents", Action.DOCUMENT_READ)
async def list_documents(ctx: Context) -> Response:
    assert ctx.membership is not None
    docs = await tenders.list_documents(ctx.services.db, ctx.membership.tender.id)
    return JSONResponse([d.to_json() for d in docs])


@routes.api("POST", "/api/tenders/{tender_id}/documents", Action.DOCUMENT_MANAGE)
async def create_document(ctx: Context) -> Response:
    assert ctx.membership is not None
    fields = document_fields(await ctx.json())
    document = await tenders.create_document(
        ctx.services.db,
        tender_id=ctx.membership.tender.id,
        creator_id=ctx.user.id,
        title=fields["title"],
        kind=fields["kind"],
    )
    return JSONResponse(document.to_json(), status_code=201)


@routes.api("GET", "/api/documents/{document_id}", Action.DOCUMENT_READ)
async def read_document(ctx: Context) -> Response:
    assert ctx.document is not None
    doc = await content.current_doc(ctx.services, ctx.document.id)
    text, html = content.render(doc)
    return JSONResponse({**ctx.document.to_json(), "text": text, "html": html})


@routes.api("PATCH", "/api/documents/{document_id}", Action.DOCUMENT_MANAGE)
async def update_document(ctx: Context) -> Response:
    assert ctx.document is not None
    fields = document_fields(await ctx.json(), partial=True)
    if "title" in fields:
        await tenders.update_document(ctx.services.db, ctx.document.id, title=fields["title"])
    return JSONResponse({**ctx.document.to_json(), **fields})


@routes.api("DELETE", "/api/documents/{document_id}", Action.DOCUMENT_MANAGE)
async def delete_document(ctx: Context) -> Response:
    assert ctx.document is not None
    await tenders.delete_document(ctx.services.db, ctx.document.id)
    ctx.services.rooms.close_matching(
        Selector(document_id=ctx.document.id), CloseCode.NOT_FOUND, "document deleted"
    )
    return Response(status_code=204)
