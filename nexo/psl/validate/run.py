"""The entry points (:func:`load`, :func:`validate_path`, :func:`validate_source`,
:func:`validate_sources`) and the driver running the stages in Prisma's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import ast as A
from .. import model as M
from ..diagnostics import Diagnostic, render_diagnostics
from ..errors import PslError
from ..parser import parse, paused_gc
from .context import FieldInfo, IndexData, Rel, RelArgs
from .lowering import Lowering


@dataclass(init=False)
class LoadedSchema:
    """The files of a schema (one file, or every ``*.prisma`` under a folder, in Prisma's order)."""

    root: str
    files: list[tuple[str, str]]

    def __init__(self, root: str, files: list[tuple[str, str]]) -> None:
        self.root = root
        self.files = files

    @property
    def texts(self) -> dict[str, str]:
        return dict(self.files)


#: how nexo's own warnings (Prisma has no such warning) start; printed after Prisma's, with their position
NEXO_WARNING = "nexo: "


@dataclass(init=False)
class ValidationResult:
    """The outcome of validating a schema: the schema when valid, and every diagnostic found."""

    schema: M.Schema | None
    diagnostics: list[Diagnostic]
    texts: dict[str, str] = field(default_factory=dict)
    #: what Prisma's CLI prints as "Prisma schema warning(s)" (the schema is valid all the same)
    warnings: list[Diagnostic] = field(default_factory=list)

    def __init__(
        self,
        schema: M.Schema | None,
        diagnostics: list[Diagnostic],
        texts: dict[str, str] | None = None,
        warnings: list[Diagnostic] | None = None,
    ) -> None:
        self.schema = schema
        self.diagnostics = diagnostics
        self.texts = dict() if texts is None else texts
        self.warnings = list() if warnings is None else warnings

    def render_warnings(self) -> str:
        """The warnings as Prisma's CLI prints them (empty when there are none)::

        Prisma schema warning:
        - <message>
        """
        prisma = [w for w in self.warnings if not w.message.startswith(NEXO_WARNING)]
        ours = [w for w in self.warnings if w.message.startswith(NEXO_WARNING)]
        out = ""
        if prisma:
            out += ("Prisma schema warning:" if len(prisma) == 1 else "Prisma schema warnings:") + "\n"
            out += "".join(f"- {w.message}\n" for w in prisma)
        for w in ours:
            out += f"warning: {w.message[len(NEXO_WARNING) :]}\n  -->  {w.span.file}:{w.span.line}:{w.span.column}\n"
        return out

    @property
    def ok(self) -> bool:
        return self.schema is not None and not self.diagnostics

    def render(self, *, prisma_style: bool = False) -> str:
        """The diagnostics as a report (``error: …`` blocks and a count)."""
        return render_diagnostics(self.diagnostics, self.texts, prisma_style=prisma_style)

    def raise_for_errors(self) -> M.Schema:
        """The schema, or :class:`PslError` carrying the diagnostics."""
        if self.schema is None or self.diagnostics:
            raise PslError(self.diagnostics, self.texts)
        return self.schema


def load(path: str | Path) -> LoadedSchema:
    """Read a schema file, or every ``.prisma`` file under a folder (sorted by relative path).

    Raises :class:`PslError` when the path does not exist or a folder holds no ``.prisma`` file.
    """
    p = Path(path)
    if p.is_dir():
        found = sorted((f for f in p.rglob("*.prisma") if f.is_file()), key=lambda f: f.relative_to(p).as_posix())
        if not found:
            raise PslError.simple(f"No .prisma files were found in the folder {p}.", str(p))
        return LoadedSchema(str(p), [(str(f), _read(f)) for f in found])
    if not p.is_file():
        raise PslError.simple(f"The schema file {p} does not exist.", str(p))
    return LoadedSchema(str(p), [(str(p), _read(p))])


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


#: the Prisma versions whose schema rules nexo knows: 6.19 (``"6"``) and 7.x (``"7"``)
DIALECTS = ("6", "7")


def _check_dialect(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown Prisma dialect {dialect!r}: expected one of {', '.join(DIALECTS)}")


def validate_path(path: str | Path, dialect: str = "6") -> ValidationResult:
    """Load and validate a schema file or folder under the rules of Prisma ``dialect`` (``"6"`` or ``"7"``)."""
    loaded = load(path)
    return validate_sources(loaded.files, dialect)


def validate_source(text: str, file: str = "schema.prisma", dialect: str = "6") -> ValidationResult:
    """Validate one schema given as text."""
    return validate_sources([(file, text)], dialect)


def validate_sources(files: list[tuple[str, str]], dialect: str = "6") -> ValidationResult:
    """Validate a schema made of several files ``(name, text)`` in declaration order.

    ``dialect`` picks the Prisma version whose rules apply: ``"6"`` (6.19: the datasource needs ``url``)
    or ``"7"`` (7.x: ``url``, ``directUrl`` and ``shadowDatabaseUrl`` belong in ``prisma.config.ts``)."""
    _check_dialect(dialect)
    with paused_gc():
        schema, diags, warnings = _validate_trees(files, dialect)
        # The syntax trees and the validator's working data are garbage now (and, having no reference
        # cycles, already freed), so the collector only ever sees the validated schema.
    return ValidationResult(None if diags else schema, diags, {name: text for name, text in files}, warnings)


def _validate_trees(
    files: list[tuple[str, str]], dialect: str
) -> tuple[M.Schema | None, list[Diagnostic], list[Diagnostic]]:
    trees = []
    diags: list[Diagnostic] = []
    for name, text in files:
        tree, d = parse(text, name, dialect)
        trees.append(tree)
        diags.extend(d)
    validator = Validator(trees, diags, dialect)
    schema = validator.run()
    return schema, diags, validator.warnings + validator.nexo_warnings


class Validator(Lowering):
    """All the stages; :meth:`run` runs them in Prisma's order."""

    # ------------------------------------------------------------------ driver
    def run(self) -> M.Schema | None:
        generators = [g for g in (self.generator(g) for g in self.generators) if g is not None]
        for g in generators:
            self.preview.update(g.preview_features)
        datasource = self.datasource()
        self.provider_features(datasource)
        self.extension_rules()
        self.names()
        self.types()
        self.attributes()
        if self.diags:
            return None
        relations = self.pipeline()
        if self.diags:
            return None
        return self.build(datasource, generators, relations)

    # ------------------------------------------------------------------ stage 2: what the schema means
    def pipeline(self) -> list[M.Relation]:
        self.block_kinds()
        for info, call in self.unknown_defaults:
            self.err(
                f"Unknown function in @default(): `{call.name}` is not known. You can read about the available "
                "functions here: https://pris.ly/d/attribute-functions",
                call.span,
            )
        for m in self.models:
            if m.keyword == "type":
                continue
            data = self.mdata[id(m)]
            self.unique_criteria(m, data)
            self.primary_key_checks(m, data)
            for info in self.infos[id(m)]:
                if info.kind == "relation":
                    continue
                if info.native_attr is not None:
                    self.native_type(info, info.native_attr)
                self.default_values(info)
            # relation fields by (target model, relation name), in field order
            alike: dict[tuple[str, str], list[FieldInfo]] = {}
            for info in self.infos[id(m)]:
                if info.kind == "relation":
                    alike.setdefault((info.type, self.relation_name_of(info)), []).append(info)
            for info in self.infos[id(m)]:
                if info.kind != "relation":
                    continue
                if self.ambiguity(m, info, alike[(info.type, self.relation_name_of(info))]):
                    return []
                self.relation_field_checks(info)
            for index in data.indexes:
                self.index_checks(m, data, index)
                self.json_index_note(m, index)
        self.schema_checks()
        self.infer_relations_cache = self.infer_relations()
        relations = self.relations()
        self.constraint_names(relations)
        return relations

    def relations(self) -> list[M.Relation]:
        """Prisma's relation rules (``validations/relations``), then the relations of the schema."""
        rels = self.infer_relations_cache
        for r in rels:
            if r.kind in ("1:1", "1:n"):
                self.inline_relation_checks(r)
            elif r.kind == "m:n":
                sides = [side for side in (r.forward, r.back) if side is not None]
                if any(s.model.keyword == "view" or self.model_by_name[s.type].keyword == "view" for s in sides):
                    for side in sides:
                        self.err(
                            "Error validating: Implicit many-to-many relations are not supported for views.",
                            self.fspan(side),
                        )
                self.many_to_many_checks(r)
            else:
                msg = (
                    "Error validating: Embedded many-to-many relations are not supported on Postgres. Please use the "
                    "syntax defined in https://pris.ly/d/relational-database-many-to-many"
                )
                for f in (r.forward, r.back):
                    assert f is not None
                    self.err(msg, self.fspan(f))
        if self.diags:
            return []
        return [self.relation_model(r) for r in rels]

    def json_index_note(self, m: A.Model, index: IndexData) -> None:
        """nexo's own warning (Prisma accepts the schema): a B-tree or hash index over a ``@db.Json`` column
        cannot be created, PostgreSQL's ``json`` type has no operator class for them (the migration fails)."""
        if index.kind == "fulltext" or (index.algorithm or "BTree") not in ("BTree", "Hash"):
            return
        for info, _sort, _length, _ops in index.fields:
            if info.native is not None and info.native[0] == "Json":
                what = {"unique": "unique constraint", "index": "index"}[index.kind]
                self.nexo_warnings.append(
                    Diagnostic(
                        f"nexo: The {what} on `{m.name}.{info.node.name}` cannot be created: PostgreSQL's `json` "
                        f'type has no default operator class for access method "{(index.algorithm or "BTree").lower()}", '
                        "so the migration would fail. Drop `@db.Json` (Json is `jsonb` by default) and index it with "
                        "`type: Gin`, or remove the index.",
                        self.aspan(index.attr),
                        severity="warning",
                    )
                )
                return

    def missing_relation_index(self, fwd: FieldInfo, args: RelArgs) -> None:
        """With ``relationMode = "prisma"`` no foreign key brings an index: Prisma warns when the relation's
        fields are not the leading fields (in order) of the primary key, a unique or an index."""
        wanted = list(args.fields or [])
        if not wanted:
            return
        data = self.mdata[id(fwd.model)]
        lists = [[f[0].node.name for f in data.pk_fields]] if data.pk_attr is not None else []
        lists += [[f[0].node.name for f in index.fields] for index in data.indexes if index.kind != "fulltext"]
        if any(names[: len(wanted)] == wanted for names in lists):
            return
        self.warn(
            'With `relationMode = "prisma"`, no foreign keys are used, so relation fields will not benefit from the '
            "index usually created by the relational database under the hood. This can lead to poor performance "
            "when querying these fields. We recommend adding an index manually. Learn more at "
            'https://pris.ly/d/relation-mode-prisma-indexes" ',
            self.fspan(fwd),
        )

    def set_null_on_required(self, fwd: FieldInfo, args: RelArgs) -> None:
        """``onDelete``/``onUpdate: SetNull`` while a field of ``fields:`` is required: an error where Prisma
        emulates relations (``relationMode = "prisma"``, or no datasource), else a warning (PostgreSQL
        would then fail the action at run time)."""
        own = self.fields[fwd.model.name]
        if not any(f in own and own[f].arity == "required" for f in args.fields or []):
            return
        span = self.fspan(fwd)  # Prisma marks the whole field
        for action, value in (("onDelete", args.on_delete), ("onUpdate", args.on_update)):
            if value != "SetNull":
                continue
            if self.relation_mode == "prisma" or not self.has_datasource:
                self.err(
                    f'Error parsing attribute "@relation": The `{action}` referential action of a relation must not '
                    "be set to `SetNull` when a referenced field is required.\nEither choose another referential "
                    "action, or make the referenced fields optional.\n",
                    span,
                )
            else:
                self.warn(
                    f"The `{action}` referential action of a relation should not be set to `SetNull` when a "
                    "referenced field is required. We recommend either to choose another referential action, or to "
                    "make the referenced fields optional. Read more at https://pris.ly/d/postgres-set-null ",
                    span,
                )

    def inline_relation_checks(self, r: Rel) -> None:
        """A one-to-one or one-to-many relation: cycles (``relationMode = \"prisma\"``), the forward side,
        then the rules of its kind."""
        fwd, back = r.forward, r.back
        fa, ba = self.relation_args(fwd), self.relation_args(back)
        if fwd is not None and back is not None and self.relation_mode == "prisma":
            self.cycles(r)
        if fwd is not None:
            self.forward_side_checks(fwd, fa)
            self.set_null_on_required(fwd, fa)
            if self.relation_mode == "prisma":
                self.missing_relation_index(fwd, fa)
        if r.kind == "1:1":
            self.one_to_one_checks(r, fa, ba)
        else:
            self.one_to_many_checks(r, fa, ba)
