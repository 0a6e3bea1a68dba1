from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("POS API")

    def ready(self) -> None:
        from api import events, panels
        from crm import hooks

        events.connect()
        hooks.register("nav_links", panels.nav_links)
