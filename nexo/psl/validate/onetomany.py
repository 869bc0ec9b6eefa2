"""One-to-many relations: the list side says nothing, the other side says everything (Prisma's
``validations/relations/one_to_many``).
"""

from __future__ import annotations

from .context import Rel, RelArgs
from .onetoone import OneToOne


class OneToMany(OneToOne):
    """The rules of one-to-many relations."""

    def one_to_many_checks(self, r: Rel, fa: RelArgs, ba: RelArgs) -> None:
        """Prisma's rules for a one-to-many relation (after the forward side's checks)."""
        fwd, back = r.forward, r.back
        pre = 'Error parsing attribute "@relation": '

        def empty(v: object) -> bool:
            return not v

        if fwd is None or back is None:
            self.missing_opposite(fwd or back)  # type: ignore[arg-type]
            return
        if empty(fa.fields):
            self.err(
                f"{pre}The relation field `{fwd.node.name}` on Model `{fwd.model.name}` must specify the `fields` "
                "argument in the @relation attribute. You can run `prisma format` to fix this automatically.",
                self.fspan(fwd),
            )
        if empty(fa.references):
            self.err(
                f"{pre}The relation field `{fwd.node.name}` on Model `{fwd.model.name}` must specify the "
                "`references` argument in the @relation attribute.",
                self.fspan(fwd),
            )
        if not empty(ba.fields) or not empty(ba.references):
            self.err(
                f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` must not specify the "
                "`fields` or `references` argument in the @relation attribute. You must only specify it on the "
                f"opposite field `{fwd.node.name}` on model `{fwd.model.name}`.",
                self.fspan(back),
            )
        if ba.on_delete is not None or ba.on_update is not None:
            self.err(
                f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` must not specify the "
                "`onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on the "
                f"opposite field `{fwd.node.name}` on model `{fwd.model.name}`, or in case of a many to many "
                "relation, in an explicit join table.",
                self.fspan(back),
            )
