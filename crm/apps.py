from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Stores and staff")

    def ready(self) -> None:
        from crm import hooks
        from crm.audit_log import nav_links

        hooks.register("nav_links", nav_links)
