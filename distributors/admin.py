from django.contrib import admin

from distributors.models import DealerAccount, PickUpPolicy, ServiceRhythm


@admin.register(PickUpPolicy)
class PickUpPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "valid_from", "valid_until")


@admin.register(ServiceRhythm)
class ServiceRhythmAdmin(admin.ModelAdmin):
    list_display = (
        "value_class",
        "contact_every_days",
        "review_every_months",
        "dedicated_manager",
        "holiday_greetings",
    )


@admin.register(DealerAccount)
class DealerAccountAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "grade", "value_class", "account_manager")
    list_filter = ("status", "value_class")
    raw_id_fields = ("customer", "account_manager")
    readonly_fields = ("status", "grade", "status_since", "value_class", "yearly_purchases")
