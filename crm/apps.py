from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Stores and staff")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth import signals

        from crm import hooks, logins
        from crm.audit_log import nav_links

        hooks.register("nav_links", nav_links)
        signals.user_logged_in.connect(logins.on_login, dispatch_uid="kedang-login")
        signals.user_login_failed.connect(logins.on_login_failed, dispatch_uid="kedang-login-failed")
        signals.user_logged_out.connect(logins.on_logout, dispatch_uid="kedang-logout")
        user_locked_out.connect(logins.on_locked_out, dispatch_uid="kedang-locked-out")
