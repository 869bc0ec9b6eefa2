"""Server-rendered HTML of the studio's pages (no template engine: small functions, every value escaped)."""

from __future__ import annotations

import json
from html import escape
from typing import Any
from urllib.parse import urlencode

from nexo.client.meta import FieldMeta, ModelMeta

from .data import OPERATORS, RELATION_OPERATORS, Page, View
from .values import cell, plain, text


class Ctx:
    """Per-request facts every page needs: the token (in every link and form), the tenant, the mode."""

    def __init__(self, token: str, tenant: str | None, locked: bool, read_only: bool, tenants: list[tuple[str, str]]):
        self.token = token
        self.tenant = tenant
        self.locked = locked
        self.read_only = read_only
        self.tenants = tenants

    def url(self, path: str, params: list[tuple[str, str]] | None = None) -> str:
        q: list[tuple[str, str]] = [("token", self.token)]
        if self.tenant:
            q.append(("tenant", self.tenant))
        q += params or []
        return escape(f"{path}?{urlencode(q)}")

    def hidden(self) -> str:
        h = f'<input type="hidden" name="token" value="{escape(self.token)}">'
        if self.tenant:
            h += f'<input type="hidden" name="tenant" value="{escape(self.tenant)}">'
        return h


def layout(ctx: Ctx, title: str, body: str, models: list[tuple[str, bool]] | None = None) -> str:
    if ctx.tenant:
        label = next((lbl for tid, lbl in ctx.tenants if tid == ctx.tenant), ctx.tenant)
        banner = (
            f'<div class="banner tenant" id="mode">Viewing as tenant <b>{escape(label)}</b> '
            f"(<code>{escape(ctx.tenant)}</code>): every query runs in the client's tenant session as the "
            "application role; row-level security applies.</div>"
        )
    else:
        banner = (
            '<div class="banner owner" id="mode">Connected as the database owner: row-level security does '
            "<b>not</b> apply; every tenant's rows are shown.</div>"
        )
    if ctx.read_only:
        banner += '<div class="banner ro" id="readonly">Read-only mode: writes are refused.</div>'
    if ctx.locked:
        picker = f'<span class="picker">Tenant: <b>{escape(ctx.tenant or "")}</b> (fixed by --tenant)</span>'
    else:
        opts = '<option value="">(owner, no RLS)</option>' + "".join(
            f'<option value="{escape(tid)}"{" selected" if tid == ctx.tenant else ""}>{escape(lbl)}</option>'
            for tid, lbl in ctx.tenants
        )
        picker = (
            f'<form method="get" action="/" class="picker" id="tenant-picker"><input type="hidden" name="token" '
            f'value="{escape(ctx.token)}"><label>View as tenant <select name="tenant" id="tenant-select">{opts}'
            '</select></label> <button type="submit">Switch</button></form>'
        )
    nav = ""
    if models is not None:
        nav = (
            '<nav><ul class="models">'
            + "".join(
                f'<li><a href="{ctx.url("/m/" + name)}">{escape(name)}</a>{" <small>view</small>" if is_view else ""}</li>'
                for name, is_view in models
            )
            + "</ul></nav>"
        )
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{escape(title)} · nexo studio</title>"
        f'<link rel="stylesheet" href="{ctx.url("/static/studio.css")}">'
        f'<script defer src="{ctx.url("/static/studio.js")}"></script></head><body>'
        f'<header><a class="brand" href="{ctx.url("/")}">nexo studio</a>{picker}</header>{banner}'
        f'<div class="wrap">{nav}<main>{body}</main></div></body></html>'
    )


def home(ctx: Ctx, models: list[tuple[str, bool]], counts: dict[str, int | str]) -> str:
    rows = "".join(
        f'<tr><td><a class="model" href="{ctx.url("/m/" + name)}">{escape(name)}</a></td>'
        f'<td>{"view" if is_view else "model"}</td><td class="num count">{escape(str(counts.get(name, "")))}</td></tr>'
        for name, is_view in models
    )
    body = (
        '<h1>Models</h1><table class="grid" id="models"><thead><tr><th>Model</th><th>Kind</th><th>Rows</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )
    return layout(ctx, "Models", body)


def _type(f: FieldMeta) -> str:
    native = f" @db.{f.db_type}" if f.db_type and f.db_type not in ("timestamp", "json") else ""
    return f.type + ("[]" if f.is_list else "") + ("" if f.is_required or f.is_list else "?") + native


def view_params(
    v: View, *, after: list[Any] | None = None, sort: str | None = None, desc: bool | None = None
) -> list[tuple[str, str]]:
    p: list[tuple[str, str]] = []
    for flt in v.filters:
        p += [("ff", flt.field), ("fo", flt.op), ("fv", flt.value)]
    s = sort if sort is not None else v.sort
    if s:
        p.append(("sort", s))
        if desc if desc is not None else v.desc:
            p.append(("dir", "desc"))
    if v.columns:
        p.append(("cols", ",".join(v.columns)))
    if after is not None:
        p.append(("after", json.dumps(after)))
    return p


def key_of(model: ModelMeta, keys: tuple[str, ...], row: dict[str, Any]) -> str:
    from .values import plain

    return json.dumps({k: plain(row[k]) for k in keys})


def table(
    ctx: Ctx,
    model: ModelMeta,
    is_view: bool,
    keys: tuple[str, ...],
    v: View,
    page: Page,
    error: str | None,
    models: list[tuple[str, bool]],
) -> str:
    scalars = [f for f in model.scalar_fields]
    shown = [f for f in scalars if not v.columns or f.name in v.columns]
    to_one = [r for r in model.relations if r.owns_fk]
    head = "".join(
        f'<th data-field="{escape(f.name)}"><a class="sort" href="'
        + ctx.url(
            "/m/" + model.name,
            view_params(v, sort=f.name, desc=(v.sort == f.name and not v.desc)),
        )
        + f'">{escape(f.name)}{(" ▼" if v.desc else " ▲") if v.sort == f.name else ""}</a>'
        f'<small class="type">{escape(_type(f))}</small></th>'
        for f in shown
    )
    head += "".join(f'<th>{escape(r.field)}<small class="type">→ {escape(r.target)}</small></th>' for r in to_one)
    body_rows = []
    for row in page.rows:
        key = key_of(model, keys, row)
        link = ctx.url(f"/m/{model.name}/record", [("key", key)])
        cells = "".join(f'<td data-field="{escape(f.name)}">{cell(f, row.get(f.name))}</td>' for f in shown)
        for r in to_one:
            vals = [row.get(fname) for fname in r.fields]
            if any(x is None for x in vals):
                cells += '<td><span class="null">NULL</span></td>'
            else:
                tkey = json.dumps(dict(zip(r.references, [str(x) for x in vals])))
                cells += f'<td><a class="rel" href="{ctx.url("/m/" + r.target + "/record", [("key", tkey)])}">{escape(r.target)}</a></td>'
        body_rows.append(f'<tr><td><a class="open" href="{link}" title="open">⤢</a></td>{cells}</tr>')
    if not body_rows:
        body_rows.append(f'<tr><td colspan="{len(shown) + len(to_one) + 1}" class="empty">No rows</td></tr>')
    # filters
    field_opts = "".join(f'<option value="{escape(f.name)}">{escape(f.name)}</option>' for f in scalars) + "".join(
        f'<option value="{escape(r.field)}">{escape(r.field)} → {escape(r.target)}{"[]" if r.is_list else ""}</option>'
        for r in model.relations
    )
    op_opts = "".join(f'<option value="{o}">{o}</option>' for o in (*OPERATORS, *RELATION_OPERATORS))
    frows = []
    for flt in v.filters or []:
        fo = field_opts.replace(f'value="{escape(flt.field)}"', f'value="{escape(flt.field)}" selected')
        oo = op_opts.replace(f'value="{flt.op}"', f'value="{flt.op}" selected')
        frows.append(
            f'<div class="filter"><select name="ff">{fo}</select><select name="fo">{oo}</select>'
            f'<input name="fv" value="{escape(flt.value)}"><button type="button" class="rm">×</button></div>'
        )
    template = (
        f'<template id="filter-row"><div class="filter"><select name="ff">{field_opts}</select>'
        f'<select name="fo">{op_opts}</select><input name="fv"><button type="button" class="rm">×</button></div></template>'
    )
    cols = "".join(
        f'<label><input type="checkbox" class="col" value="{escape(f.name)}"{" checked" if f in shown else ""}> {escape(f.name)}</label>'
        for f in scalars
    )
    keep = ""
    if v.sort:
        keep += f'<input type="hidden" name="sort" value="{escape(v.sort)}">'
        if v.desc:
            keep += '<input type="hidden" name="dir" value="desc">'
    keep += f'<input type="hidden" name="cols" id="cols" value="{escape(",".join(v.columns or []))}">'
    filters = (
        f'<form method="get" id="filters" action="/m/{escape(model.name)}">{ctx.hidden()}{keep}'
        f'<div id="filter-rows">{"".join(frows)}</div>{template}'
        '<button type="button" id="add-filter">+ filter</button> <button type="submit" id="apply">Apply</button>'
        f'<details class="columns"><summary>Columns</summary>{cols}</details></form>'
    )
    pager = ""
    if v.after is not None:
        pager += f'<a class="first" href="{ctx.url("/m/" + model.name, view_params(v))}">⏮ first page</a> '
    if page.next_after is not None:
        pager += (
            f'<a id="next" href="{ctx.url("/m/" + model.name, view_params(v, after=page.next_after))}">next page ▶</a>'
        )
    exports = (
        f'<a class="export" href="{ctx.url("/m/" + model.name + "/export", view_params(v) + [("format", "csv")])}">CSV</a> '
        f'<a class="export" href="{ctx.url("/m/" + model.name + "/export", view_params(v) + [("format", "json")])}">JSON</a>'
    )
    new = ""
    if not ctx.read_only and not is_view:
        new = (
            f' <a class="button" id="new" href="{ctx.url("/m/" + model.name + "/new")}">+ new {escape(model.name)}</a>'
        )
    err = f'<p class="error" id="error">{escape(error)}</p>' if error else ""
    order = ", ".join(f"{n} {'desc' if d else 'asc'}" for n, d in page.order)
    body = (
        f"<h1>{escape(model.name)}{' <small>view</small>' if is_view else ''}</h1>"
        f'<p class="tools">Export: {exports}{new}</p>{filters}{err}'
        f'<p class="meta">order: {escape(order)} · {len(page.rows)} rows on this page (keyset)</p>'
        f'<div class="scroll"><table class="grid" id="rows"><thead><tr><th></th>{head}</tr></thead>'
        f'<tbody>{"".join(body_rows)}</tbody></table></div><p class="pager">{pager}</p>'
    )
    return layout(ctx, model.name, body, models)


def _input(f: FieldMeta, value: Any, enums: dict[str, list[str]], error: str | None) -> str:
    name = escape(f.name)
    val = text(f, value)
    if f.kind == "enum":
        opts = "".join(
            f'<option value="{escape(e)}"{" selected" if e == val else ""}>{escape(e)}</option>'
            for e in enums.get(f.type, [])
        )
        if not f.is_required:
            opts = '<option value=""></option>' + opts
        widget = f'<select name="v_{name}">{opts}</select>'
    elif f.type == "Boolean" and not f.is_list:
        opts = "".join(f"<option{' selected' if val == o else ''}>{o}</option>" for o in ("", "true", "false"))
        widget = f'<select name="v_{name}">{opts}</select>'
    elif f.type == "Json" or f.is_list:
        widget = f'<textarea name="v_{name}" rows="4">{escape(val)}</textarea>'
    else:
        widget = f'<input name="v_{name}" value="{escape(val)}">'
    null = ""
    if not f.is_required and not f.is_list:
        null = f'<label class="nullbox"><input type="checkbox" name="null_{name}"{" checked" if value is None else ""}> NULL</label>'
    err = f'<span class="field-error" data-for="{name}">{escape(error)}</span>' if error else ""
    hint = ""
    if f.type == "DateTime":
        hint = '<small class="hint">ISO 8601, e.g. 2026-01-31T12:00:00Z (UTC)</small>'
    elif f.type == "Bytes":
        hint = '<small class="hint">base64</small>'
    return (
        f'<div class="field{" has-error" if error else ""}" data-field="{name}"><label>{name} '
        f'<small class="type">{escape(_type(f))}</small></label>{widget}{null}{hint}{err}</div>'
    )


def record(
    ctx: Ctx,
    model: ModelMeta,
    is_view: bool,
    key: str | None,
    row: dict[str, Any],
    rel_counts: dict[str, int],
    enums: dict[str, list[str]],
    errors: dict[str, str],
    models: list[tuple[str, bool]],
    message: str | None = None,
    m2m_back: dict[str, str] | None = None,
    record_key: tuple[str, ...] = (),
) -> str:
    """``m2m_back``: per implicit many-to-many relation, the target's field of the other side (its
    link filters the target by it); ``record_key``: the fields identifying the row."""
    creating = key is None
    m2m_back = m2m_back or {}
    fields = [f for f in model.scalar_fields]
    show = (
        "".join(
            f'<tr><th>{escape(f.name)}</th><td data-field="{escape(f.name)}">{cell(f, row.get(f.name), full=True)}</td></tr>'
            for f in fields
        )
        if not creating
        else ""
    )
    rels = []
    for r in model.relations:
        if r.owns_fk:
            vals = [row.get(x) for x in r.fields]
            if all(x is not None for x in vals):
                tkey = json.dumps(dict(zip(r.references, [str(x) for x in vals])))
                rels.append(
                    f'<li><a class="rel" data-relation="{escape(r.field)}" href="{ctx.url("/m/" + r.target + "/record", [("key", tkey)])}">'
                    f"{escape(r.field)} → {escape(r.target)}</a></li>"
                )
        elif r.back_fields and not r.is_m2m and not creating:
            params = []
            for b, ref in zip(r.back_fields, r.back_references):
                params += [("ff", b), ("fo", "equals"), ("fv", str(plain(row.get(ref))))]
            n = rel_counts.get(r.field, 0)
            rels.append(
                f'<li><a class="rel" data-relation="{escape(r.field)}" href="{ctx.url("/m/" + r.target, params)}">'
                f"{escape(r.field)} → {escape(r.target)}{'[]' if r.is_list else ''}</a> "
                f'<span class="count">({n})</span></li>'
            )
        elif r.is_m2m and r.field in rel_counts and m2m_back.get(r.field) and not creating:
            # implicit many-to-many: the target's rows filtered by its side of the relation
            own = json.dumps({k: str(plain(row.get(k))) for k in record_key})
            value = own if len(record_key) > 1 else str(plain(row.get(record_key[0])))
            params = [("ff", m2m_back[r.field]), ("fo", "some"), ("fv", value)]
            rels.append(
                f'<li><a class="rel" data-relation="{escape(r.field)}" href="{ctx.url("/m/" + r.target, params)}">'
                f"{escape(r.field)} → {escape(r.target)}[]</a> "
                f'<span class="count">({rel_counts[r.field]})</span></li>'
            )
    top = errors.get("", "")
    msg = f'<p class="ok" id="message">{escape(message)}</p>' if message else ""
    form = ""
    if not ctx.read_only and not is_view:
        inputs = "".join(_input(f, row.get(f.name), enums, errors.get(f.name)) for f in fields)
        action = f"/m/{model.name}/create" if creating else f"/m/{model.name}/update"
        keyfield = "" if creating else f'<input type="hidden" name="key" value="{escape(key or "")}">'
        form = (
            f'<form method="post" id="edit" action="{escape(action)}">{ctx.hidden()}{keyfield}{inputs}'
            f'<button type="submit" id="save">{"Create" if creating else "Save"}</button> '
            "<small>Nothing is written until you save; the save runs in one transaction.</small></form>"
        )
        if not creating:
            form += (
                f'<p><a class="danger" id="delete" href="{ctx.url("/m/" + model.name + "/delete", [("key", key or "")])}">'
                "Delete…</a></p>"
            )
    err = f'<p class="error" id="error">{escape(top)}</p>' if top else ""
    title = f"New {model.name}" if creating else model.name
    body = (
        f'<h1><a href="{ctx.url("/m/" + model.name)}">{escape(model.name)}</a> · {escape("new" if creating else "record")}</h1>'
        f"{msg}{err}"
        + (f'<table class="record">{show}</table>' if show else "")
        + (f'<h2>Relations</h2><ul class="relations">{"".join(rels)}</ul>' if rels else "")
        + (f"<h2>{'Create' if creating else 'Edit'}</h2>{form}" if form else "")
    )
    return layout(ctx, title, body, models)


def confirm_delete(
    ctx: Ctx, model: ModelMeta, key: str, cascade: list[tuple[str, str, int, str]], models: list[tuple[str, bool]]
) -> str:
    if cascade:
        items = "".join(
            f'<li data-model="{escape(m)}"><b>{n}</b> {escape(m)} row(s) via <code>{escape(rel)}</code>: '
            f"{escape({'CASCADE': 'deleted too', 'SET NULL': 'set to NULL', 'SET DEFAULT': 'set to default'}.get(action, 'blocks the delete (' + action + ')'))}</li>"
            for m, rel, n, action in cascade
        )
        what = f'<p class="warn">Deleting this {escape(model.name)} also affects:</p><ul id="cascade">{items}</ul>'
    else:
        what = '<p id="cascade-none">No other rows reference it.</p>'
    body = (
        f"<h1>Delete {escape(model.name)}?</h1><p><code>{escape(key)}</code></p>{what}"
        f'<form method="post" action="/m/{escape(model.name)}/delete" id="confirm-delete">{ctx.hidden()}'
        f'<input type="hidden" name="key" value="{escape(key)}">'
        '<button type="submit" class="danger" id="confirm">Delete</button> '
        f'<a href="{ctx.url("/m/" + model.name + "/record", [("key", key)])}">Cancel</a></form>'
    )
    return layout(ctx, "Delete " + model.name, body, models)


def error_page(ctx: Ctx | None, status: int, message: str) -> str:
    body = f'<h1>{status}</h1><p class="error" id="error">{escape(message)}</p>'
    if ctx is None:
        return (
            f'<!doctype html><html><head><meta charset="utf-8"><title>{status}</title></head><body>{body}</body></html>'
        )
    return layout(ctx, str(status), body)
