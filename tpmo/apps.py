from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TpmoConfig(AppConfig):
    default = True
    name = "tpmo"
    verbose_name = "TPMO"

    def ready(self) -> None:
        from tpmo import security

        security.connect_lockout_signal()


class TpmoAdminConfig(admin_apps.AdminConfig):
    """The Django admin, restricted to the TPMO admin role (see ``tpmo.admin_site``)."""

    default = False
    default_site = "tpmo.admin_site.TpmoAdminSite"
