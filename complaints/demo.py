"""A few complaints for seed_demo, in every state from new to closed."""

import uuid
from decimal import Decimal

from complaints import services
from complaints.models import Category, Channel
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


def seed_demo(*, rng, today, stores, staff, customers, **_):
    categories = list(Category.objects.filter(is_active=True).order_by("id"))
    if not categories:
        return
    buyers = [c for c in customers if c.visit_count]
    channels = list(Channel.values)
    for i, (text, resolution) in enumerate(STORIES):
        customer = rng.choice(buyers)
        clerks = [u for u in staff.values() if u.staff.store_id == customer.home_store_id]
        clerk = next((u for u in clerks if u.staff.role == Role.CLERK), clerks[0])
        complaint, _ = services.log_complaint(
            store=customer.home_store,
            received_by=clerk,
            category=rng.choice(categories),
            channel=rng.choice(channels),
            description=text,
            customer=customer,
            purchase=customer.purchases.order_by("-purchased_at").first(),
            key=uuid.UUID(int=rng.getrandbits(128)),
        )
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
