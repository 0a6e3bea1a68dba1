"""python manage.py export_customers FILE.xlsx [--store CODE] [--mask-id-numbers]"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from crm.models import Store
from crm.xlsx import Sheet, record_export, write_workbook
from customers.exporting import customer_rows, export_headers
from customers.models import Customer


class Command(BaseCommand):
    help = "Write the customer file (all stores, or one) to an xlsx workbook with the stores' usual columns."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--store", help="store code; all stores when left out")
        parser.add_argument(
            "--mask-id-numbers", action="store_true", help="write ID numbers masked (110***********1234)"
        )

    def handle(self, *args, file, store=None, mask_id_numbers=False, **options):
        customers = Customer.objects.all()
        if store:
            try:
                customers = customers.filter(home_store=Store.objects.get(code=store))
            except Store.DoesNotExist:
                raise CommandError(f"No store with code {store!r}")
        started = time.monotonic()
        counts = write_workbook(
            file,
            [Sheet(_("Customers"), export_headers(), customer_rows(customers, full_id_numbers=not mask_id_numbers))],
        )
        rows = sum(counts.values())
        record_export(None, "customers", {"store": store or "", "command": True}, rows)
        self.stdout.write(f"{rows} customers written to {file} in {time.monotonic() - started:.1f} s")
