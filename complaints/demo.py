"""A few complaints for seed_demo, in every state from new to closed, received over the
past weeks: answered and resolved hours or days later, some past their deadlines."""

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from complaints import services
from complaints.models import Category, Channel, Complaint, EventKind, Status
from crm.models import Role

STORIES = [
    ("衬衫洗后领口变形，要求换货。", "exchange"),
    ("导购承诺的积分没有到账。", "explanation"),
    ("西装送改后三周仍未取到。", "compensation"),
    ("皮鞋穿了一周鞋底开胶。", "repair"),
    ("店员态度冷淡，等了二十分钟没人接待。", "explanation"),
    ("网上下单的大衣颜色与图片不符。", "refund"),
    ("会员生日券无法使用。", None),
    ("快递送货时外包装破损。", None),
]
# Per story: hours ago it was received, hours to the first response, hours to the
# resolution (None: not reached). With the default deadlines (24 h / 72 h) stories 1 and 2
# are answered or resolved late, 3 and 6 are still open past a deadline.
TIMINGS = [
    (30, 1, 20),
    (80, 30, 70),
    (260, 3, 200),
    (100, None, None),
    (50, 2, 26),
    (170, 4, 60),
    (400, 5, None),
    (4, None, None),
]


def seed_demo(*, rng, today, stores, staff, customers, **_):
    categories = list(Category.objects.filter(is_active=True).order_by("id"))
    if not categories:
        return
    buyers = [c for c in customers if c.visit_count]
    channels = list(Channel.values)
    now, made = timezone.now(), []
    for i, ((text, resolution), (ago, answered, resolved)) in enumerate(zip(STORIES, TIMINGS, strict=True)):
        customer = rng.choice(buyers)
        clerks = [u for u in staff.values() if u.staff.store_id == customer.home_store_id]
        clerk = next((u for u in clerks if u.staff.role == Role.CLERK), clerks[0])
        received = now - dt.timedelta(hours=ago)
        complaint, _ = services.log_complaint(
            store=customer.home_store,
            received_by=clerk,
            category=rng.choice(categories),
            channel=rng.choice(channels),
            description=text,
            customer=customer,
            purchase=customer.purchases.filter(purchased_at__lt=received).order_by("-purchased_at").first(),
            key=uuid.UUID(int=rng.getrandbits(128)),
            received_at=received,
        )
        made.append((complaint, answered, resolved))
        if i % 4 == 3:
            continue  # still new
        services.start_investigation(complaint, clerk, "已联系顾客了解情况。")
        if resolution is None:
            continue
        amount = Decimal("200.00") if resolution in ("refund", "compensation") else None
        services.resolve(complaint, clerk, resolution_type=resolution, amount=amount, note="与顾客协商处理。")
        if i % 2 == 0:
            services.record_agreement(complaint, clerk, agreed=True)
            services.close(complaint, clerk)
    for complaint, answered, resolved in made:
        complaint.refresh_from_db()
        _backdate(complaint, answered, resolved)


def _backdate(complaint: Complaint, answered: int | None, resolved: int | None) -> None:
    """The steps above were taken just now: move them to when the story says."""
    received = complaint.received_at
    times = {
        Status.INVESTIGATING: received + dt.timedelta(hours=answered) if answered is not None else None,
        Status.RESOLVED: received + dt.timedelta(hours=resolved) if resolved is not None else None,
    }
    if times[Status.RESOLVED]:
        times[Status.CLOSED] = times[Status.RESOLVED] + dt.timedelta(hours=2)
    for event in complaint.events.order_by("at", "id"):
        if event.kind == EventKind.CREATED:
            at = received
        elif event.to_status in times:
            at = times[event.to_status]
        else:  # the resolution and the customer's answer: with the resolution
            at = times[Status.RESOLVED] or times[Status.INVESTIGATING] or received
        type(event).objects.filter(pk=event.pk).update(at=at)
    first, done = times[Status.INVESTIGATING], times[Status.RESOLVED]
    fields = {"created_at": received, "sla_breached": bool(first and first > complaint.first_response_due)}
    if first:
        fields.update(first_responded_at=first, first_response_seconds=int((first - received).total_seconds()))
    if done:
        fields.update(resolved_at=done, resolution_seconds=int((done - received).total_seconds()))
        fields["sla_breached"] |= done > complaint.resolution_due
        if complaint.customer_agreed_at:
            fields["customer_agreed_at"] = done + dt.timedelta(hours=1)
    if complaint.closed_at:
        fields.update(closed_at=times[Status.CLOSED], survey_requested_at=times[Status.CLOSED])
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
