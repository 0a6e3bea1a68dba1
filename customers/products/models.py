"""The chain's product list: what the till can add by barcode, SKU or part of a name.

One list for the whole chain (a Kedang installation serves one chain); head office keeps
it, every store reads it. A sale line copies the product's name and price, so editing a
product never changes a recorded sale.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProductQuerySet(models.QuerySet):
    def active(self) -> "ProductQuerySet":
        return self.filter(is_active=True)

    def matching(self, text: str) -> "ProductQuerySet":
        """Barcode or SKU exactly, or part of the name."""
        text = (text or "").strip()
        if not text:
            return self.none()
        return self.filter(Q(barcode=text) | Q(sku__iexact=text) | Q(name__icontains=text))


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    barcode = models.CharField(_("barcode"), max_length=40, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    size = models.CharField(_("size"), max_length=30, blank=True)
    colour = models.CharField(_("colour"), max_length=30, blank=True)
    list_price = models.DecimalField(_("list price"), max_digits=12, decimal_places=2)
    is_active = models.BooleanField(_("on sale"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def as_line(self) -> dict:
        """What a sale line takes from the product (the till's JavaScript fills these fields)."""
        return {
            "item": self.name,
            "unit_price": f"{self.list_price:.2f}",
            "category": self.category,
            "size": self.size,
            "colour": self.colour,
        }
