"""HTML pages: "Mes marchés", creating a tender, a tender's documents."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from roles import Action, can
from roles.workflow import permits
from server import compliance, dce, workflow
from server.db import tenders
from server.errors import AppError, InvalidInput
from server.http.rendering import render
from server.http.routing import SIGNED_IN, Context, RouteTable
from server.sync.protocol import CloseCode
from server.sync.rooms import Selector
from server.validation import document_fields, tender_fields

routes = RouteTable()


@routes.page("GET", "/tenders", SIGNED_IN)
async def tender_list(ctx: Context) -> Response:
    memberships = await tenders.list_memberships(ctx.services.db, ctx.user.id)
    return render(ctx, "tenders.html", {"memberships": memberships})


@routes.page("GET", "/tenders/new", SIGNED_IN)
async def tender_form(ctx: Context) -> Response:
    return await _creation_form(ctx, {}, {})


async def _creation_form(
    ctx: Context, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    memberships = await tenders.list_memberships(ctx.services.db, ctx.user.id)
    context = {
        "values": values,
        "errors": errors,
        "templates": dce.TEMPLATES,
        "past_tenders": [m.tender for m in memberships if can(m.role, Action.DOCUMENT_READ)],
    }
    return render(ctx, "tender_form.html", context, status=status)


@routes.page("POST", "/tenders", SIGNED_IN)
async def tender_create(ctx: Context) -> Response:
    form = await ctx.form()
    values = {k: form.get(k, "") for k in (*tender_keys, "start", "copy_from")}
    start = values["start"]
    wanted = {
        "template": start.removeprefix("template:") if start.startswith("template:") else "",
        "copy_from": values["copy_from"] if start == "copy" else "",
    }
    try:
        fields = tender_fields({k: values[k] for k in tender_keys})
        if start == "copy" and not values["copy_from"]:
            raise InvalidInput({"copy_from": "Choose the tender to copy."})
        template, source = await dce.check_start(ctx.services, ctx.user.id, wanted)
    except InvalidInput as invalid:
        return await _creation_form(ctx, values, invalid.errors, status=422)
    tender = await tenders.create_tender(ctx.services.db, creator_id=ctx.user.id, fields=fields)
    await dce.populate(ctx.services, tender.id, ctx.user.id, template, source)
    return RedirectResponse(f"/tenders/{tender.id}", status_code=303)


tender_keys = (
    "title",
    "reference",
    "purchase_category",
    "procedure",
    "estimated_value",
    "launch_date",
)


async def _tender_page(
    ctx: Context,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
    workflow_error: AppError | None = None,
    export_error: AppError | None = None,
    import_error: AppError | None = None,
    imported: tuple[tenders.Document, str] | None = None,
) -> Response:
    assert ctx.membership is not None
    tender = ctx.membership.tender
    documents = await tenders.list_documents(ctx.services.db, tender.id)
    members = await tenders.list_members(ctx.services.db, tender.id)
    progress = await workflow.status(ctx.services, tender.id)
    return render(
        ctx,
        "tender.html",
        {
            "tender": tender,
            "role": ctx.membership.role,
            "documents": documents,
            "members": members,
            "report": await compliance.report(ctx.services, tender),
            "can_manage_documents": may_manage_documents(ctx.role, progress.state),
            "workflow": progress,
            "can_publish": can(ctx.role, Action.TENDER_PUBLISH),
            "reviewer_ids": [r["user_id"] for r in progress.reviews],
            "workflow_error": workflow_error,
            "export_error": export_error,
            "import_error": import_error,
            "imported": imported,
            "export_formats": EXPORT_FORMATS,
            "errors": errors or {},
            "values": values or {},
        },
        status=status,
    )


tender_page = _tender_page
EXPORT_FORMATS = [
    ("odt", "ODT"),
    ("docx", "DOCX"),
    ("pdf", "PDF"),
    ("html", "HTML"),
    ("md", "Markdown"),
]


def may_manage_documents(role: object, state: object) -> bool:
    return can(role, Action.DOCUMENT_MANAGE) and permits(state, Action.DOCUMENT_MANAGE)


@routes.page("GET", "/tenders/{tender_id}", Action.TENDER_READ)
async def tender_detail(ctx: Context) -> Response:
    return await _tender_page(ctx)


@routes.page("POST", "/tenders/{tender_id}/documents", Action.DOCUMENT_MANAGE)
async def document_create(ctx: Context) -> Response:
    assert ctx.membership is not None
    form = await ctx.form()
    values = {"title": form.get("title", ""), "kind": form.get("kind", "")}
    try:
        fields = document_fields(values)
    except InvalidInput as invalid:
        return await _tender_page(ctx, errors=invalid.errors, values=values, status=422)
    document = await tenders.create_document(
        ctx.services.db,
        tender_id=ctx.membership.tender.id,
        creator_id=ctx.user.id,
        title=fields["title"],
        kind=fields["kind"],
    )
    return RedirectResponse(f"/documents/{document.id}", status_code=303)


@routes.page("GET", "/tenders/{tender_id}/edit", Action.TENDER_SETTINGS)
async def tender_edit_form(ctx: Context) -> Response:
    assert ctx.membership is not None
    tender = ctx.membership.tender
    values = {
        "title": tender.title,
        "reference": tender.reference,
        "purchase_category": tender.purchase_category,
        "estimated_value": "" if tender.estimated_value is None else f"{tender.estimated_value:g}",
        "launch_date": tender.launch_date.isoformat() if tender.launch_date else "",
    }
    return render(ctx, "tender_form.html", {"values": values, "errors": {}, "tender": tender})


@routes.page("POST", "/tenders/{tender_id}/edit", Action.TENDER_SETTINGS)
async def tender_edit(ctx: Context) -> Response:
    assert ctx.membership is not None
    form = await ctx.form()
    values = {k: form.get(k, "") for k in tender_keys}
    try:
        fields = tender_fields(values)
    except InvalidInput as invalid:
        return render(
            ctx,
            "tender_form.html",
            {"values": values, "errors": invalid.errors, "tender": ctx.membership.tender},
            status=422,
        )
    await tenders.update_tender(ctx.services.db, ctx.membership.tender.id, fields)
    return RedirectResponse(f"/tenders/{ctx.membership.tender.id}", status_code=303)


@routes.page("GET", "/tenders/{tender_id}/delete", Action.TENDER_DELETE)
async def tender_delete_confirmation(ctx: Context) -> Response:
    assert ctx.membership is not None
    return render(ctx, "tender_delete.html", {"tender": ctx.membership.tender})


@routes.page("POST", "/tenders/{tender_id}/delete", Action.TENDER_DELETE)
async def tender_delete(ctx: Context) -> Response:
    assert ctx.membership is not None
    tender_id = ctx.membership.tender.id
    await tenders.delete_tender(ctx.services.db, tender_id)
    ctx.services.rooms.close_matching(
        Selector(tender_id=tender_id), CloseCode.NOT_FOUND, "tender deleted"
    )
    return RedirectResponse("/tenders", status_code=303)
