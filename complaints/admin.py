from django.contrib import admin

from complaints.models import Category, Complaint, Department, Sla


class SlaInline(admin.TabularInline):
    model = Sla
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    inlines = [SlaInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: complaints change through the app's workflow, which keeps the timeline."""

    list_display = ["pk", "store", "category", "status", "received_at", "owner"]
    list_filter = ["status", "category", "channel", "store"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
