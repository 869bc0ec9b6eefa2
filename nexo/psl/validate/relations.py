"""Relations (Prisma's ``parser-database`` ``relations`` and ``validations/relations``): pairing the
relation fields into relations, the checks every relation field gets, the forward side of inline
relations, referential-action cycles, and the :class:`~nexo.psl.model.Relation` of a valid relation.

The rules proper to each kind are :mod:`.onetoone`, :mod:`.onetomany` and :mod:`.manytomany`.
"""

from __future__ import annotations

from .. import ast as A
from .. import model as M
from .attributes import Attributes
from .context import FieldInfo, Rel, RelArgs


class Relations(Attributes):
    """Relation pairing and the checks shared by every kind of relation."""

    # ------------------------------------------------------------------ stage 2: per-field checks
    def ambiguity(self, m: A.Model, info: FieldInfo, same: list[FieldInfo]) -> bool:
        """Prisma stops all further checks at the first ambiguous relation field (model order).

        ``same``: the relation fields of ``m`` pointing at the same model with the same relation name.
        """
        rname = self.relation_name_of(info)
        if info.type == m.name:
            if len(same) <= 2:
                return False
            names = [i.node.name for i in same]
            listed = ", ".join(f"`{n}`" for n in names[:-1]) + f" and `{names[-1]}`"
            if rname:
                self.err(
                    f'Error validating model "{m.name}": Wrongly named self relation detected. The fields {listed} '
                    f"in model `{m.name}` have the same relation name. At most two relation fields can belong to "
                    "the same relation and therefore have the same name. Please assign a different relation name "
                    "to one of them.",
                    self.fspan(info),
                )
            else:
                self.err(
                    f'Error validating model "{m.name}": Unnamed self relation detected. The fields {listed} in '
                    f"model `{m.name}` have no relation name. Please provide a relation name for one of them by "
                    "adding `@relation(<name>).",
                    self.fspan(info),
                )
            return True
        if len(same) < 2:
            return False
        other = next(i for i in same if i is not info)
        self.err(
            f'Error validating model "{m.name}": Ambiguous relation detected. The fields `{info.node.name}` and '
            f"`{other.node.name}` in model `{m.name}` both refer to `{info.type}`. Please provide different "
            "relation names for them by adding `@relation(<name>).",
            self.fspan(info),
        )
        return True

    def relation_field_checks(self, info: FieldInfo) -> None:
        target = self.model_by_name[info.type]
        if self.mdata[id(target)].ignored and not info.ignored and not self.mdata[id(info.model)].ignored:
            self.err(
                f'Error parsing attribute "@ignore": The relation field '
                f"`{info.node.name}` on Model `{info.model.name}` must specify the `@ignore` attribute, because "
                f"the model {info.type} it is pointing to is marked ignored.",
                self.fspan(info),
            )

    # ------------------------------------------------------------------ pairing
    def infer_relations(self) -> list[Rel]:
        """Pair relation fields the way Prisma does (``parser-database/relations.rs``).

        Each field looks for its opposite: the first relation field of the other model that points
        back with the same relation name. The pair's arities decide the kind of relation and which
        side is the forward one (the side holding ``fields``/``references``).
        """
        rel_infos = {
            m.name: [i for i in self.infos[id(m)] if i.kind == "relation"]
            for m in self.models
            if self.model_by_name.get(m.name) is m
        }
        # (model, model pointed at, relation name) → those relation fields, in field order
        pointing: dict[tuple[str, str, str], list[FieldInfo]] = {}
        for name, infos in rel_infos.items():
            for g in infos:
                pointing.setdefault((name, g.type, self.relation_name_of(g)), []).append(g)
        out: list[Rel] = []
        for m in self.models:
            if self.model_by_name.get(m.name) is not m or m.keyword == "type":
                continue
            for f in rel_infos[m.name]:
                is_self = f.type == m.name
                name = self.relation_name_of(f)
                opp = next((g for g in pointing.get((f.type, m.name, name), ()) if not is_self or g is not f), None)
                f_fields = f.rel is not None and f.rel.fields is not None
                key_f = (m.name, f.node.name)
                if opp is not None:
                    key_o = (opp.model.name, opp.node.name)
                    o_fields = opp.rel is not None and opp.rel.fields is not None
                    if f.arity == "list" and opp.arity == "list":
                        if m.name > opp.model.name or (is_self and f.node.name > opp.node.name):
                            continue
                        out.append(Rel("embedded" if f_fields or o_fields else "m:n", f, opp))
                    elif f.arity == "required" and opp.arity == "optional":
                        out.append(Rel("1:1", f, opp))
                    elif f.arity == "required" and opp.arity == "required":
                        if key_f > key_o:
                            continue
                        out.append(Rel("1:1", f, opp))
                    elif f.arity == "optional" and opp.arity == "required":
                        continue
                    elif f.arity == "optional" and opp.arity == "optional":
                        if f_fields:
                            out.append(Rel("1:1", f, opp))
                        elif not o_fields:
                            if key_f > key_o:
                                continue
                            out.append(Rel("1:1", f, opp))
                    elif f.arity == "list":
                        continue
                    else:
                        out.append(Rel("1:n", f, opp))
                elif f.arity == "list":
                    out.append(Rel("1:n", None, f))
                else:
                    fields = f.rel.fields if f.rel else None
                    data = self.mdata[id(m)]
                    unique = fields is not None and any(
                        i.kind == "unique" and [x[0].node.name for x in i.fields] == list(fields) for i in data.indexes
                    )
                    out.append(Rel("1:1" if unique else "1:n", f, None))
        return out

    def missing_opposite(self, info: FieldInfo) -> None:
        container = "view" if info.model.keyword == "view" else "model"
        self.err(
            f"Error validating field `{info.node.name}` in {container} `{info.model.name}`: The relation field "
            f"`{info.node.name}` on {container} `{info.model.name}` is missing an opposite relation field on the "
            f"model `{info.type}`. Either run `prisma format` or add it manually.",
            self.fspan(info),
        )

    def forward_side_checks(self, fwd: FieldInfo, fa: RelArgs) -> None:
        """The side of a one-to-one or one-to-many relation holding ``fields``/``references``."""
        pre = 'Error parsing attribute "@relation": '
        fields: list[str] = list(fa.fields or [])
        refs: list[str] = list(fa.references or [])
        target = self.model_by_name[fwd.type]
        if refs:
            if sorted(refs) not in self.sorted_criteria(target):
                if len(refs) == 1:
                    hint = (
                        f"Consider adding an `@unique` attribute to the field `{refs[0]}` in the model `{target.name}`."
                    )
                else:
                    hint = f"Consider adding an `@@unique([{', '.join(refs)}])` attribute to the model `{target.name}`."
                self.err(
                    f"{pre}The argument `references` must refer to a unique criterion in the related model. {hint}",
                    self.fspan(fwd),
                )
        if fa.fields is not None and fa.references is not None and len(fields) != len(refs):
            self.err(
                "Error validating: You must specify the same number of fields in `fields` and `references`.",
                self.aspan(fwd.attrs["relation"]),
            )
        own = self.fields[fwd.model.name]
        if fwd.arity == "required" and fields and any(own[f].arity != "required" for f in fields if f in own):
            self.err(
                f"Error validating: The relation field `{fwd.node.name}` uses the scalar fields "
                f"{', '.join(fields)}. At least one of those fields is optional. Hence the relation field must "
                "be optional as well.",
                self.fspan(fwd),
            )
        tfields = self.fields[target.name]
        for f, ref in zip(fields, refs):
            fi, ri = own.get(f), tfields.get(ref)
            if fi is None or ri is None:
                continue
            if (
                fi.type != ri.type
                or fi.kind != ri.kind
                or (fi.kind == "unsupported" and fi.unsupported_type() != ri.unsupported_type())
            ):
                self.err(
                    f"{pre}The type of the field `{f}` in the model `{fwd.model.name}` is not matching the "
                    f"type of the referenced field `{ref}` in model `{target.name}`.",
                    self.fspan(fwd),
                )

    # ------------------------------------------------------------------ referential actions and cycles (relationMode = "prisma")
    def effective_actions(self, fwd: FieldInfo) -> tuple[str, str, bool, bool]:
        """(onDelete, onUpdate, onDelete written, onUpdate written) of a relation's forward side."""
        args = self.relation_args(fwd)
        own = self.fields[fwd.model.name]
        fields = list(args.fields or [])
        optional = any(own[f].arity == "optional" for f in fields if f in own)
        on_delete = args.on_delete or ("SetNull" if optional else "Restrict")
        on_update = args.on_update or "Cascade"
        return on_delete, on_update, args.on_delete is not None, args.on_update is not None

    def cycles(self, r: Rel) -> None:
        """With ``relationMode = "prisma"``, cascading actions must not run in a cycle (Prisma's ``cycles``)."""
        triggers = {"Cascade", "SetNull", "SetDefault"}
        assert r.forward is not None
        start = r.forward
        parent = start.model.name
        visited: set[int] = set()
        stack: list[tuple[FieldInfo, list[FieldInfo]]] = [(start, [start])]
        while stack:
            fwd, path = stack.pop()
            visited.add(id(fwd))
            on_delete, on_update, _, _ = self.effective_actions(fwd)
            if on_delete not in triggers and on_update not in triggers:
                continue
            related = fwd.type
            if fwd.model.name == related:
                self.cycle_error(
                    start,
                    "A self-relation must have `onDelete` and `onUpdate` referential actions set to "
                    "`NoAction` in one of the @relation attributes.",
                )
                return
            if related == parent:
                trail = " → ".join(f"{p.model.name}.{p.node.name}" for p in path)
                self.cycle_error(
                    start,
                    "Reference causes a cycle. One of the @relation attributes in this cycle must "
                    "have `onDelete` and `onUpdate` referential actions set to `NoAction`. Cycle path: "
                    f"{trail}.",
                )
                return
            for nxt in self.complete_forward_fields(related):
                if id(nxt) not in visited:
                    stack.append((nxt, path + [nxt]))

    def complete_forward_fields(self, model: str) -> list[FieldInfo]:
        out = []
        for r in self.infer_relations_cache:
            if (
                r.kind in ("1:1", "1:n")
                and r.forward is not None
                and r.back is not None
                and r.forward.model.name == model
            ):
                out.append(r.forward)
        return out

    def cycle_error(self, fwd: FieldInfo, msg: str) -> None:
        on_delete, on_update, d_written, u_written = self.effective_actions(fwd)
        implicit = []
        if not d_written and on_delete in ("Cascade", "SetNull", "SetDefault"):
            implicit.append(f"`onDelete`: `{on_delete}`")
        if not u_written and on_update in ("Cascade", "SetNull", "SetDefault"):
            implicit.append(f"`onUpdate`: `{on_update}`")
        if len(implicit) == 2:
            msg += f" (Implicit default {implicit[0]}, and {implicit[1]})"
        elif implicit:
            msg += f" (Implicit default {implicit[0]})"
        self.err(f"Error validating: {msg} Read more at https://pris.ly/d/cyclic-referential-actions", self.fspan(fwd))

    # ------------------------------------------------------------------ the relation of a valid schema
    def relation_model(self, r: Rel) -> M.Relation:
        """The :class:`~nexo.psl.model.Relation` of a valid relation."""
        fwd, back = r.forward, r.back
        assert fwd is not None and back is not None
        rname = self.relation_name_of(fwd)
        ma, mb = sorted([fwd.model.name, back.model.name])
        name = rname or f"{ma}To{mb}"
        if r.kind == "m:n":
            if fwd.model.name == back.model.name:
                a_f, b_f = sorted([fwd, back], key=lambda i: i.node.name)
            else:
                a_f, b_f = (fwd, back) if fwd.model.name == ma else (back, fwd)
            return M.Relation(
                name,
                "m:n",
                a_f.model.name,
                a_f.node.name,
                b_f.model.name,
                b_f.node.name,
                explicit_name=bool(rname),
                on_delete="Cascade",
                on_update="Cascade",
            )
        fa = self.relation_args(fwd)
        on_delete, on_update, _, _ = self.effective_actions(fwd)
        if fwd.model.name != back.model.name:
            field_a = (fwd if fwd.model.name == ma else back).node.name
            field_b = (back if fwd.model.name == ma else fwd).node.name
        else:
            field_a, field_b = fwd.node.name, back.node.name
        return M.Relation(
            name,
            r.kind,
            ma,
            field_a,
            mb,
            field_b,
            explicit_name=bool(rname),
            referencing_model=fwd.model.name,
            referencing_field=fwd.node.name,
            referenced_model=fwd.type,
            back_field=back.node.name,
            fields=tuple(fa.fields or ()),
            references=tuple(fa.references or ()),
            on_delete=on_delete,
            on_update=on_update,
            map=fa.map,
        )
