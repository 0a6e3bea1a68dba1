"""The seeds' default categories, departments and deadlines (created by migration 0002,
which imports them from here). ``install_defaults`` puts them back on an empty database, e.g. after a test that
flushed the tables."""

from django.db import transaction

from complaints.models import Category, Department, Severity, Sla

CATEGORIES = ["产品质量", "服务", "配送物流", "价格", "安装", "其他"]
DEPARTMENTS = ["销售部", "质量部", "生产部", "物流部", "售后部"]
# severity: (first response hours, resolution hours), calendar hours
DEADLINES = {
    Severity.LOW: (48, 14 * 24),
    Severity.NORMAL: (24, 7 * 24),
    Severity.HIGH: (8, 3 * 24),
    Severity.CRITICAL: (2, 24),
}


def install_defaults() -> None:
    with transaction.atomic():
        for position, name in enumerate(CATEGORIES):
            category, _ = Category.objects.get_or_create(name=name, defaults={"position": position})
            for severity, (first, resolution) in DEADLINES.items():
                Sla.objects.get_or_create(
                    category=category,
                    severity=severity,
                    defaults={"first_response_hours": first, "resolution_hours": resolution},
                )
        for position, name in enumerate(DEPARTMENTS):
            Department.objects.get_or_create(name=name, defaults={"position": position})
