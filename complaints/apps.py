from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import demo, jobs, panels  # noqa: F401  (registers the daily job)
        from complaints import privacy as complaints_privacy
        from crm import hooks

        hooks.register("customer_panels", panels.customer_panel)
        hooks.register("receipt_panels", panels.receipt_panel)
        hooks.register("home_panels", panels.home_panel)
        hooks.register("nav_links", panels.nav_links)
        hooks.register("seed_demo", demo.seed_demo)
        hooks.register("customer_data", complaints_privacy.customer_data)
        hooks.register("customer_erased", complaints_privacy.customer_erased)
