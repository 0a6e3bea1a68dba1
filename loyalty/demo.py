"""Demo register for seed_demo: applications at every step, some cards already issued."""

from crm.models import Role
from loyalty import applications as register
from loyalty.models import ApplicationStatus, CardApplication

RELATIVES = ["王丽", "李强", "张敏", "刘洋", "陈静", "杨帆"]


def seed_demo(*, rng, today, stores, staff, customers, **_):
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
