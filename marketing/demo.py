"""Demo marketing: a chain segment and a store segment, a campaign sent a month ago with its
results, one waiting for head office and one draft."""

import datetime as dt

from django.utils import timezone

from followups.models import MessageStatus, OutboundMessage
from marketing import campaigns
from marketing.models import Campaign, Segment


def seed_demo(*, rng, today, stores, staff, customers) -> None:
    manager, hq = staff.get("manager"), staff.get("hq")
    if manager is None or hq is None:
        return
    store = manager.staff.store
    chain = Segment.objects.create(
        name="全国金卡银卡会员", filters={"tiers": ["A", "B"], "sms_only": True}, created_by=hq
    )
    local = Segment.objects.create(
        name=f"{store.name}接受短信的顾客", store=store, filters={"sms_only": True}, created_by=manager
    )
    morning = dt.time(10, 0)
    sent = Campaign.objects.create(
        name="秋冬新品到店",
        segment=chain,
        body="{name}您好，秋冬新品已到{store}，欢迎光临试穿。",
        send_at=timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=30), morning)),
        priority_days=2,
        created_by=hq,
    )
    campaigns.approve(sent, by=hq)
    campaigns.queue_due(sent.send_at + dt.timedelta(days=2, minutes=5))
    keys = sent.recipients.exclude(message_key="").values("message_key")
    OutboundMessage.objects.filter(key__in=keys, status=MessageStatus.QUEUED).update(
        status=MessageStatus.SENT, sent_at=sent.send_at + dt.timedelta(minutes=10)
    )
    waiting = Campaign.objects.create(
        name="会员日九折",
        segment=local,
        body="{name}您好，本周六{store}会员日全场九折。",
        send_at=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=5), morning)),
        created_by=manager,
    )
    campaigns.record_saved(waiting, by=manager, created=True)
    campaigns.submit(waiting, by=manager)
    draft = Campaign.objects.create(
        name="生日月礼遇",
        segment=local,
        body="{name}您好，生日月到店可领取一份礼品。",
        send_at=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=10), morning)),
        created_by=manager,
    )
    campaigns.record_saved(draft, by=manager, created=True)
    _events(rng, today, store, manager, staff.get("clerk") or manager)


def _events(rng, today, store, manager, clerk) -> None:
    from marketing import events
    from marketing.models import MemberEvent, Rsvp

    afternoon = dt.time(14, 0)
    past = MemberEvent.objects.create(
        name="金卡会员日",
        kind="member_day",
        store=store,
        capacity=20,
        tiers=["A"],
        invite_by_sms=False,
        starts_at=timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=10), afternoon)),
        created_by=manager,
    )
    coming = MemberEvent.objects.create(
        name="秋冬新品品鉴会",
        kind="tasting",
        store=store,
        capacity=12,
        tiers=["A", "B"],
        invite_by_call=True,
        message="{name}您好，诚邀您参加{store}秋冬新品品鉴会。",
        starts_at=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=7), afternoon)),
        created_by=manager,
    )
    for event in (past, coming):
        events.invite(event, by=manager)
        for i, invitation in enumerate(event.invitations.order_by("id")):
            answer = rng.choice([Rsvp.YES, Rsvp.YES, Rsvp.MAYBE, Rsvp.NO, None])
            if answer is not None:
                invitation = events.answer(invitation, answer, party_size=1 + i % 2, by=clerk)
            if event is past and invitation.rsvp == Rsvp.YES:
                events.check_in(invitation, by=clerk)
