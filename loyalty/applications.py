"""The card application register and card issue: the only writers of tier and card number.

Each step is a conditional UPDATE from the statuses it may follow, so a double click or
two people at once move an application once; each step records who and when.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import hooks
from crm.access import audit
from crm.db import insert_unless_conflict
from customers.models import Customer, Tier
from loyalty.models import (
    AWAITING_CARD,
    OPEN_STATUSES,
    ApplicationStatus,
    CardApplication,
    CardSequence,
    MembershipCard,
    TierChange,
    tier_rank,
)
from loyalty.tiers import _add_event

S = ApplicationStatus


class ApplicationError(ValidationError):
    pass


def _user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _move(application: CardApplication, from_statuses, to_status: str, by, event_note: str = "", **fields) -> None:
    now = timezone.now()
    moved = CardApplication.objects.filter(pk=application.pk, status__in=list(from_statuses)).update(
        status=to_status, **fields
    )
    if moved != 1:
        application.refresh_from_db()
        raise ApplicationError(
            _("This application is already “%(status)s”: someone else moved it. Reload the page.")
            % {"status": application.get_status_display()},
            code="stale",
        )
    application.status = to_status
    for name, value in fields.items():
        setattr(application, name, value)
    _add_event(application, to_status, by, event_note, at=now)
    hooks.each("card_application_moved", application, to_status, by)


# --- card numbers and cards ----------------------------------------------------------------


class _Marker:
    def __format__(self, spec: str) -> str:
        return "#"


def _card_format() -> str:
    return settings.LOYALTY_CARD_NUMBER_FORMAT


def _card_prefix(tier: str, store, on: dt.date | None) -> tuple[str, dict]:
    parts = {"tier": tier, "year": (on or timezone.localdate()).year, "store": store.code if store else ""}
    return _card_format().format(seq=_Marker(), **parts)[:40], parts


def _draw_card_number(prefix: str, parts: dict) -> str:
    """The prefix's next number, not checked against numbers on file. The prefix's row
    stays locked until the card's transaction ends."""
    table = connection.ops.quote_name(CardSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, last) VALUES (%s, 1) "
            f"ON CONFLICT (prefix) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [prefix],
        )
        return _card_format().format(seq=cursor.fetchone()[0], **parts)


def _number_on_file(number: str) -> tuple[str, list]:
    """Whether a customer carries ``number``: numbers brought in from the paper register
    may already use the format (the cards' own numbers are unique)."""
    return f"EXISTS (SELECT 1 FROM {connection.ops.quote_name(Customer._meta.db_table)} WHERE card_number = %s)", [
        number
    ]


def _taken(number: str) -> bool:
    on_file, params = _number_on_file(number)
    cards = connection.ops.quote_name(MembershipCard._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {on_file} OR EXISTS (SELECT 1 FROM {cards} WHERE number = %s)", [*params, number])
        return cursor.fetchone()[0]


def new_card_number(tier: str, store=None, on: dt.date | None = None) -> str:
    """The next unused number in the configured format; ``{seq}`` runs per prefix."""
    prefix, parts = _card_prefix(tier, store, on)
    while True:
        number = _draw_card_number(prefix, parts)
        if not _taken(number):
            return number


def _void_cards(customer: Customer, by, reason: str) -> list[str]:
    cards = list(MembershipCard.objects.filter(customer=customer, voided_at__isnull=True))
    MembershipCard.objects.filter(pk__in=[c.pk for c in cards]).update(
        voided_at=timezone.now(), voided_by=_user(by), void_reason=reason[:200]
    )
    return [card.number for card in cards]


def issue_card(customer: Customer, tier: str, *, by, application: CardApplication | None = None) -> MembershipCard:
    """A new card for ``tier``; the previous card is voided. Caller holds the customer lock."""
    voided = _void_cards(customer, by, _("Replaced by a %(tier)s") % {"tier": Tier(tier).label})
    # A card from before Kedang (an import): keep its number on record as voided.
    legacy = customer.card_number and customer.card_number not in voided
    if legacy and not MembershipCard.objects.filter(number=customer.card_number).exists():
        MembershipCard.objects.create(
            customer=customer,
            number=customer.card_number,
            tier=customer.tier,
            issued_at=customer.created_at,
            voided_at=timezone.now(),
            voided_by=_user(by),
            void_reason=_("Replaced by a %(tier)s") % {"tier": Tier(tier).label},
        )
    number = new_card_number(tier, store=application.store if application else customer.home_store)
    card = MembershipCard.objects.create(
        customer=customer, number=number, tier=tier, issued_by=_user(by), application=application
    )
    Customer.objects.filter(pk=customer.pk).update(card_number=number, updated_at=timezone.now())
    customer.card_number = number
    return card


def issue_points_card(customer: Customer, *, by, store=None) -> MembershipCard | None:
    """The C temporary points card (临时积分卡) at the first identified purchase: a number
    the till search accepts and the printable card carries. None when the customer already
    has a card number (theirs, or one brought in from the paper register). Caller holds
    the customer lock."""
    if customer.card_number:
        return None
    prefix, parts = _card_prefix(Tier.C, store or customer.home_store, None)
    customers = connection.ops.quote_name(Customer._meta.db_table)
    while True:
        number = _draw_card_number(prefix, parts)
        card = MembershipCard(customer=customer, number=number, tier=Tier.C, issued_by=_user(by))
        on_file = (
            f"UPDATE {customers} SET card_number = %s, updated_at = %s FROM inserted WHERE {customers}.id = %s",
            [number, connection.ops.adapt_datetimefield_value(timezone.now()), customer.pk],
        )
        # The card, unless its number is taken, and the number on file: one statement.
        if insert_unless_conflict(card, then=[on_file], unless=_number_on_file(number)):
            customer.card_number = number
            return card
        if not _taken(number):  # not the number: the customer's one valid card
            raise IntegrityError(f"customer {customer.pk} already holds a valid card")


def _change_tier(customer: Customer, tier: str, *, by, source: str, reason: str = "", application=None) -> TierChange:
    change = TierChange.objects.create(
        customer=customer,
        from_tier=customer.tier,
        to_tier=tier,
        source=source,
        reason=reason[:200],
        application=application,
        by=_user(by),
    )
    Customer.objects.filter(pk=customer.pk).update(tier=tier, updated_at=timezone.now())
    customer.tier = tier
    audit(by, "loyalty.tier_changed", customer, store=customer.home_store, to=tier, source=source, reason=reason)
    return change


# --- register steps --------------------------------------------------------------------


def enter_application(application: CardApplication, *, relative_name: str, relative_phone: str, by, note: str = ""):
    """The paper form's data is in: the relative's name and phone (may be corrected until submitted)."""
    with transaction.atomic():
        _move(
            application,
            (S.CREATED, S.ENTERED),
            S.ENTERED,
            by,
            note,
            relative_name=relative_name.strip(),
            relative_phone=relative_phone.strip(),
            note=note[:200],
            entered_at=timezone.now(),
        )
    return application


def submit_application(application: CardApplication, *, by):
    """The store manager sends it to head office (due within 3 days of creation)."""
    if application.status == S.CREATED:
        raise ApplicationError(_("Enter the application form before submitting it."), code="not_entered")
    with transaction.atomic():
        _move(application, (S.ENTERED,), S.SUBMITTED, by, submitted_at=timezone.now())
    return application


def approve_application(application: CardApplication, *, by) -> CardApplication:
    """Head office approves: the tier changes, a new card is issued, the old one voided."""
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=application.customer_id)
        if tier_rank(customer.tier) >= tier_rank(application.target_tier):
            raise ApplicationError(
                _("%(name)s already holds a %(tier)s.") % {"name": customer.name, "tier": customer.get_tier_display()},
                code="already_at_tier",
            )
        _move(application, (S.SUBMITTED,), S.APPROVED, by, decided_at=timezone.now(), decided_by=_user(by))
        _change_tier(
            customer, application.target_tier, by=by, source=TierChange.Source.APPLICATION, application=application
        )
        issue_card(customer, application.target_tier, by=by, application=application)
    return application


def approve_applications(applications, *, by) -> tuple[list[CardApplication], list[tuple[CardApplication, str]]]:
    """Approve several; each in its own transaction, so one refusal does not block the rest."""
    done, refused = [], []
    for application in applications:
        try:
            done.append(approve_application(application, by=by))
        except ApplicationError as error:
            refused.append((application, " ".join(error.messages)))
    return done, refused


def reject_application(application: CardApplication, *, reason: str, by) -> CardApplication:
    if not (reason or "").strip():
        raise ApplicationError(_("Give the reason for rejecting."), code="reason_required")
    with transaction.atomic():
        _move(
            application,
            (S.SUBMITTED,),
            S.REJECTED,
            by,
            reason.strip(),
            decided_at=timezone.now(),
            decided_by=_user(by),
            reject_reason=reason.strip()[:200],
        )
    return application


def record_notified(application: CardApplication, *, by, note: str = "") -> CardApplication:
    """A call telling the customer the card is ready: the first, then the second."""
    with transaction.atomic():
        if application.status == S.APPROVED:
            _move(application, (S.APPROVED,), S.NOTIFIED, by, note, notified_at=timezone.now())
        else:
            _move(application, (S.NOTIFIED,), S.NOTIFIED_AGAIN, by, note, notified_again_at=timezone.now())
    return application


def record_collected(application: CardApplication, *, by, note: str = "") -> CardApplication:
    with transaction.atomic():
        _move(application, AWAITING_CARD, S.COLLECTED, by, note, closed_at=timezone.now())
    return application


def record_mailed(application: CardApplication, *, by, note: str = "") -> CardApplication:
    with transaction.atomic():
        _move(application, AWAITING_CARD, S.MAILED, by, note, closed_at=timezone.now())
    return application


def withdraw_application(application: CardApplication, *, by, reason: str) -> CardApplication:
    with transaction.atomic():
        _move(application, OPEN_STATUSES, S.WITHDRAWN, by, reason, closed_at=timezone.now())
    return application


# --- tier by hand ------------------------------------------------------------------------


def set_tier_by_hand(customer: Customer, tier: str, *, by, reason: str) -> TierChange:
    """Head office sets a tier with a reason. Logged like any change, and nothing more:
    it is not a floor, the rules and later approvals work from it as from any tier."""
    if tier not in Tier.values:
        raise ApplicationError(_("Unknown tier."), code="bad_tier")
    if not (reason or "").strip():
        raise ApplicationError(_("Give the reason for setting the tier by hand."), code="reason_required")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.tier == tier:
            raise ApplicationError(
                _("%(name)s already holds a %(tier)s.") % {"name": customer.name, "tier": customer.get_tier_display()},
                code="already_at_tier",
            )
        for application in CardApplication.objects.open().filter(customer=customer):
            if tier_rank(application.target_tier) <= tier_rank(tier):
                withdraw_application(application, by=by, reason=_("Tier set by hand: %(reason)s") % {"reason": reason})
        before = customer.tier
        change = _change_tier(customer, tier, by=by, source=TierChange.Source.BY_HAND, reason=reason.strip())
        # The customer's change log (customers.privacy.changes) shows tiers set by hand too.
        audit(by, "customer.changed", customer, store=customer.home_store, source="tier_by_hand",
              changes={"tier": [before, tier]}, reason=reason.strip())  # fmt: skip
        if tier == Tier.C:
            voided = _void_cards(customer, by, reason.strip())
            if customer.card_number in voided:
                Customer.objects.filter(pk=customer.pk).update(card_number=None)
                customer.card_number = None
        else:
            issue_card(customer, tier, by=by)
    return change
