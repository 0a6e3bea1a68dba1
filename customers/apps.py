from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from crm import hooks
        from customers import jobs, panels  # noqa: F401  (jobs registers the daily jobs)
        from customers.products import panels as product_panels

        hooks.register("home_sections", panels.sales_today)
        hooks.register("nav_links", product_panels.nav_links)
        hooks.register("nav_links", panels.rights_nav_links)
