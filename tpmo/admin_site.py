from django.contrib import admin
from django.http import HttpRequest

from tpmo.roles import Role, role_of


class TpmoAdminSite(admin.AdminSite):
    """The admin is the TPMO admins' data-entry tool and nobody else's.

    Staff status alone is not enough: the user must hold the TPMO admin role (or be a superuser),
    so that granting ``is_staff`` by mistake does not open the admin to a TPM or a viewer.
    """

    site_header = "TPMO administration"
    site_title = "TPMO admin"
    index_title = "Portfolio data"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and role_of(user) is Role.ADMIN)
