from django.contrib import admin

from customers.models import ContactLog, Customer, CustomerStoreShare, Purchase, PurchaseLine


class ShareInline(admin.TabularInline):
    model = CustomerStoreShare
    extra = 0
    autocomplete_fields = ["store"]
    readonly_fields = ["shared_at", "shared_by"]

    # Sharing shows a customer to another store: done in the app, which audits it.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "mobile", "card_number", "tier", "home_store", "cumulative_spend", "last_purchase_at"]
    list_filter = ["tier", "home_store", "kind", "marketing_consent"]
    search_fields = ["name", "mobile", "card_number"]
    # Tier, totals, consent, the mobile and the home store are written by the services
    # (points, cards, consent history, audit trail), never edited here.
    readonly_fields = [
        "mobile",
        "mobile_invalid",
        "home_store",
        "marketing_consent",
        "tier",
        "card_number",
        "cumulative_spend",
        "visit_count",
        "last_purchase_at",
        "member_since",
        "data_consent_at",
        "data_consent_by",
        "marketing_consent_at",
        "marketing_opt_out_at",
    ]
    raw_id_fields = ["referred_by", "clerk"]
    inlines = [ShareInline]


class LineInline(admin.TabularInline):
    model = PurchaseLine
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = ["receipt_number", "store", "customer", "clerk", "purchased_at", "total", "is_imported"]
    list_filter = ["store", "is_imported"]
    search_fields = ["receipt_number", "customer__name", "customer__mobile"]
    date_hierarchy = "purchased_at"
    raw_id_fields = ["customer"]
    inlines = [LineInline]

    def has_change_permission(self, request, obj=None):
        return False  # money is written by the till and returns, never edited by hand


@admin.register(ContactLog)
class ContactLogAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "customer", "store", "staff", "channel", "outcome"]
    list_filter = ["channel", "outcome", "store"]
    raw_id_fields = ["customer"]
