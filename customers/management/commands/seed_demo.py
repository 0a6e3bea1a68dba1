"""Deterministic demo data: 3 stores, one login per role, ~300 customers, 8 months of sales,
and the chain's product list (what the sales sold, with SKUs and barcodes).

The same --seed gives the same customers, items, amounts and day offsets; dates are
counted back from --today (default: today), so a demo always has recent sales and
callbacks due, and no sale later than the moment the demo is loaded.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from crm import hooks
from crm.jobs import run_daily_jobs
from crm.logins import DEMO_PASSWORD
from crm.models import Role, StaffProfile, Store
from customers.models import Customer, Gender
from customers.products.models import Product
from customers.services import LineData, record_purchase

User = get_user_model()

STORES = [
    ("S001", "上海南京西路店", "华东", "上海市静安区南京西路1266号", "021-62880001"),
    ("S002", "杭州湖滨店", "华东", "杭州市上城区湖滨路23号", "0571-87000002"),
    ("S003", "北京国贸店", "华北", "北京市朝阳区建国门外大街1号", "010-65050003"),
]

# username, role, store code, region, display name — the first four are the README's logins.
STAFF = [
    ("clerk", Role.CLERK, "S001", "", "王晓明"),
    ("manager", Role.MANAGER, "S001", "", "张丽"),
    ("supervisor", Role.SUPERVISOR, None, "华东", "陈督导"),
    ("hq", Role.HEAD_OFFICE, None, "", "总部直营部"),
    ("clerk2", Role.CLERK, "S001", "", "刘洋"),
    ("clerk_hz", Role.CLERK, "S002", "", "周婷"),
    ("manager_hz", Role.MANAGER, "S002", "", "吴刚"),
    ("clerk_bj", Role.CLERK, "S003", "", "赵磊"),
    ("manager_bj", Role.MANAGER, "S003", "", "孙悦"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN_M = [
    "伟",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "俊",
    "浩",
    "鹏",
    "志强",
    "建华",
    "宇航",
    "子豪",
    "文博",
]
GIVEN_F = [
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "婷",
    "雪",
    "琳",
    "晶",
    "欣怡",
    "雨萱",
    "梓涵",
    "佳怡",
    "思琪",
]
CATALOGUE = [
    ("商务衬衫", "衬衫", ["38", "39", "40", "41", "42"], ["白", "浅蓝", "灰"], Decimal("399")),
    ("羊毛西装", "西装", ["48", "50", "52", "54"], ["藏青", "炭灰", "黑"], Decimal("2980")),
    ("休闲西裤", "裤装", ["30", "31", "32", "33", "34"], ["卡其", "藏青", "黑"], Decimal("599")),
    ("羊绒大衣", "外套", ["M", "L", "XL"], ["驼色", "黑", "灰"], Decimal("3680")),
    ("真丝领带", "配饰", ["均码"], ["酒红", "藏青", "条纹"], Decimal("299")),
    ("针织毛衫", "针织", ["M", "L", "XL", "XXL"], ["米白", "深灰", "墨绿"], Decimal("899")),
    ("牛皮皮带", "配饰", ["110", "115", "120"], ["黑", "棕"], Decimal("459")),
    ("商务皮鞋", "鞋履", ["40", "41", "42", "43"], ["黑", "棕"], Decimal("1280")),
    ("Polo衫", "T恤", ["M", "L", "XL"], ["白", "藏青", "红"], Decimal("359")),
]


def _ean_check(body: str) -> str:
    """The check digit of a 12-digit EAN-13 body."""
    total = sum(int(d) * (3 if n % 2 else 1) for n, d in enumerate(body))
    return str((10 - total % 10) % 10)


MOBILE_PREFIXES = ["135", "136", "137", "138", "139", "150", "151", "158", "186", "188", "177", "199"]


class Command(BaseCommand):
    help = "Load deterministic demo data (stores, one login per role, customers, 8 months of sales)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--today", help="YYYY-MM-DD the sales are counted back from (default: today)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing (and succeed) when the database already has stores"
        )

    def handle(self, *args, **options):
        if Store.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded; nothing to do.")
                self._print_logins()
                return
            raise CommandError("The database already has stores: seed_demo loads into an empty database only.")
        if options["customers"] < 1:
            raise CommandError("--customers must be at least 1")
        today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        rng = random.Random(options["seed"])
        with transaction.atomic():
            stores = {
                code: Store.objects.create(code=code, name=n, region=r, address=a, phone=p)
                for code, n, r, a, p in STORES
            }
            password = make_password(DEMO_PASSWORD)  # hashed once: it is slow on purpose
            staff = {}
            for username, role, code, region, display in STAFF:
                user = User.objects.create(username=username, password=password)
                StaffProfile.objects.create(
                    user=user, role=role, store=stores.get(code), region=region, display_name=display
                )
                staff[username] = user
            # The system administrator: Django's admin only, no store data in the app.
            User.objects.create(username="sysadmin", password=password, is_staff=True, is_superuser=True)
            clerks = {
                code: [u for u in staff.values() if u.staff.store_id == s.pk and u.staff.is_clerk]
                for code, s in stores.items()
            }
            products = self._products(staff["hq"])
            customers = self._customers(rng, options["customers"], stores, clerks)
            sales = self._sales(rng, customers, stores, clerks, today)
            customers = list(Customer.objects.order_by("pk"))  # with their totals after the sales
            for fn in hooks.functions("seed_demo"):
                fn(rng=rng, today=today, stores=stores, staff=staff, customers=customers)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(stores)} stores, {products} products, {len(customers)} customers, {sales} sales."
            )
        )
        # Today's greetings, due messages and tier checks, so the demo's worklists are
        # not empty until beat's first morning run.
        for name, counts in run_daily_jobs(today).items():
            self.stdout.write(f"{today} {name}: {counts}")
        self._print_logins()

    def _products(self, by) -> int:
        """Every item, size and colour of the catalogue as a product with an EAN-13
        barcode (GS1 China prefix 690), so the till finds what the demo's sales sold."""
        products = []
        for i, (item, category, sizes, colours, price) in enumerate(CATALOGUE, start=1):
            for j, size in enumerate(sizes, start=1):
                for k, colour in enumerate(colours, start=1):
                    body = f"690126{i:02d}{j:02d}{k:02d}"
                    products.append(
                        Product(
                            sku=f"KD{i:02d}{j:02d}{k:02d}",
                            barcode=body + _ean_check(body),
                            name=item,
                            category=category,
                            size=size,
                            colour=colour,
                            list_price=price,
                            updated_by=by,
                        )
                    )
        Product.objects.bulk_create(products)
        return len(products)

    def _customers(self, rng, count, stores, clerks):
        used, customers = set(), []
        store_codes = list(stores)
        for i in range(count):
            male = rng.random() < 0.6
            name = rng.choice(SURNAMES) + rng.choice(GIVEN_M if male else GIVEN_F)
            while True:
                mobile = "+86" + rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
                if mobile not in used:
                    used.add(mobile)
                    break
            code = store_codes[i % len(store_codes)]
            clerk = rng.choice(clerks[code])
            consent_marketing = rng.random() < 0.7
            birthday = (
                dt.date(rng.randint(1960, 2002), rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.8 else None
            )
            customers.append(
                Customer(
                    name=name,
                    gender=Gender.MALE if male else Gender.FEMALE,
                    mobile=mobile,
                    home_store=stores[code],
                    clerk=clerk,
                    birthday=birthday,
                    marketing_consent=consent_marketing,
                    data_consent_at=timezone.now(),
                    data_consent_by=clerk,
                    size=rng.choice(["M", "L", "XL", "48", "50", ""]),
                    preferred_call_time=rng.choice(["", "", "morning", "afternoon", "evening"]),
                    source_channel=rng.choice(["walk_in", "walk_in", "referral", "online", "event"]),
                )
            )
        Customer.objects.bulk_create(customers)
        return list(Customer.objects.order_by("pk"))

    def _sales(self, rng, customers, stores, clerks, today):
        tz = timezone.get_current_timezone()
        now = timezone.now()
        plan = []
        for customer in customers:
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 6])):
                plan.append((rng.randint(0, 240), customer))
        for _ in range(len(customers) // 5):  # anonymous sales
            plan.append((rng.randint(0, 240), None))
        plan.sort(key=lambda item: (-item[0], item[1].pk if item[1] else 0))
        for days_ago, customer in plan:
            store = customer.home_store if customer else rng.choice(list(stores.values()))
            clerk = customer.clerk if customer and customer.clerk else rng.choice(clerks[store.code])
            when = dt.datetime.combine(
                today - dt.timedelta(days=days_ago), dt.time(rng.randint(10, 20), rng.randint(0, 59)), tz
            )
            while when > now:  # today's sales later than now happened the day before
                when -= dt.timedelta(days=1)
            lines = []
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                item, category, sizes, colours, price = rng.choice(CATALOGUE)
                lines.append(
                    LineData(
                        item=item,
                        category=category,
                        size=rng.choice(sizes),
                        colour=rng.choice(colours),
                        quantity=1,
                        unit_price=price,
                    )
                )
            record_purchase(store=store, clerk=clerk, customer=customer, lines=lines, purchased_at=when)
        return len(plan)

    def _print_logins(self):
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for username, role, code, region, _display in STAFF[:4]:
            where = code or region or "all stores"
            self.stdout.write(f"  {username:<11} {role.label} ({where})")
        self.stdout.write(f"  {'sysadmin':<11} system administrator (/admin/ only)")
