"""Who looked: profile views and unmasked disclosures, as audit events (see crm.audit_log)."""

from crm.access import audit
from crm.models import staff_profile
from customers.models import Customer


def _store(user):
    profile = staff_profile(user)
    return profile.store if profile is not None else None


def profile_viewed(user, customer: Customer) -> None:
    """The profile shows the full mobile number: each view is logged."""
    audit(user, "customer.viewed", customer, store=_store(user), home_store=customer.home_store.code)


def id_number_disclosed(user, customer: Customer) -> str:
    """The full ID-card number, logged; only for those who may change the customer's identity."""
    audit(user, "customer.disclosed.id_number", customer, store=_store(user))
    return customer.id_number
