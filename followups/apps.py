from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-ups")

    def ready(self):
        from crm import hooks
        from followups import demo, jobs, panels  # noqa: F401  (registers the daily jobs)
        from followups import privacy as followups_privacy
        from followups.services import cards, outbox, plans

        hooks.register("purchase_recorded", plans.on_purchase_recorded, order=20)
        hooks.register("schedule_callback", plans.schedule_callback)
        hooks.register("schedule_callbacks", plans.schedule_callbacks)
        hooks.register("card_application_moved", cards.on_card_application_moved)
        hooks.register("customer_panels", panels.customer_panel)
        hooks.register("home_panels", panels.home_panel)
        hooks.register("nav_links", panels.nav_links)
        hooks.register("seed_demo", demo.seed_demo)
        hooks.register("customer_data", followups_privacy.customer_data)
        hooks.register("customer_erased", followups_privacy.customer_erased)
        hooks.register("send_transactional_sms", outbox.send_transactional)
