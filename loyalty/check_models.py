"""What the daily tier check remembers between runs (``loyalty.daily_check``)."""

from django.db import models

from loyalty.models import RuleVersion


class StandingChange(models.Model):
    """A customer whose standing for the tier check may have changed since the check last
    looked: written by PostgreSQL triggers on customers, purchases and card applications
    (migration 0005), whatever code made the change; read and removed by the check."""

    customer_id = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.customer_id)


class TierCheckMark(models.Model):
    """The day and rules of the last whole tier check (one row). A run of that same day
    under those same rules checks only the customers noted since (``StandingChange``)."""

    day = models.DateField()
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.CASCADE, related_name="+")
    finished_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} v{self.rule_version_id}"
