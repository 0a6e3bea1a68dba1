from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self) -> None:
        from crm import hooks
        from loyalty import demo, jobs, panels, preview, receivers_import, services, vouchers  # noqa: F401  (jobs register themselves)
        from loyalty import privacy as loyalty_privacy

        hooks.register("purchase_recorded", services.on_purchase_recorded, order=10)
        hooks.register("discount_rate", services.discount_rate)
        hooks.register("sale_preview", preview.sale_preview)
        hooks.register("voucher_discount", vouchers.sale_discount)
        hooks.register("redeem_voucher", vouchers.redeem_for_sale)
        hooks.register("customer_panels", panels.customer_panel)
        hooks.register("till_panels", panels.till_panel)
        hooks.register("customer_panels", panels.vouchers_panel)
        hooks.register("till_panels", panels.till_vouchers_panel)
        hooks.register("receipt_panels", panels.receipt_panel)
        hooks.register("home_panels", panels.home_panel)
        hooks.register("nav_links", panels.nav_links)
        hooks.register("seed_demo", demo.seed_demo)
        hooks.register("customer_data", loyalty_privacy.customer_data)
        hooks.register("customer_erased", loyalty_privacy.customer_erased)
        receivers_import.connect()
