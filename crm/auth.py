from crm.models import Role, staff_profile


class HeadOfficePermissionBackend:
    """Head office may do everything in the Django admin; nobody else gets anything here.

    It authenticates no one (ModelBackend does); it only answers permission questions,
    so head-office logins need no per-model permissions to be maintained by hand.
    """

    def authenticate(self, request, **credentials):
        return None

    def _is_head_office(self, user) -> bool:
        profile = staff_profile(user)
        return profile is not None and profile.role == Role.HEAD_OFFICE

    def has_perm(self, user, perm, obj=None) -> bool:
        return self._is_head_office(user)

    def has_module_perms(self, user, app_label) -> bool:
        return self._is_head_office(user)
