"""Member events: invitations, answers with a waiting list, check-in, and what came of it.

Seats are the sum of the party sizes of those coming. An answer is recorded with the event
row locked, so two clerks answering for the last seat at once cannot both get it: the
second goes on the waiting list. When someone coming says no, the longest-waiting party
that fits moves up.
"""

import contextlib
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.access import audit
from customers.models import Customer, Purchase
from customers.validators import normalise_mobile
from followups.models import OutboundMessage
from followups.services.plans import schedule_callbacks
from marketing import segments, texts
from marketing.models import Invitation, MemberEvent, Rsvp


def audience(event: MemberEvent):
    if event.segment_id:
        return segments.customers(event.segment)
    qs = Customer.objects.filter(home_store=event.store)
    return qs.filter(tier__in=event.tiers) if event.tiers else qs


def invite(event: MemberEvent, *, by) -> dict:
    """Invite the event's audience once: invitations, SMS to those who accept marketing,
    and a call on the serving clerk's worklist when asked for."""
    with transaction.atomic():
        claimed = MemberEvent.objects.filter(pk=event.pk, invited_at__isnull=True).update(invited_at=timezone.now())
        if claimed != 1:
            raise ValidationError(_("The invitations for this event have already been sent."))
        people = list(audience(event).select_related("home_store"))
        Invitation.objects.bulk_create([Invitation(event=event, customer=c) for c in people], ignore_conflicts=True)
        sms = calls = 0
        if event.invite_by_sms and event.message.strip():
            messages = [_invitation_sms(event, c) for c in people if c.can_receive_sms]
            OutboundMessage.objects.bulk_create(messages, ignore_conflicts=True)
            sms = len(messages)
        if event.invite_by_call:
            calls = schedule_callbacks([_invitation_call(event, c) for c in people])
        audit(by, "marketing.event.invite", event, store=event.store, invited=len(people), sms=sms, calls=calls)
    return {"invited": len(people), "sms": sms, "calls": calls}


def _invitation_sms(event: MemberEvent, customer: Customer) -> OutboundMessage:
    ctx = texts.context(customer, event.store, 0)
    return OutboundMessage(
        key=f"event:{event.pk}:{customer.pk}",
        customer=customer,
        store=event.store,
        mobile=customer.mobile,
        body=texts.text(event.message, ctx),
    )


def _invitation_call(event: MemberEvent, customer: Customer) -> dict:
    with translation.override("zh-hans"):  # the worklist's stored text, in the stores' language
        purpose = _("Invite to %(event)s") % {"event": event.name}
    day = timezone.localdate(event.starts_at)
    return {
        "customer": customer,
        "purpose": purpose,
        "due_date": max(timezone.localdate(), day - dt.timedelta(days=7)),
        "assignee": customer.clerk,
        "store": event.store,
        "note": "",
        "key": f"event:{event.pk}:{customer.pk}",
    }


def seats_taken(event: MemberEvent) -> int:
    return Invitation.objects.filter(event=event, rsvp=Rsvp.YES).aggregate(n=Sum("party_size"))["n"] or 0


def answer(invitation: Invitation, rsvp: str, *, party_size: int = 1, by) -> Invitation:
    """Record the customer's answer; "yes" beyond the places goes on the waiting list."""
    if rsvp not in (Rsvp.YES, Rsvp.MAYBE, Rsvp.NO):
        raise ValidationError(_("Choose coming, maybe or not coming."))
    with transaction.atomic():
        event = MemberEvent.objects.select_for_update().get(pk=invitation.event_id)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        was_coming = invitation.rsvp == Rsvp.YES
        invitation.rsvp, invitation.party_size = rsvp, party_size
        if rsvp == Rsvp.YES:
            free = event.capacity - seats_taken(event) + (invitation.party_size if was_coming else 0)
            if party_size > free:
                invitation.rsvp = Rsvp.WAITLIST
        invitation.answered_at, invitation.answered_by = timezone.now(), by
        invitation.save()
        if was_coming and invitation.rsvp != Rsvp.YES:
            _move_up(event)
    return invitation


def _move_up(event: MemberEvent) -> None:
    free = event.capacity - seats_taken(event)
    for waiting in Invitation.objects.filter(event=event, rsvp=Rsvp.WAITLIST).order_by("answered_at", "id"):
        if waiting.party_size <= free:
            Invitation.objects.filter(pk=waiting.pk).update(rsvp=Rsvp.YES)
            free -= waiting.party_size


def find_invitation(event: MemberEvent, text: str) -> Invitation | None:
    """By card number or mobile, as typed or scanned at the door."""
    text = (text or "").strip()
    if not text or "\x00" in text or len(text) > 40:
        return None
    q = Q(customer__card_number__iexact=text)
    with contextlib.suppress(ValidationError):  # not a mobile number: the card number only
        q |= Q(customer__mobile=normalise_mobile(text))
    return Invitation.objects.filter(event=event).filter(q).select_related("customer").first()


def check_in(invitation: Invitation, *, by) -> bool:
    """Mark that the customer came; False if they were already checked in."""
    return bool(
        Invitation.objects.filter(pk=invitation.pk, checked_in_at__isnull=True).update(
            checked_in_at=timezone.now(), checked_in_by=by
        )
    )


def report(event: MemberEvent) -> dict:
    """Invited, answered, came, and who of those who came bought within the window."""
    counts = Invitation.objects.filter(event=event).aggregate(
        invited=Count("id"),
        coming=Count("id", filter=Q(rsvp=Rsvp.YES)),
        seats=Sum("party_size", filter=Q(rsvp=Rsvp.YES)),
        waiting=Count("id", filter=Q(rsvp=Rsvp.WAITLIST)),
        declined=Count("id", filter=Q(rsvp=Rsvp.NO)),
        came=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    start = _day_start(event)
    end = start + dt.timedelta(days=event.attribution_days)
    came = Invitation.objects.filter(event=event, checked_in_at__isnull=False).values("customer_id")
    bought = Purchase.objects.counted().filter(customer_id__in=came, purchased_at__gte=start, purchased_at__lt=end)
    figures = bought.aggregate(buyers=Count("customer_id", distinct=True), spend=Sum("total"))
    return counts | {
        "seats": counts["seats"] or 0,
        "buyers": figures["buyers"],
        "spend": (figures["spend"] or Decimal("0")).quantize(Decimal("0.01")),
        "until": timezone.localtime(end - dt.timedelta(seconds=1)).date(),
    }


def _day_start(event: MemberEvent) -> dt.datetime:
    """Purchases from the start of the event's (local) day count: it is the day they came."""
    day = timezone.localdate(event.starts_at)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
