from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "marketing"
    verbose_name = _("Marketing")

    def ready(self):
        from crm import hooks
        from marketing import demo, jobs, panels  # noqa: F401  (registers the daily job)

        hooks.register("nav_links", panels.nav_links)
        hooks.register("till_panels", panels.till_events_panel)
        hooks.register("seed_demo", demo.seed_demo)
