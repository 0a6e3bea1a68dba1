from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customers.products.models import Product


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["sku", "barcode", "name", "category", "size", "colour", "list_price", "is_active"]

    def clean_barcode(self):
        barcode = (self.cleaned_data.get("barcode") or "").strip() or None
        if barcode and Product.objects.filter(barcode=barcode).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This barcode belongs to another product."), code="duplicate")
        return barcode


class ProductSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=120, required=False)

    def clean_q(self):
        value = self.cleaned_data["q"]
        if "\x00" in value:
            raise ValidationError(_("Invalid characters."), code="nul")
        return value.strip()


class ProductImportForm(forms.Form):
    file = forms.FileField(label=_("Product list (xlsx)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > 10 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 10 MB."), code="too_big")
        return file
