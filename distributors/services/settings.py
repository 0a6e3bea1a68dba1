"""Head office's settings for distributors: the service rhythm per value class."""

from django.db import transaction

from crm.access import audit


def save_rhythms(formset, *, by) -> None:
    with transaction.atomic():
        for rhythm in formset.save():
            audit(by, "distributors.rhythm_changed", rhythm, days=rhythm.contact_every_days)
