"""python manage.py export_customers FILE.xlsx [--store CODE] [--full-id-numbers --reason "..."]"""

import getpass
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from crm.access import audit
from crm.models import Store
from crm.xlsx import Sheet, record_export, write_workbook
from customers.exporting import customer_rows, export_headers
from customers.models import Customer


class Command(BaseCommand):
    help = (
        "Write the customer file (all stores, or one) to an xlsx workbook with the stores' usual columns. "
        "ID numbers are masked unless --full-id-numbers is given with a --reason (audited)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--store", help="store code; all stores when left out")
        parser.add_argument(
            "--full-id-numbers", action="store_true", help="write full ID numbers (needs --reason; audited)"
        )
        parser.add_argument("--reason", default="", help="why full ID numbers are written (kept in the audit log)")
        parser.add_argument("--mask-id-numbers", action="store_true", help="the default; kept for old scripts")

    def handle(self, *args, file, store=None, full_id_numbers=False, reason="", **options):
        reason = reason.strip()
        if full_id_numbers and len(reason) < 5:
            raise CommandError('--full-id-numbers needs --reason "..." (at least 5 characters): it is audited')
        customers = Customer.objects.all()
        if store:
            try:
                customers = customers.filter(home_store=Store.objects.get(code=store))
            except Store.DoesNotExist:
                raise CommandError(f"No store with code {store!r}")
        started = time.monotonic()
        counts = write_workbook(
            file, [Sheet(_("Customers"), export_headers(), customer_rows(customers, full_id_numbers=full_id_numbers))]
        )
        rows = sum(counts.values())
        record_export(None, "customers", {"store": store or "", "command": True, "os_user": _os_user()}, rows)
        if full_id_numbers:
            audit(None, "customer.disclosed.id_numbers", store=None, os_user=_os_user(), reason=reason, rows=rows,
                  file=str(file), store_code=store or "")  # fmt: skip
        self.stdout.write(f"{rows} customers written to {file} in {time.monotonic() - started:.1f} s")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
