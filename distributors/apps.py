from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributorsConfig(AppConfig):
    name = "distributors"
    verbose_name = _("Distributors")

    def ready(self):
        from crm import hooks
        from distributors import demo, jobs, panels  # noqa: F401  (registers the daily jobs)

        hooks.register("nav_links", panels.nav_links)
        hooks.register("seed_demo", demo.seed_demo)
