"""Implicit many-to-many relations: both models need a single-field id, and neither side may say
``references`` or referential actions (Prisma's ``validations/relations/many_to_many``).
"""

from __future__ import annotations

from .context import Rel
from .onetomany import OneToMany


class ManyToMany(OneToMany):
    """The rules of implicit many-to-many relations."""

    def many_to_many_checks(self, r: Rel) -> None:
        for f in (r.forward, r.back):
            assert f is not None
            target = self.model_by_name[f.type]
            if not self.single_id(target):
                container = "view" if target.keyword == "view" else "model"
                self.err(
                    f"Error validating field `{f.node.name}` in {container} `{f.model.name}`: The relation field "
                    f"`{f.node.name}` on {container} `{f.model.name}` references `{f.type}` which does not have an "
                    "`@id` field. Models without `@id` cannot be part of a many to many relation. Use an explicit "
                    "intermediate Model to represent this relationship.",
                    self.fspan(f),
                )
                continue
            refs = self.relation_args(f).references
            pk = [x[0].node.name for x in self.mdata[id(target)].pk_fields]
            if refs is not None and list(refs) != pk:
                self.err(
                    "Error validating: Implicit many-to-many relations must always reference the id field of the "
                    f"related model. Change the argument `references` to use the id field of the related model "
                    f"`{target.name}`. But it is referencing the following fields that are not the id: "
                    f"{', '.join(refs)}",
                    self.fspan(f),
                )
        for f in (r.forward, r.back):
            args = self.relation_args(f)
            for span in (args.on_delete_span, args.on_update_span):
                if span is not None:
                    self.err(
                        "Error validating: Referential actions on implicit many-to-many relations are not supported",
                        span,
                    )
        for f in (r.forward, r.back):
            assert f is not None
            if self.relation_args(f).references is not None:
                self.err(
                    'Error parsing attribute "@relation": Implicit many-to-many relation should not have '
                    "references argument defined. Either remove it, or change the relation to one-to-many.",
                    self.fspan(f),
                )
