"""Service by class (seed 002) and the dealer-list imports."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from distributors.models.accounts import ValueClass


class ServiceRhythm(models.Model):
    """How often an account of a value class is contacted and reviewed; head office edits it."""

    value_class = models.CharField(_("value class"), max_length=10, choices=ValueClass.choices, unique=True)
    contact_every_days = models.PositiveSmallIntegerField(
        _("contact every (days)"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    review_every_months = models.PositiveSmallIntegerField(
        _("review or care action every (months)"),
        default=0,
        validators=[MaxValueValidator(24)],
        help_text=_("0 for none."),
    )
    dedicated_manager = models.BooleanField(_("dedicated account manager"), default=False)
    holiday_greetings = models.BooleanField(_("holiday greetings and gifts"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("service rhythm")
        verbose_name_plural = _("service rhythms")

    def __str__(self) -> str:
        return self.get_value_class_display()


class DealerImport(models.Model):
    """An uploaded dealer list: checked on upload, written on confirmation."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    original_name = models.CharField(max_length=200)
    headers = models.JSONField(default=list)
    valid_rows = models.JSONField(default=list)
    rejected_rows = models.JSONField(default=list)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
