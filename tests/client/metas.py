"""Hand-written client metadata for the test schemas (until the generator emits it).

FEATURE mirrors tests/client/feature.prisma (DDL: feature.sql, made by the real Prisma CLI);
CRM mirrors the repo's schema.prisma (DDL: prisma_migrations/*/migration.sql).
"""

from __future__ import annotations

from typing import Any

from nexo.client.meta import EnumMeta, FieldMeta, ModelMeta, RelationMeta, SchemaMeta


def F(name: str, type_: str, *, db: str | None = None, kind: str = "scalar", **kw: Any) -> FieldMeta:
    return FieldMeta(name=name, db_name=db or name, kind=kind, type=type_, **kw)


def R(name: str, target: str, *, is_list: bool = False, required: bool = False) -> FieldMeta:
    return FieldMeta(name=name, db_name=name, kind="relation", type=target, is_list=is_list, is_required=required)


# ---------------------------------------------------------------- feature schema
_user = ModelMeta(
    name="User",
    db_name="users",
    fields=(
        F("id", "Int", is_id=True, default="autoincrement"),
        F("email", "String", is_unique=True),
        F("name", "String", is_required=False),
        F("role", "Role", kind="enum", default=("value", "USER")),
        F("roles", "Role", kind="enum", is_list=True, is_required=False),
        F("tags", "String", is_list=True, is_required=False),
        F("score", "Float", default=("value", 0)),
        F("big", "BigInt", default=("value", 0)),
        F("balance", "Decimal", db_type="numeric", default=("value", 0)),
        F("active", "Boolean", default=("value", True)),
        F("meta", "Json", is_required=False),
        F("avatar", "Bytes", is_required=False),
        F("birthday", "DateTime", db_type="date", is_required=False),
        F("createdAt", "DateTime", default="now"),
        F("updatedAt", "DateTime", is_updated_at=True),
        R("posts", "Post", is_list=True),
        R("profile", "Profile"),
    ),
    id_fields=("id",),
    unique_sets={"id": ("id",), "email": ("email",)},
    relations=(
        RelationMeta("posts", "Post", is_list=True, back_fields=("authorId",), back_references=("id",)),
        RelationMeta("profile", "Profile", back_fields=("userId",), back_references=("id",)),
    ),
    constraints={"users_pkey": ("id",), "users_email_key": ("email",)},
)
_profile = ModelMeta(
    name="Profile",
    db_name="Profile",
    fields=(
        F("id", "String", is_id=True, default="uuid"),
        F("bio", "String"),
        F("userId", "Int", db="user_id", is_unique=True),
        R("user", "User", required=True),
    ),
    id_fields=("id",),
    unique_sets={"id": ("id",), "userId": ("userId",)},
    relations=(RelationMeta("user", "User", is_required=True, fields=("userId",), references=("id",)),),
    constraints={"Profile_pkey": ("id",), "Profile_user_id_key": ("userId",), "Profile_user_id_fkey": ("userId",)},
)
_post = ModelMeta(
    name="Post",
    db_name="Post",
    fields=(
        F("id", "String", is_id=True, default="cuid"),
        F("title", "String"),
        F("published", "Boolean", default=("value", False)),
        F("views", "Int", default=("value", 0)),
        F("rating", "Float", is_required=False),
        F("authorId", "Int", db="author_id", is_required=False),
        R("author", "User"),
        R("categories", "Category", is_list=True),
        R("comments", "Comment", is_list=True),
        F("createdAt", "DateTime", db_type="timestamptz", default="now"),
    ),
    id_fields=("id",),
    unique_sets={"id": ("id",)},
    relations=(
        RelationMeta("author", "User", fields=("authorId",), references=("id",)),
        RelationMeta("categories", "Category", is_list=True, join_table="_CategoryToPost", join_self="B", join_other="A"),
        RelationMeta("comments", "Comment", is_list=True, back_fields=("postId",), back_references=("id",)),
    ),
    constraints={"Post_pkey": ("id",), "Post_author_id_fkey": ("authorId",)},
)
_category = ModelMeta(
    name="Category",
    db_name="Category",
    fields=(F("id", "Int", is_id=True, default="autoincrement"), F("name", "String", is_unique=True), R("posts", "Post", is_list=True)),
    id_fields=("id",),
    unique_sets={"id": ("id",), "name": ("name",)},
    relations=(RelationMeta("posts", "Post", is_list=True, join_table="_CategoryToPost", join_self="A", join_other="B"),),
    constraints={"Category_pkey": ("id",), "Category_name_key": ("name",)},
)
_comment = ModelMeta(
    name="Comment",
    db_name="Comment",
    fields=(
        F("id", "String", is_id=True, default="nanoid"),
        F("body", "String"),
        F("likes", "Int", default=("value", 0)),
        F("postId", "String"),
        R("post", "Post", required=True),
    ),
    id_fields=("id",),
    unique_sets={"id": ("id",)},
    relations=(RelationMeta("post", "Post", is_required=True, fields=("postId",), references=("id",)),),
    constraints={"Comment_pkey": ("id",), "Comment_postId_fkey": ("postId",)},
)
_membership = ModelMeta(
    name="Membership",
    db_name="Membership",
    fields=(
        F("orgId", "Int", is_id=True),
        F("userEmail", "String", is_id=True),
        F("level", "Int", default=("value", 1)),
        F("note", "String", is_required=False),
    ),
    id_fields=("orgId", "userEmail"),
    unique_sets={"orgId_userEmail": ("orgId", "userEmail"), "email_level": ("userEmail", "level")},
    constraints={"Membership_pkey": ("orgId", "userEmail"), "Membership_userEmail_level_key": ("userEmail", "level")},
)

FEATURE = SchemaMeta(
    models={m.name: m for m in (_user, _profile, _post, _category, _comment, _membership)},
    enums={"Role": EnumMeta("Role", "role", {"USER": "USER", "ADMIN": "admin", "EDITOR": "EDITOR"})},
)


# ---------------------------------------------------------------- CRM schema (schema.prisma)
def _stamps() -> tuple[FieldMeta, FieldMeta]:
    return (
        F("createdAt", "DateTime", db="created_at", db_type="timestamptz", default="now"),
        F("updatedAt", "DateTime", db="updated_at", db_type="timestamptz", default="now", is_updated_at=True),
    )


def _uuid_id() -> FieldMeta:
    return F("id", "String", db_type="uuid", is_id=True, default="dbgenerated")


def _account_fk() -> FieldMeta:
    return F("accountId", "String", db="account_id", db_type="uuid")


def _account_rel() -> tuple[FieldMeta, RelationMeta]:
    return R("account", "Account", required=True), RelationMeta(
        "account", "Account", is_required=True, fields=("accountId",), references=("id",)
    )


def _tenant_model(name: str, table: str, fields: tuple[FieldMeta, ...], uniques: dict[str, tuple[str, ...]], extra_rels: tuple[RelationMeta, ...] = (), extra_fields: tuple[FieldMeta, ...] = ()) -> ModelMeta:
    af, ar = _account_rel()
    return ModelMeta(
        name=name,
        db_name=table,
        fields=(_uuid_id(), _account_fk(), *fields, *_stamps(), af, *extra_fields),
        id_fields=("id",),
        unique_sets={"id": ("id",), **uniques},
        relations=(ar, *extra_rels),
    )


_acc_children = ("users:User", "roles:Role", "userRoles:UserRole", "clients:Client", "suppliers:Supplier", "employees:Employee", "professionals:Professional")
_account = ModelMeta(
    name="Account",
    db_name="accounts",
    fields=(
        _uuid_id(),
        F("name", "String"),
        F("slug", "String", is_unique=True),
        *_stamps(),
        *(R(c.split(":")[0], c.split(":")[1], is_list=True) for c in _acc_children),
    ),
    id_fields=("id",),
    unique_sets={"id": ("id",), "slug": ("slug",)},
    relations=tuple(
        RelationMeta(c.split(":")[0], c.split(":")[1], is_list=True, back_fields=("accountId",), back_references=("id",)) for c in _acc_children
    ),
)
_crm_user = _tenant_model(
    "User",
    "users",
    (F("email", "String"), F("name", "String", is_required=False), F("status", "UserStatus", kind="enum", default=("value", "ACTIVE"))),
    {"accountId_email": ("accountId", "email")},
    (
        RelationMeta("roles", "UserRole", is_list=True, back_fields=("userId",), back_references=("id",)),
        RelationMeta("employee", "Employee", back_fields=("userId",), back_references=("id",)),
    ),
    (R("roles", "UserRole", is_list=True), R("employee", "Employee")),
)
_crm_role = _tenant_model(
    "Role",
    "roles",
    (F("name", "String"), F("description", "String", is_required=False)),
    {"accountId_name": ("accountId", "name")},
    (RelationMeta("users", "UserRole", is_list=True, back_fields=("roleId",), back_references=("id",)),),
    (R("users", "UserRole", is_list=True),),
)
_crm_user_role = ModelMeta(
    name="UserRole",
    db_name="user_roles",
    fields=(
        F("userId", "String", db="user_id", db_type="uuid", is_id=True),
        F("roleId", "String", db="role_id", db_type="uuid", is_id=True),
        _account_fk(),
        F("assignedAt", "DateTime", db="assigned_at", db_type="timestamptz", default="now"),
        R("user", "User", required=True),
        R("role", "Role", required=True),
        R("account", "Account", required=True),
    ),
    id_fields=("userId", "roleId"),
    unique_sets={"userId_roleId": ("userId", "roleId")},
    relations=(
        RelationMeta("user", "User", is_required=True, fields=("userId",), references=("id",)),
        RelationMeta("role", "Role", is_required=True, fields=("roleId",), references=("id",)),
        RelationMeta("account", "Account", is_required=True, fields=("accountId",), references=("id",)),
    ),
)
_opt = {"is_required": False}
_crm_client = _tenant_model(
    "Client",
    "clients",
    (F("name", "String"), F("email", "String", **_opt), F("phone", "String", **_opt), F("taxId", "String", db="tax_id", **_opt), F("notes", "String", **_opt)),
    {"accountId_email": ("accountId", "email")},
)
_crm_supplier = _tenant_model(
    "Supplier",
    "suppliers",
    (F("name", "String"), F("email", "String", **_opt), F("phone", "String", **_opt), F("taxId", "String", db="tax_id", **_opt), F("website", "String", **_opt)),
    {"accountId_taxId": ("accountId", "taxId")},
)
_crm_employee = _tenant_model(
    "Employee",
    "employees",
    (
        F("userId", "String", db="user_id", db_type="uuid", is_unique=True, **_opt),
        F("firstName", "String", db="first_name"),
        F("lastName", "String", db="last_name"),
        F("email", "String"),
        F("jobTitle", "String", db="job_title", **_opt),
        F("hiredOn", "DateTime", db="hired_on", db_type="date", **_opt),
        F("salary", "Decimal", db_type="numeric", **_opt),
    ),
    {"userId": ("userId",), "accountId_email": ("accountId", "email")},
    (RelationMeta("user", "User", fields=("userId",), references=("id",)),),
    (R("user", "User"),),
)
_crm_professional = _tenant_model(
    "Professional",
    "professionals",
    (
        F("name", "String"),
        F("email", "String", **_opt),
        F("specialty", "String", **_opt),
        F("licenseNumber", "String", db="license_number", **_opt),
        F("hourlyRate", "Decimal", db="hourly_rate", db_type="numeric", **_opt),
    ),
    {"accountId_licenseNumber": ("accountId", "licenseNumber")},
)

CRM = SchemaMeta(
    models={m.name: m for m in (_account, _crm_user, _crm_role, _crm_user_role, _crm_client, _crm_supplier, _crm_employee, _crm_professional)},
    enums={"UserStatus": EnumMeta("UserStatus", "user_status", {"ACTIVE": "active", "INVITED": "invited", "DISABLED": "disabled"})},
    tenant_setting="app.current_account_id",
)
