"""Demo register for seed_demo: applications at every step and of varied ages (some past
the 3-day submission deadline), some cards already issued, and a gift catalogue."""

import datetime as dt

from django.utils import timezone

from crm.models import Role
from loyalty import applications as register
from loyalty.models import ApplicationEvent, ApplicationStatus, CardApplication, Gift

RELATIVES = ["王丽", "李强", "张敏", "刘洋", "陈静", "杨帆"]

# name, description, points price, stock: one out of stock, one no longer offered
GIFTS = [
    ("品牌保温杯", "不锈钢真空保温杯，500 毫升", 800, 40, True),
    ("皮质名片夹", "头层牛皮，可烫印姓名缩写", 1500, 25, True),
    ("真丝方巾", "桑蚕丝 70×70 厘米", 2000, 18, True),
    ("定制领带", "门店量身定制一条真丝领带", 3000, 10, True),
    ("羊绒围巾", "100% 羊绒，三色可选", 5000, 0, True),
    ("旅行收纳包", "上一季礼品", 1200, 5, False),
]

# The register field each step's event records.
EVENT_FIELD = {
    ApplicationStatus.CREATED: "created_at",
    ApplicationStatus.ENTERED: "entered_at",
    ApplicationStatus.SUBMITTED: "submitted_at",
    ApplicationStatus.APPROVED: "decided_at",
    ApplicationStatus.REJECTED: "decided_at",
    ApplicationStatus.NOTIFIED: "notified_at",
    ApplicationStatus.NOTIFIED_AGAIN: "notified_again_at",
    ApplicationStatus.COLLECTED: "closed_at",
    ApplicationStatus.MAILED: "closed_at",
}


def seed_demo(*, rng, today, stores, staff, customers, **_):
    Gift.objects.bulk_create(
        Gift(name=n, description=d, points_price=p, stock=s, is_active=a) for n, d, p, s, a in GIFTS
    )
    head_office = next(u for u in staff.values() if u.staff.role == Role.HEAD_OFFICE)
    managers = {u.staff.store_id: u for u in staff.values() if u.staff.role == Role.MANAGER}
    pending = list(
        CardApplication.objects.filter(status=ApplicationStatus.CREATED).select_related("customer").order_by("id")
    )
    # The newest fifth stays "created" for the clerks; the rest moves along the register.
    for i, application in enumerate(pending[: len(pending) * 4 // 5]):
        manager = managers[application.customer.home_store_id]
        phone = f"+86139{rng.randrange(10**8):08d}"
        register.enter_application(application, relative_name=rng.choice(RELATIVES), relative_phone=phone, by=manager)
        if i % 5 == 4:
            continue  # entered, waiting to be submitted
        register.submit_application(application, by=manager)
        if i % 5 == 3:
            continue  # in head office's approval queue
        if i % 10 == 2:
            register.reject_application(application, reason="资料不全，请补充后重新申请。", by=head_office)
            continue
        register.approve_application(application, by=head_office)
        if i % 3 == 0:
            continue  # approved, the customer not yet told
        register.record_notified(application, by=manager)
        if i % 3 == 1:
            register.record_collected(application, by=manager)
    _spread_over_time(rng, today)


def _spread_over_time(rng, today) -> None:
    """The steps above all happened just now: date each application from the purchase that
    opened it, and its steps hours or days apart, as a store's register reads (some
    submitted after the 3-day deadline, a few still waiting past it)."""
    now = timezone.now()
    applications = CardApplication.objects.select_related("purchase").order_by("id")
    events = {}
    for event in ApplicationEvent.objects.filter(application__in=applications).order_by("id"):
        events.setdefault(event.application_id, []).append(event)
    changed, moved = [], []
    for application in applications:
        start = (
            application.purchase.purchased_at if application.purchase else now - dt.timedelta(days=rng.randint(0, 30))
        )
        gaps = {
            "created_at": dt.timedelta(0),
            "entered_at": dt.timedelta(hours=rng.randint(2, 20)),
            "submitted_at": dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 4, 6]), hours=rng.randint(1, 5)),
            "decided_at": dt.timedelta(days=rng.randint(1, 3)),
            "notified_at": dt.timedelta(days=1, hours=rng.randint(0, 3)),
            "notified_again_at": dt.timedelta(days=1),
            "closed_at": dt.timedelta(days=rng.randint(0, 3), hours=2),
        }
        when, times = start, {}
        for n, (name, gap) in enumerate(gaps.items()):
            when = min(when + gap, now - dt.timedelta(minutes=len(gaps) - n))  # never after now
            if getattr(application, name) is not None:
                times[name] = when
        for name, value in times.items():
            setattr(application, name, value)
        changed.append(application)
        for event in events.get(application.pk, []):
            field = EVENT_FIELD.get(event.status)
            if field in times:
                event.at = times[field]
                moved.append(event)
    fields = ["created_at", "entered_at", "submitted_at", "decided_at", "notified_at", "notified_again_at", "closed_at"]
    CardApplication.objects.bulk_update(changed, fields, 500)
    ApplicationEvent.objects.bulk_update(moved, ["at"], 500)
