"""One-to-one relations: which side holds ``fields``/``references`` and the referential actions, and
that the defining side is unique (Prisma's ``validations/relations/one_to_one``).
"""

from __future__ import annotations

from .context import Rel, RelArgs
from .relations import Relations


class OneToOne(Relations):
    """The rules of one-to-one relations."""

    def one_to_one_checks(self, r: Rel, fa: RelArgs, ba: RelArgs) -> None:
        """Prisma's rules for a one-to-one relation (after the forward side's checks)."""
        fwd, back = r.forward, r.back
        pre = 'Error parsing attribute "@relation": '

        def empty(v: object) -> bool:
            return not v

        if back is None:
            assert fwd is not None
            self.missing_opposite(fwd)
            return
        assert fwd is not None
        for arg in ("fields", "references"):
            if empty(getattr(fa, arg)) and empty(getattr(ba, arg)):
                for one, other in ((fwd, back), (back, fwd)):
                    self.err(
                        f"{pre}The relation fields `{one.node.name}` on Model `{one.model.name}` and "
                        f"`{other.node.name}` on Model `{other.model.name}` do not provide the `{arg}` argument "
                        "in the @relation attribute. You have to provide it on one of the two fields.",
                        self.fspan(one),
                    )
        for arg in ("references", "fields"):
            if not empty(getattr(fa, arg)) and not empty(getattr(ba, arg)):
                msg = (
                    f"{pre}The relation fields `{fwd.node.name}` on Model `{fwd.model.name}` and "
                    f"`{back.node.name}` on Model `{back.model.name}` both provide the `{arg}` argument in the "
                    "@relation attribute. You have to provide it only on one of the two fields."
                )
                self.err(msg, self.fspan(fwd))
                self.err(msg, self.fspan(back))
        f_actions = fa.on_delete is not None or fa.on_update is not None
        b_actions = ba.on_delete is not None or ba.on_update is not None
        if f_actions and b_actions:
            for one, other in ((back, fwd), (fwd, back)):
                self.err(
                    f"{pre}The relation fields `{one.node.name}` on Model `{one.model.name}` and "
                    f"`{other.node.name}` on Model `{other.model.name}` both provide the `onDelete` or "
                    "`onUpdate` argument in the @relation attribute. You have to provide it only on one of the "
                    "two fields.",
                    self.fspan(one),
                )
        elif b_actions:
            self.err(
                f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` must not specify the "
                "`onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on the "
                f"opposite field `{fwd.node.name}` on model `{fwd.model.name}`.",
                self.fspan(back),
            )
        fields = list(fa.fields or [])
        if fa.fields is not None:
            if sorted(fields) not in self.sorted_criteria(fwd.model):
                if len(fields) == 1:
                    self.err(
                        f"{pre}A one-to-one relation must use unique fields on the defining side. Either add "
                        f"an `@unique` attribute to the field `{fields[0]}`, or change the relation to "
                        "one-to-many.",
                        self.fspan(fwd),
                    )
                else:
                    self.err(
                        f"{pre}A one-to-one relation must use unique fields on the defining side. Either add "
                        f"an `@@unique([{', '.join(fields)}])` attribute to the model, or change the relation "
                        "to one-to-many.",
                        self.fspan(fwd),
                    )
        if not self.diags:
            if not empty(fa.fields) and not empty(ba.references):
                msg = (
                    f"{pre}The relation field `{fwd.node.name}` on Model `{fwd.model.name}` provides the `fields` "
                    f"argument in the @relation attribute. And the related field `{back.node.name}` on Model "
                    f"`{back.model.name}` provides the `references` argument. You must provide both arguments on "
                    "the same side."
                )
                self.err(msg, self.fspan(fwd))
                self.err(msg, self.fspan(back))
            if not empty(fa.references) and not empty(ba.fields):
                self.err(
                    f"{pre}The relation field `{fwd.node.name}` on Model `{fwd.model.name}` provides the "
                    f"`references` argument in the @relation attribute. And the related field "
                    f"`{back.node.name}` on Model `{back.model.name}` provides the `fields` argument. You must "
                    "provide both arguments on the same side.",
                    self.fspan(fwd),
                )
        if not self.diags and back.arity == "required":
            self.err(
                f"{pre}The relation field `{back.node.name}` on Model `{back.model.name}` is required. This is "
                "not valid because it's not possible to enforce this constraint on the database level. Please "
                f"change the field type from `{fwd.model.name}` to `{fwd.model.name}?` to fix this.",
                self.fspan(back),
            )
        if not self.diags and fwd.arity == "required" and (ba.fields is not None or ba.references is not None):
            self.err(
                f"{pre}The relation field `{back.model.name}.{back.node.name}` defines the `fields` and/or "
                "`references` argument. You must set them on the required side of the relation "
                f"(`{fwd.model.name}.{fwd.node.name}`) in order for the constraints to be enforced. "
                "Alternatively, you can change this field to be required and the opposite optional, or make "
                "both sides of the relation optional.",
                self.fspan(back),
            )
