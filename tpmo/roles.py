"""The four TPMO roles and how a user maps to one.

Roles are Django groups (created by a data migration in ``tpmo``). Which programs a user may edit is
decided by the querysets' ``editable_by(user)``; this module only says which role a user holds.
"""

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ADMIN = "TPMO admin"
    DIRECTOR = "Director"
    TPM = "TPM"
    VIEWER = "Viewer"

    @property
    def label(self) -> str:
        return str(self.value)


# Strongest first: a user in several groups acts with the strongest role.
ROLE_ORDER: tuple[Role, ...] = (Role.ADMIN, Role.DIRECTOR, Role.TPM, Role.VIEWER)


def role_of(user: Any) -> Role | None:
    """The strongest role the user holds, or None for anonymous users and users with no role.

    Superusers are TPMO admins. The group names are read once per request object and cached on it.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    if not hasattr(user, "_tpmo_role"):
        names = set(user.groups.values_list("name", flat=True))
        user._tpmo_role = next((role for role in ROLE_ORDER if role.value in names), None)
    role: Role | None = user._tpmo_role
    return role


def is_portfolio_reader(user: Any) -> bool:
    """Directors and admins review the whole portfolio (KPIs, finance, people)."""
    return role_of(user) in {Role.ADMIN, Role.DIRECTOR}


# Model-level permissions of each role (object scope is ``editable_by``). "view" on everything
# is implied for every role; these are the extra actions.
_PROGRAM_WORK = (
    "programs.project",
    "programs.milestone",
    "programs.dependency",
    "programs.budgetline",
    "programs.allocation",
    "programs.statusreport",
    "programs.programstakeholder",
    "programs.retrospective",
    "programs.actionitem",
    "risks.risk",
    "risks.issue",
    "risks.decision",
    "risks.assumption",
)
_REMOVABLE = ("programs.dependency", "programs.allocation", "programs.programstakeholder")

#: Directors and TPMs do the same kinds of work; they differ in which programs (``editable_by``).
_PROGRAM_EDITOR = (
    {(model, action) for model in _PROGRAM_WORK for action in ("add", "change")}
    | {("programs.program", "change")}
    | {(model, "delete") for model in _REMOVABLE}
)

ROLE_PERMISSIONS: dict[Role, set[tuple[str, str]]] = {
    Role.VIEWER: set(),
    Role.TPM: _PROGRAM_EDITOR,
    Role.DIRECTOR: _PROGRAM_EDITOR,
    Role.ADMIN: set(),  # every permission of ADMIN_APPS: see sync_role_groups
}

#: Apps whose every permission a TPMO admin holds; every role views the domain apps.
ADMIN_APPS = ("programs", "risks", "auth")
DOMAIN_APPS = ("programs", "risks")


def sync_role_groups(apps: Any) -> None:
    """Create the four role groups and set their permissions (idempotent; used by migrations).

    ``apps`` is a migration's app registry (or ``django.apps.apps``).
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; create them now. A migration's
    # app configs have no models module, which create_permissions takes for "no models".
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    every = list(permission_model.objects.select_related("content_type"))
    for role in ROLE_ORDER:
        wanted: list[Any] = []
        for permission in every:
            app, model = permission.content_type.app_label, permission.content_type.model
            action = permission.codename.split("_", 1)[0]
            if role is Role.ADMIN:
                keep = app in ADMIN_APPS
            else:
                keep = app in DOMAIN_APPS and (
                    action == "view" or (f"{app}.{model}", action) in ROLE_PERMISSIONS[role]
                )
            if keep:
                wanted.append(permission)
        group, _ = group_model.objects.get_or_create(name=role.value)
        group.permissions.set(wanted)
