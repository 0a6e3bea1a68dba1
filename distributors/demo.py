"""Demo dealers for seed_demo: a dozen accounts in every status and class, with their
file, a year of pick-ups, shipments, payments against the plan and stock reports, and
the logins of two account managers and their sales manager (password as the others)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from crm.models import Role, StaffProfile
from distributors.models import (
    AccountChange,
    BrandShare,
    Communication,
    Contract,
    ContractStatus,
    DealerAccount,
    DealerPerson,
    EndReason,
    Grade,
    LogisticsPartner,
    Negotiation,
    OutletGroup,
    Payment,
    PaymentPlan,
    PickUp,
    PickUpPolicy,
    ProgressEntry,
    Shipment,
    Status,
    StockReport,
    Visit,
)
from distributors.services.accounts import move, open_account

LOGINS = [  # username, role, display name
    ("sales", Role.SALES_MANAGER, "何经理"),
    ("am", Role.ACCOUNT_MANAGER, "钱业务"),
    ("am2", Role.ACCOUNT_MANAGER, "孙业务"),
]
# company, contact, city, path through the pipeline ((status, grade), ...), monthly pick-up
DEALERS = [
    ("苏州恒达服饰有限公司", "陈建国", "苏州", [("intent", "soon"), ("existing", "key")], 180000),
    (
        "无锡锦程商贸有限公司",
        "刘志刚",
        "无锡",
        [("intent", "needs_time"), ("intent", "soon"), ("existing", "key")],
        120000,
    ),
    ("南通华美服装有限公司", "张海燕", "南通", [("intent", "soon"), ("existing", "qualified")], 60000),
    ("宁波海韵商贸有限公司", "王立新", "宁波", [("intent", "soon"), ("existing", "qualified")], 40000),
    ("温州鼎盛服饰有限公司", "黄文斌", "温州", [("intent", "soon"), ("existing", "unqualified")], 8000),
    ("合肥雅士达服装有限公司", "吴俊", "合肥", [("intent", "soon")], 0),
    ("南京金陵名品贸易公司", "周婷婷", "南京", [("intent", "needs_time"), ("intent", "soon")], 0),
    ("常州新锐服饰商行", "徐伟", "常州", [("intent", "needs_time")], 0),
    ("杭州西子时装代理公司", "沈国平", "杭州", [], 0),
    ("扬州瘦西湖服饰有限公司", "马晓东", "扬州", [], 0),
    ("嘉兴南湖服装有限公司", "朱红", "嘉兴", [("intent", "soon"), ("existing", "qualified"), ("ended", "")], 15000),
    ("绍兴越州商贸有限公司", "郭强", "绍兴", [("intent", "soon"), ("existing", "unqualified"), ("ended", "")], 5000),
]
LINES = [("西装", Decimal("0.55")), ("衬衫", Decimal("0.30")), ("夹克", Decimal("0.15"))]
CARRIERS = ["顺丰速运", "德邦物流", "中通快运"]


def _logins(staff) -> dict:
    User = get_user_model()
    password = staff["hq"].password  # already hashed: the same demo password
    users = {}
    for username, role, display in LOGINS:
        user = User.objects.create(username=username, password=password)
        StaffProfile.objects.create(user=user, role=role, display_name=display)
        users[username] = user
    StaffProfile.objects.filter(user__in=[users["am"], users["am2"]]).update(sales_manager=users["sales"])
    return users


def seed_demo(*, rng, today, staff, **_):
    users = _logins(staff)
    hq = staff["hq"]
    tz = timezone.get_current_timezone()
    policy = PickUpPolicy.objects.create(
        name="2026年度提货政策", terms="单次提货满10万返点2%；季度任务完成返点3%", valid_from=dt.date(today.year, 1, 1)
    )
    for index, (company, contact, city, path, monthly) in enumerate(DEALERS):
        manager = users["am"] if index % 3 != 2 else users["am2"]
        account = open_account(
            company=company,
            contact_name=contact,
            account_manager=manager,
            by=manager,
            lead_source=rng.choice(["trade_fair", "tasting", "distributor", "store_visit", "website", "social"]),
            address=f"{city}市人民路{rng.randint(1, 300)}号",
            business_lines="男装、商务休闲",
            product_categories="西装、衬衫、夹克",
            main_direction="中高端商务男装",
            yearly_revenue=Decimal(rng.randint(300, 3000) * 10000),
            brands_carried="雅戈尔、海澜之家、本品牌",
            city_outlets=rng.randint(1, 6),
            county_outlets=rng.randint(0, 8),
            town_outlets=rng.randint(0, 10),
        )
        for status, grade in path:
            reason = "达不到公司标准，协商终止" if status == Status.ENDED else "拜访后推进"
            end = EndReason.BELOW_STANDARD if status == Status.ENDED else ""
            move(account, status, grade, by=manager, reason=reason, end_reason=end)
        _backdate(account, today, rng, tz)
        _file(account, rng, today, city)
        if account.status in (Status.EXISTING, Status.ENDED):
            _trade(account, rng, today, monthly, policy, tz, ended=account.status == Status.ENDED)
        _development(account, rng, today, hq)


def _backdate(account: DealerAccount, today, rng, tz) -> None:
    """Spread the account's history over the past months (the services stamp "now")."""
    changes = list(AccountChange.objects.filter(account=account).order_by("at", "pk"))
    day = today - dt.timedelta(days=40 * len(changes) + rng.randint(10, 60))
    for change in changes:
        change.at = dt.datetime.combine(day, dt.time(rng.randint(9, 17), 0), tz)
        day += dt.timedelta(days=rng.randint(15, 60))
    AccountChange.objects.bulk_update(changes, ["at"])
    last_status = [c for c in changes if c.old_status != c.new_status][-1]
    DealerAccount.objects.filter(pk=account.pk).update(status_since=last_status.at)


def _file(account, rng, today, city) -> None:
    name = account.customer.name
    DealerPerson.objects.bulk_create(
        [
            DealerPerson(
                account=account,
                role="owner",
                name=name,
                age=rng.randint(38, 58),
                personality="务实、重信誉",
                hobbies=rng.choice(["钓鱼", "高尔夫", "茶道", "登山"]),
                phone=f"0{rng.randint(510, 579)}-{rng.randint(6000000, 8999999)}",
            ),
            DealerPerson(account=account, role="family", name=name[0] + "太太", position="财务", personality="细致"),
            DealerPerson(
                account=account, role="team", name=rng.choice("赵钱孙李") + "经理", position="门店运营", hobbies="篮球"
            ),
        ]
    )
    BrandShare.objects.bulk_create(
        [
            BrandShare(account=account, brand="本品牌", share=Decimal(rng.randint(20, 45)), ours=True),
            BrandShare(account=account, brand="雅戈尔", share=Decimal(rng.randint(15, 30))),
            BrandShare(account=account, brand="海澜之家", share=Decimal(rng.randint(10, 20))),
        ]
    )
    OutletGroup.objects.bulk_create(
        [
            OutletGroup(
                account=account,
                kind="direct",
                brand="本品牌",
                count=rng.randint(1, 4),
                yearly_revenue=Decimal(rng.randint(80, 400) * 10000),
            ),
            OutletGroup(
                account=account,
                kind="franchise",
                brand="雅戈尔",
                count=rng.randint(0, 5),
                yearly_revenue=Decimal(rng.randint(50, 300) * 10000),
            ),
            OutletGroup(
                account=account,
                kind="counter",
                count=rng.randint(2, 12),
                yearly_revenue=Decimal(rng.randint(40, 200) * 10000),
                best_sellers="衬衫、西裤",
            ),
        ]
    )
    LogisticsPartner.objects.create(
        account=account,
        name=rng.choice(CARRIERS),
        address=f"{city}市物流园{rng.randint(1, 20)}号",
        contact="调度 王师傅",
        price="0.8元/公斤",
        turnaround_days=rng.randint(1, 4),
        reputation=rng.randint(3, 5),
    )


def _development(account, rng, today, hq) -> None:
    Visit.objects.create(
        account=account,
        planned_on=today - dt.timedelta(days=rng.randint(20, 200)),
        prepared_needs="了解其门店分布与主营品牌",
        visited_on=today - dt.timedelta(days=rng.randint(5, 19)),
        presented="春夏新品与加盟政策",
        questions="首批铺货量与退换货",
        next_step="报价并安排品鉴会",
    )
    if account.status == Status.POTENTIAL:
        return
    Negotiation.objects.create(
        account=account,
        held_on=today - dt.timedelta(days=rng.randint(30, 120)),
        cooperation_model="区域代理",
        prices="出厂价4.2折",
        delivery_terms="下单后7天内发货",
        after_sales="质量问题30天内包换",
        outcome="原则同意",
    )
    ProgressEntry.objects.create(
        account=account,
        on=today - dt.timedelta(days=rng.randint(3, 30)),
        action="第二次拜访，确认合作模式",
        result="客户有意向",
        next_step="提交合同",
        next_on=today + dt.timedelta(days=rng.randint(3, 20)),
    )
    start = dt.date(today.year, 1, 1)
    if account.status == Status.INTENT:
        status = ContractStatus.IN_REVIEW if account.grade == Grade.SOON else ContractStatus.DRAFT
        Contract.objects.create(
            account=account,
            number=f"HT{today.year}-{account.pk:03d}",
            key_terms="区域独家代理；年度提货任务200万",
            starts_on=start,
            ends_on=start.replace(year=start.year + 1) - dt.timedelta(days=1),
            status=status,
            submitted_at=timezone.now() if status == ContractStatus.IN_REVIEW else None,
        )
        return
    Contract.objects.create(
        account=account,
        number=f"HT{today.year}-{account.pk:03d}",
        key_terms="区域代理；年度提货任务；季度返点",
        starts_on=start,
        ends_on=today + dt.timedelta(days=rng.randint(20, 300)),
        status=ContractStatus.SIGNED,
        submitted_at=timezone.now(),
        reviewed_at=timezone.now(),
        reviewed_by=hq,
        signed_on=start,
    )


def _trade(account, rng, today, monthly, policy, tz, *, ended) -> None:
    """Twelve months of pick-ups (each shipped), the payment plan and what was paid, stock."""
    months = [(today.replace(day=1) - dt.timedelta(days=30 * n)).replace(day=1) for n in range(11, -1, -1)]
    if ended:
        months = months[:8]
    pick_ups, plans, paid = [], [], Decimal("0")
    for month in months:
        amount = Decimal(int(monthly * rng.uniform(0.7, 1.3)))
        for line, share in LINES:
            value = (amount * share).quantize(Decimal("1"))
            on = min(month + dt.timedelta(days=rng.randint(2, 20)), today)
            pick_ups.append(
                PickUp(
                    account=account,
                    on=on,
                    product_line=line,
                    quantity=int(value / 400) + 1,
                    amount=value,
                    policy=policy,
                )
            )
        due = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        plans.append(PaymentPlan(account=account, month=month, amount=amount, due_on=due))
        if due < today - dt.timedelta(days=60) or rng.random() < 0.6:
            paid += amount
    PickUp.objects.bulk_create(pick_ups)
    PaymentPlan.objects.bulk_create(plans)
    shipments = []
    for pick_up in PickUp.objects.filter(account=account):
        arrived = pick_up.on + dt.timedelta(days=rng.randint(1, 4))
        shipments.append(
            Shipment(
                account=account,
                dispatched_on=pick_up.on,
                carrier=rng.choice(CARRIERS),
                pick_up=pick_up,
                tracking_number=f"SF{rng.randint(10**11, 10**12 - 1)}",
                arrived_on=arrived if arrived < today else None,
            )
        )
    Shipment.objects.bulk_create(shipments)
    paid_on = today - dt.timedelta(days=rng.randint(1, 25))
    # the money came in instalments; the unqualified dealer pays late
    share = Decimal("0.6") if account.grade == Grade.UNQUALIFIED else Decimal("1")
    for part in (Decimal("0.5"), Decimal("0.3"), Decimal("0.2")):
        Payment.objects.create(
            account=account,
            received_on=paid_on,
            amount=(paid * share * part).quantize(Decimal("0.01")),
            reference="银行转账",
        )
        paid_on -= dt.timedelta(days=45)
    stock = []
    for month in months[-4:]:
        for line, _share in LINES:
            stock.append(
                StockReport(
                    account=account,
                    on=min(month + dt.timedelta(days=27), today),
                    product_line=line,
                    on_hand=rng.randint(20, 300),
                    sold=rng.randint(30, 250),
                )
            )
    StockReport.objects.bulk_create(stock)
    Communication.objects.bulk_create(
        [
            Communication(
                account=account,
                at=dt.datetime.combine(today - dt.timedelta(days=d), dt.time(10, 30), tz),
                channel=rng.choice(["phone", "online", "visit"]),
                points=rng.choice(["沟通本月提货计划", "回款提醒", "新品订货会邀请", "库存盘点"]),
                created_by=account.account_manager,
            )
            for d in sorted(rng.sample(range(1, 90), rng.randint(2, 10)))
        ]
    )
