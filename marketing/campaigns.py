"""Campaign workflow: draft -> submitted -> approved (or rejected / sent back), and sending.

Every transition is a conditional UPDATE on the campaign's status, so two clicks (or two
head-office users) cannot approve twice, and each step is a ``CampaignEvent``.

Approval freezes the audience (customers of the segment who may get marketing SMS then)
and draws the control group from a seed kept on the campaign, so the groups never change
afterwards. ``queue_due`` hands due recipients to the followups outbox, in batches claimed
with ``SELECT … FOR UPDATE SKIP LOCKED``; the outbox message's unique key
``campaign:<id>:<customer>`` makes a second sender harmless. Sending honours consent,
opt-out, invalid numbers, quiet hours, the per-customer 30-day cap and one campaign
message per customer per day (the campaign approved first wins).
"""

import datetime as dt
import hashlib
import secrets
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import audit
from crm.models import staff_profile
from followups.models import OutboundMessage
from loyalty.models import PointsAccount
from loyalty.voucher_models import Voucher, VoucherSource
from loyalty.vouchers import new_code
from marketing import benefits, segments, texts
from marketing.models import (
    EDITABLE,
    Campaign,
    CampaignAction,
    CampaignEvent,
    CampaignStatus,
    Group,
    Recipient,
    RecipientStatus,
)

BATCH = 1000


class Refused(ValidationError):
    """A step the campaign's status (or the user's role) does not allow."""


def message_key(campaign_id: int, customer_id: int) -> str:
    return f"campaign:{campaign_id}:{customer_id}"


def _step(campaign: Campaign, *, by, action: str, to: str, allowed, note: str = "", **fields) -> Campaign:
    with transaction.atomic():
        moved = Campaign.objects.filter(pk=campaign.pk, status__in=list(allowed)).update(status=to, **fields)
        if moved != 1:
            raise Refused(
                _("This campaign can no longer be changed that way (it is %(status)s).")
                % {"status": Campaign.objects.get(pk=campaign.pk).get_status_display()}
            )
        CampaignEvent.objects.create(campaign=campaign, action=action, actor=by, note=note)
        audit(by, f"marketing.campaign.{action}", campaign, store=campaign.store, note=note)
    campaign.refresh_from_db()
    return campaign


def record_saved(campaign: Campaign, *, by, created: bool) -> None:
    action = CampaignAction.CREATED if created else CampaignAction.EDITED
    CampaignEvent.objects.create(campaign=campaign, action=action, actor=by)


def submit(campaign: Campaign, *, by) -> Campaign:
    return _step(campaign, by=by, action=CampaignAction.SUBMITTED, to=CampaignStatus.SUBMITTED, allowed=EDITABLE)


def _require_head_office(user) -> None:
    profile = staff_profile(user)
    if profile is None or not profile.is_head_office:
        raise Refused(_("Only head office decides on campaigns."))


def reject(campaign: Campaign, *, by, reason: str) -> Campaign:
    _require_head_office(by)
    return _step(
        campaign,
        by=by,
        action=CampaignAction.REJECTED,
        to=CampaignStatus.REJECTED,
        allowed=[CampaignStatus.SUBMITTED],
        note=reason,
    )


def send_back(campaign: Campaign, *, by, reason: str) -> Campaign:
    _require_head_office(by)
    return _step(
        campaign,
        by=by,
        action=CampaignAction.SENT_BACK,
        to=CampaignStatus.CHANGES,
        allowed=[CampaignStatus.SUBMITTED],
        note=reason,
    )


def cancel(campaign: Campaign, *, by) -> Campaign:
    allowed = [*EDITABLE, CampaignStatus.SUBMITTED, CampaignStatus.APPROVED]
    with transaction.atomic():
        campaign = _step(campaign, by=by, action=CampaignAction.CANCELLED, to=CampaignStatus.CANCELLED, allowed=allowed)
        Recipient.objects.filter(campaign=campaign, status=RecipientStatus.PENDING).update(
            status=RecipientStatus.CANCELLED
        )
    return campaign


def approve(campaign: Campaign, *, by) -> Campaign:
    """Head office approves: a store manager's campaign after it was submitted, head office's
    own draft directly. Freezes the audience and the control group."""
    _require_head_office(by)
    allowed = [CampaignStatus.SUBMITTED]
    author = staff_profile(campaign.created_by) if campaign.created_by_id else None
    if author is not None and author.is_head_office:
        allowed += list(EDITABLE)
    seed = secrets.randbelow(2**31)
    with transaction.atomic():
        campaign = _step(
            campaign,
            by=by,
            action=CampaignAction.APPROVED,
            to=CampaignStatus.APPROVED,
            allowed=allowed,
            approved_at=timezone.now(),
            approved_by=by,
            seed=seed,
        )
        _freeze_audience(campaign)
    return campaign


def in_control_group(seed: int, customer_id: int, percent: int) -> bool:
    """Reproducible: the same seed and customer always land in the same group."""
    digest = hashlib.sha256(f"{seed}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10000 < percent * 100


def _freeze_audience(campaign: Campaign) -> None:
    audience = segments.customers(campaign.segment).filter(segments.may_get_marketing())
    later = campaign.send_at + dt.timedelta(days=campaign.priority_days)
    first = set(benefits.priority_tiers(campaign.notice))
    batch = []
    for customer_id, tier in audience.order_by("pk").values_list("pk", "tier").iterator(chunk_size=BATCH):
        control = in_control_group(campaign.seed, customer_id, campaign.holdout_percent)
        batch.append(
            Recipient(
                campaign=campaign,
                customer_id=customer_id,
                group=Group.CONTROL if control else Group.TARGET,
                status=RecipientStatus.HELD_OUT if control else RecipientStatus.PENDING,
                send_after=campaign.send_at if tier in first else later,
            )
        )
        if len(batch) >= BATCH:
            Recipient.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Recipient.objects.bulk_create(batch, ignore_conflicts=True)


# --- sending ------------------------------------------------------------------------------


def _clock(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def in_quiet_hours(when: dt.datetime) -> bool:
    """21:00–09:00 local by default (KEDANG_MARKETING_QUIET_HOURS)."""
    start, end = (_clock(v) for v in settings.KEDANG_MARKETING_QUIET_HOURS)
    now = timezone.localtime(when).time()
    return (now >= start or now < end) if start > end else (start <= now < end)


def queue_due(now: dt.datetime | None = None) -> dict:
    """Hand every due recipient of every approved campaign to the outbox (or skip them with
    the reason). Nothing at all in quiet hours, nor so close to them that the outbox could
    only send the message after they begin."""
    now = now or timezone.now()
    margin = dt.timedelta(seconds=settings.KEDANG_MARKETING_SEND_MARGIN)
    if in_quiet_hours(now) or in_quiet_hours(now + margin):
        return {"quiet_hours": 1}
    counts = Counter()
    due = Campaign.objects.filter(status=CampaignStatus.APPROVED, send_at__lte=now).order_by("approved_at", "id")
    for campaign in due.select_related("store"):
        while _queue_batch(campaign, now, counts):
            pass
    return dict(counts)


def _queue_batch(campaign: Campaign, now: dt.datetime, counts: Counter) -> bool:
    with transaction.atomic():
        batch = list(
            Recipient.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(campaign=campaign, status=RecipientStatus.PENDING, send_after__lte=now)
            .select_related("customer", "customer__home_store")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return False
        ids = [r.customer_id for r in batch]
        recent, today = _recent_messages(ids, now)
        points = dict(PointsAccount.objects.filter(customer_id__in=ids).values_list("customer_id", "balance"))
        by_status: dict[str, list[int]] = {}
        sending = []
        for recipient in batch:
            status = _decide(recipient.customer, recent.get(recipient.customer_id, 0), recipient.customer_id in today)
            by_status.setdefault(status, []).append(recipient.pk)
            counts[status] += 1
            if status == RecipientStatus.QUEUED:
                sending.append(recipient.customer)
        codes = _vouchers(campaign, sending, now)
        messages = [_message(campaign, c, points.get(c.pk, 0), codes.get(c.pk, "")) for c in sending]
        OutboundMessage.objects.bulk_create(messages, ignore_conflicts=True)
        for status, pks in by_status.items():
            fields = {"status": status}
            if status == RecipientStatus.QUEUED:
                key = Concat(Value(f"campaign:{campaign.pk}:"), Cast("customer_id", CharField()))
                fields |= {"queued_at": now, "message_key": key}
            Recipient.objects.filter(pk__in=pks).update(**fields)
    return True


def _recent_messages(customer_ids: list[int], now: dt.datetime) -> tuple[dict[int, int], set[int]]:
    """Marketing messages queued per customer in the last 30 days, and who got one today."""
    since = now - dt.timedelta(days=30)
    queued = Recipient.objects.filter(customer_id__in=customer_ids, status=RecipientStatus.QUEUED)
    recent = dict(
        queued.filter(queued_at__gte=since)
        .values("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )
    local = timezone.localtime(now)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    today = set(queued.filter(queued_at__gte=day_start, queued_at__lte=now).values_list("customer_id", flat=True))
    return recent, today


def _decide(customer, recent: int, got_one_today: bool) -> str:
    if not customer.mobile or customer.mobile_invalid:
        return RecipientStatus.INVALID
    if customer.marketing_opt_out_at:
        return RecipientStatus.OPTED_OUT
    if not customer.marketing_consent:
        return RecipientStatus.NO_CONSENT
    if got_one_today:
        return RecipientStatus.OVERLAP
    if recent >= settings.KEDANG_MARKETING_MAX_PER_30_DAYS:
        return RecipientStatus.CAP
    return RecipientStatus.QUEUED


def _vouchers(campaign: Campaign, customers: list, now: dt.datetime) -> dict[int, str]:
    """The campaign's voucher for each customer it is sending to (issued once: the key),
    as {customer id: code}. One INSERT and one read per batch."""
    if not campaign.voucher_type_id or not customers:
        return {}
    vtype = campaign.voucher_type
    day = timezone.localdate(now)
    until = day + dt.timedelta(days=max(vtype.valid_days, 1) - 1)
    keys = {f"campaign:{campaign.pk}:{c.pk}": c for c in customers}
    Voucher.objects.bulk_create(
        [
            Voucher(
                code=new_code(),
                type=vtype,
                customer=c,
                store=c.home_store,
                source=VoucherSource.CAMPAIGN,
                issue_key=key,
                valid_from=day,
                valid_until=until,
                issued_by=campaign.approved_by,
            )
            for key, c in keys.items()
        ],
        ignore_conflicts=True,
    )
    return dict(Voucher.objects.filter(issue_key__in=list(keys)).values_list("customer_id", "code"))


def _message(campaign: Campaign, customer, points: int, voucher: str = "") -> OutboundMessage:
    store = campaign.store or customer.home_store
    return OutboundMessage(
        key=message_key(campaign.pk, customer.pk),
        customer=customer,
        store=store,
        mobile=customer.mobile,
        body=texts.text(campaign.body, texts.context(customer, store, points, voucher)),
    )
