"""Developing an account (seed 000 客户开发流程): visits, negotiation, the contract."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from distributors.models.accounts import AccountRow


class Visit(AccountRow):
    """A visit planned (date, needs prepared) and, once made, recorded."""

    planned_on = models.DateField(_("planned for"))
    prepared_needs = models.TextField(_("needs prepared"), blank=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    presented = models.TextField(_("what was presented"), blank=True)
    questions = models.TextField(_("questions raised"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)

    class Meta:
        ordering = ["-planned_on", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.planned_on}"


class Negotiation(AccountRow):
    """The terms discussed (合作洽谈): cooperation model, prices, delivery, after-sales."""

    held_on = models.DateField(_("date"))
    cooperation_model = models.CharField(_("cooperation model"), max_length=200)
    prices = models.TextField(_("prices"), blank=True)
    delivery_terms = models.TextField(_("delivery terms"), blank=True)
    after_sales = models.TextField(_("after-sales service"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("negotiation")
        verbose_name_plural = _("negotiations")

    def __str__(self) -> str:
        return f"{self.held_on} {self.cooperation_model}"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("With head office for review")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved, to sign")
    SIGNED = "signed", _("Signed")


class Contract(AccountRow):
    """A sales contract; head office reviews its terms before it may be signed."""

    number = models.CharField(_("contract number"), max_length=40, blank=True)
    key_terms = models.TextField(_("key terms"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    remind_days = models.PositiveSmallIntegerField(_("renewal reminder (days before the end)"), default=60)
    status = models.CharField(_("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(_("review note"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"
