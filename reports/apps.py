from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from crm import hooks
        from reports import jobs, panels  # noqa: F401  (registers the daily job)

        hooks.register("home_panels", panels.home_panel)
        hooks.register("nav_links", panels.nav_links)
