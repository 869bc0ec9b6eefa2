"""The studio's ASGI app (Starlette): routes, the guard every request passes, and how write errors
land next to the field they concern.

The guard: the ``Host`` header must name the loopback address and port the server listens on (no DNS
rebinding), the session token must be in the URL (or the form, for writes), writes are POST only, and
a write's ``Origin`` (or ``Referer``) must be the studio itself. A web page elsewhere knows neither the
token nor can it read the answers, so it cannot drive the studio."""

from __future__ import annotations

import csv
import hmac
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from nexo.client import errors as cerr
from nexo.client.meta import ModelMeta
from nexo.db.urls import mask_text

from . import pages
from .data import Filter, Studio, StudioInputError, View, m2m_inverse
from .values import BadValue, parse, plain

STATIC = Path(__file__).parent / "static"
MAX_EXPORT = 100_000
SECURITY_HEADERS = {
    "Referrer-Policy": "same-origin",  # the token is in the URL: never send it elsewhere (no-referrer would make Origin "null")
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Handler = Callable[[Request, pages.Ctx], Awaitable[Response]]


def create_app(studio: Studio, token: str, port: int, *, manage_client: bool = True) -> Starlette:
    """The app for one studio session; ``port`` is the one it listens on (checked in ``Host``/``Origin``)."""
    allowed_hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    allowed_origins = {f"http://{h}" for h in allowed_hosts}
    schema = studio.schema
    models = [(name, name in schema.views) for name in schema.model_names]
    enums = {name: list(e.values) for name, e in schema.meta.enums.items()}
    tenant_cache: list[list[tuple[str, str]]] = []

    async def tenants() -> list[tuple[str, str]]:
        if studio.locked_tenant is not None:
            return [(studio.locked_tenant, studio.locked_tenant)]
        if not tenant_cache:
            tenant_cache.append(await studio.tenants())
        return tenant_cache[0]

    def check(request: Request, *, write: bool) -> None:
        host = request.headers.get("host", "")
        if host not in allowed_hosts:
            raise Refused(403, f"Host {host!r} refused: the studio answers only on 127.0.0.1:{port}")
        origin = request.headers.get("origin")
        if origin is None and write:
            ref = request.headers.get("referer")
            origin = f"{urlsplit(ref).scheme}://{urlsplit(ref).netloc}" if ref else None
        if origin is not None and origin not in allowed_origins and (write or origin != "null"):
            raise Refused(403, f"Origin {origin!r} refused")
        if write and origin is None:
            raise Refused(403, "a write must come from the studio's own page (no Origin header)")

    def token_ok(given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), token.encode())

    def tenant_of(value: str | None) -> str | None:
        t = value or None
        if studio.locked_tenant is not None:
            if t is not None and t != studio.locked_tenant:
                raise Refused(403, "this studio is fixed to one tenant (--tenant); another tenant cannot be shown")
            return studio.locked_tenant
        return t

    def page(fn: Handler, *, write: bool = False) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            ctx: pages.Ctx | None = None
            try:
                check(request, write=write)
                form = await request.form() if write else None
                given = request.query_params.get("token") or (
                    str(form.get("token")) if form and form.get("token") else None
                )
                if not token_ok(given):
                    raise Refused(401, "missing or wrong session token: open the URL nexo db:studio printed")
                if write and studio.read_only:
                    raise Refused(403, "read-only mode (--read-only): writes are refused")
                t_raw = request.query_params.get("tenant") or (
                    str(form.get("tenant")) if form and form.get("tenant") else None
                )
                tenant = tenant_of(t_raw)
                ctx = pages.Ctx(token, tenant, studio.locked_tenant is not None, studio.read_only, await tenants())
                request.state.form = form
                resp = await fn(request, ctx)
            except Refused as exc:
                resp = HTMLResponse(pages.error_page(ctx, exc.status, exc.message), status_code=exc.status)
            except (StudioInputError, cerr.PrismaError) as exc:
                resp = HTMLResponse(pages.error_page(ctx, 400, mask_text(str(exc))), status_code=400)
            except Exception as exc:
                if not _database_error(exc):
                    raise
                resp = HTMLResponse(
                    pages.error_page(ctx, 500, "database error: " + mask_text(str(exc))), status_code=500
                )
            for k, v in SECURITY_HEADERS.items():
                resp.headers[k] = v
            return resp

        return endpoint

    def model_of(request: Request) -> ModelMeta:
        name = request.path_params["model"]
        if name not in schema.meta.models:
            raise Refused(404, f"no model {name!r} in schema.prisma")
        return schema.model(name)

    def view_of(request: Request) -> View:
        q = request.query_params
        ff, fo, fv = q.getlist("ff"), q.getlist("fo"), q.getlist("fv")
        filters = [Filter(a, b, c) for a, b, c in zip(ff, fo, fv) if a and b]
        cols = [c for c in (q.get("cols") or "").split(",") if c]
        after = None
        if q.get("after"):
            try:
                after = json.loads(q["after"])
            except json.JSONDecodeError:
                raise StudioInputError("bad page cursor") from None
            if not isinstance(after, list):
                raise StudioInputError("bad page cursor")
        try:
            take = max(1, min(500, int(q.get("take") or 50)))
        except ValueError:
            raise StudioInputError("take must be a number") from None
        return View(filters, q.get("sort") or None, q.get("dir") == "desc", after, cols or None, take)

    def key_of(raw: str | None) -> dict[str, Any]:
        try:
            key = json.loads(raw or "")
        except json.JSONDecodeError:
            raise StudioInputError("bad record key") from None
        if not isinstance(key, dict):
            raise StudioInputError("bad record key")
        return key

    async def home(request: Request, ctx: pages.Ctx) -> Response:
        counts = await studio.counts(ctx.tenant)
        if "json" in request.query_params:
            return JSONResponse({"models": [{"name": n, "view": v, "count": counts.get(n)} for n, v in models]})
        return HTMLResponse(pages.home(ctx, models, counts))

    async def table(request: Request, ctx: pages.Ctx) -> Response:
        model = model_of(request)
        v = view_of(request)
        error = None
        try:
            pg = await studio.page(model, v, ctx.tenant)
        except (StudioInputError, cerr.DataError) as exc:
            error = str(exc)
            from .data import Page

            pg = Page([], None, [])
        keys = schema.key_fields(model)
        return HTMLResponse(
            pages.table(ctx, model, model.name in schema.views, keys, v, pg, error, models),
            status_code=400 if error else 200,
        )

    async def export(request: Request, ctx: pages.Ctx) -> Response:
        model = model_of(request)
        v = view_of(request)
        v.after, v.take = None, 500
        fields = [f for f in model.scalar_fields if not v.columns or f.name in v.columns]
        rows: list[dict[str, Any]] = []
        while len(rows) < MAX_EXPORT:
            pg = await studio.page(model, v, ctx.tenant)
            rows += [{f.name: plain(r.get(f.name)) for f in fields} for r in pg.rows]
            if pg.next_after is None:
                break
            v.after = pg.next_after
        fmt = request.query_params.get("format", "csv")
        name = f"{model.name}.{fmt}"
        disp = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "json":
            return Response(json.dumps(rows, ensure_ascii=False, indent=2), media_type="application/json", headers=disp)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([f.name for f in fields])
        for r in rows:
            w.writerow(
                [
                    ""
                    if r[f.name] is None
                    else (json.dumps(r[f.name]) if isinstance(r[f.name], dict | list) else r[f.name])
                    for f in fields
                ]
            )
        return Response(buf.getvalue(), media_type="text/csv", headers=disp)

    async def show(
        request: Request,
        ctx: pages.Ctx,
        *,
        errors: dict[str, str] | None = None,
        row: dict[str, Any] | None = None,
        key_raw: str | None = None,
        message: str | None = None,
        status: int = 200,
    ) -> Response:
        model = model_of(request)
        raw = key_raw if key_raw is not None else request.query_params.get("key")
        key = key_of(raw)
        found = await studio.record(model, key, ctx.tenant)
        if found is None:
            raise Refused(404, f"no {model.name} with {raw} (as this page's session sees the table)")
        counts = await studio.relation_counts(model, found, ctx.tenant)
        canonical = json.dumps({k: plain(found[k]) for k in schema.key_fields(model)})
        shown = dict(found) if row is None else {**found, **row}
        m2m_back = {r.field: inv.field for r in model.relations if (inv := m2m_inverse(schema, model, r)) is not None}
        return HTMLResponse(
            pages.record(
                ctx,
                model,
                model.name in schema.views,
                canonical,
                shown,
                counts,
                enums,
                errors or {},
                models,
                message,
                m2m_back=m2m_back,
                record_key=schema.key_fields(model),
            ),
            status_code=status,
        )

    async def record(request: Request, ctx: pages.Ctx) -> Response:
        return await show(request, ctx, message="Saved." if request.query_params.get("saved") else None)

    async def new(request: Request, ctx: pages.Ctx) -> Response:
        model = model_of(request)
        if studio.read_only:
            raise Refused(403, "read-only mode (--read-only): writes are refused")
        row: dict[str, Any] = {}
        if ctx.tenant and model.name in schema.tenant_fields:
            row[schema.tenant_fields[model.name]] = ctx.tenant
        return HTMLResponse(pages.record(ctx, model, False, None, row, {}, enums, {}, models))

    def form_data(
        model: ModelMeta, form: Any, *, creating: bool
    ) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
        data: dict[str, Any] = {}
        errs: dict[str, str] = {}
        echo: dict[str, Any] = {}
        for f in model.scalar_fields:
            if f"v_{f.name}" not in form:
                continue
            raw = str(form.get(f"v_{f.name}"))
            if form.get(f"null_{f.name}"):
                data[f.name] = echo[f.name] = None
                continue
            if raw == "" and (creating or not f.is_required) and f.type != "String":
                if not creating:
                    data[f.name] = None
                continue
            if raw == "" and creating and (f.default is not None or f.is_updated_at or not f.is_required):
                continue
            try:
                data[f.name] = echo[f.name] = parse(f, raw)
            except BadValue as exc:
                errs[f.name] = str(exc)
                echo[f.name] = raw
        return data, errs, echo

    def place(model: ModelMeta, exc: Exception, tenant: str | None) -> dict[str, str]:
        """The field (or "" for the whole form) each error belongs next to."""
        meta = getattr(exc, "meta", None) or {}
        target = [t for t in meta.get("target") or [] if isinstance(t, str)]
        if isinstance(exc, cerr.UniqueViolationError) and target:
            msg = f"unique: another {model.name} already has this {' + '.join(target)}"
            return {t: msg for t in target}
        if isinstance(exc, cerr.ForeignKeyViolationError):
            rel = next((r for r in model.relations if r.owns_fk and set(r.fields) & set(target)), None)
            if rel is not None:
                msg = f"relation {rel.field}: no {rel.target} with this {', '.join(rel.references)}"
                return {f: msg for f in rel.fields}
            return {"": f"a row references this {model.name} (foreign key {meta.get('constraint')})"}
        if isinstance(exc, cerr.MissingRequiredValueError) and target:
            return {t: "required" for t in target}
        text = str(exc)
        if "row-level security" in text and tenant and model.name in schema.tenant_fields:
            return {schema.tenant_fields[model.name]: f"row-level security: the row must belong to tenant {tenant}"}
        for f in model.scalar_fields:
            if f"`{f.name}`" in text:
                return {f.name: text}
        return {"": text}

    def back_to(path: str, ctx: pages.Ctx, params: list[tuple[str, str]]) -> RedirectResponse:
        q = [("token", token)] + ([("tenant", ctx.tenant)] if ctx.tenant else []) + params
        return RedirectResponse(f"{path}?{urlencode(q)}", status_code=303)

    async def create(request: Request, ctx: pages.Ctx) -> Response:
        model = model_of(request)
        form = request.state.form
        data, errs, echo = form_data(model, form, creating=True)
        if not errs:
            try:
                row = await studio.create(model, data, ctx.tenant)
            except (cerr.PrismaError, Exception) as exc:
                if not _user_error(exc):
                    raise
                errs = place(model, exc, ctx.tenant)
            else:
                key = json.dumps({k: plain(row[k]) for k in schema.key_fields(model)})
                return back_to(f"/m/{model.name}/record", ctx, [("key", key), ("saved", "1")])
        return HTMLResponse(pages.record(ctx, model, False, None, echo, {}, enums, errs, models), status_code=400)

    async def update(request: Request, ctx: pages.Ctx) -> Response:
        model = model_of(request)
        form = request.state.form
        key_raw = str(form.get("key") or "")
        key = key_of(key_raw)
        data, errs, echo = form_data(model, form, creating=False)
        if not errs:
            try:
                row = await studio.update(model, key, data, ctx.tenant)
            except Exception as exc:
                if not _user_error(exc):
                    raise
                errs = place(model, exc, ctx.tenant)
            else:
                if row is None:
                    raise Refused(404, f"no {model.name} with {key_raw}")
                new_key = json.dumps({k: plain(row[k]) for k in schema.key_fields(model)})
                return back_to(f"/m/{model.name}/record", ctx, [("key", new_key), ("saved", "1")])
        return await show(request, ctx, errors=errs, row=echo, key_raw=key_raw, status=400)

    async def delete_confirm(request: Request, ctx: pages.Ctx) -> Response:
        model = model_of(request)
        if studio.read_only:
            raise Refused(403, "read-only mode (--read-only): writes are refused")
        raw = request.query_params.get("key") or ""
        key = key_of(raw)
        if await studio.record(model, key, ctx.tenant) is None:
            raise Refused(404, f"no {model.name} with {raw}")
        cascade = await studio.cascade(model, key, ctx.tenant)
        return HTMLResponse(pages.confirm_delete(ctx, model, raw, cascade, models))

    async def delete(request: Request, ctx: pages.Ctx) -> Response:
        model = model_of(request)
        raw = str(request.state.form.get("key") or "")
        key = key_of(raw)
        try:
            ok = await studio.delete(model, key, ctx.tenant)
        except Exception as exc:
            if not _user_error(exc):
                raise
            return await show(request, ctx, errors=place(model, exc, ctx.tenant), key_raw=raw, status=400)
        if not ok:
            raise Refused(404, f"no {model.name} with {raw}")
        return back_to(f"/m/{model.name}", ctx, [])

    async def static(request: Request, ctx: pages.Ctx) -> Response:
        name = request.path_params["name"]
        if name not in ("studio.js", "studio.css"):
            raise Refused(404, "no such file")
        return FileResponse(STATIC / name)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_client:
            await studio.start()
        try:
            yield
        finally:
            if manage_client:
                await studio.stop()

    routes = [
        Route("/", page(home)),
        Route("/static/{name}", page(static)),
        Route("/m/{model}", page(table)),
        Route("/m/{model}/export", page(export)),
        Route("/m/{model}/record", page(record)),
        Route("/m/{model}/new", page(new)),
        Route("/m/{model}/create", page(create, write=True), methods=["POST"]),
        Route("/m/{model}/update", page(update, write=True), methods=["POST"]),
        Route("/m/{model}/delete", page(delete_confirm)),
        Route("/m/{model}/delete", page(delete, write=True), methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _user_error(exc: Exception) -> bool:
    """Errors the user caused with the data entered (shown on the page) rather than bugs."""
    if isinstance(exc, cerr.PrismaError):
        return True
    import psycopg

    return isinstance(
        exc, psycopg.errors.InsufficientPrivilege | psycopg.errors.IntegrityError | psycopg.errors.DataError
    )


def _database_error(exc: Exception) -> bool:
    import psycopg

    return isinstance(exc, psycopg.Error)
