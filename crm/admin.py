from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from crm.models import AuditEvent, StaffProfile, Store


def system_administrators_only(request) -> bool:
    """The admin is for the system-administrator flag (``is_superuser``) alone.

    Head office works in the application, whose services keep the audit trail; in the
    admin it could reset passwords and rewrite consent or mobiles unaudited.
    """
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = system_administrators_only


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "phone", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "staff__role", "staff__store", "is_active"]
    list_filter = ["staff__role", "staff__store", "is_active"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "store", "action", "object_type", "object_id"]
    list_filter = ["action", "store"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
