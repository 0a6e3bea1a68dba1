"""python manage.py import_pos_export FILE --store CODE --day YYYY-MM-DD [--dry-run] [--user NAME]

The POS daily export from the command line (or a cron job over a folder the POS drops
its files in): the same check, write and points comparison as the upload page.
"""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api import pos_import
from api.models import PosImport
from crm.models import Store


class Command(BaseCommand):
    help = "Import a POS daily export (xlsx or csv); each 关联制成单 is recorded once."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--store", required=True, help="code of the store whose export it is")
        parser.add_argument("--day", required=True, type=dt.date.fromisoformat, help="day of the sales")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; record nothing")
        parser.add_argument("--user", help="username recorded as the importer and default clerk")

    def handle(self, *args, file, store, day, dry_run=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        store_obj = Store.objects.filter(code=store).first()
        if store_obj is None:
            raise CommandError(f"No store with code {store!r}")
        importer = get_user_model().objects.filter(username=user).first() if user else None
        if user and importer is None:
            raise CommandError(f"No user {user!r}")
        with path.open("rb") as handle:
            pos = pos_import.start_import(
                store=store_obj, user=importer, upload=handle, name=path.name, size=path.stat().st_size, sales_day=day
            )
        if pos.status == PosImport.Status.REFUSED:
            raise CommandError(pos.message)
        self.stdout.write(f"{pos.rows} rows, {pos.rejected_rows} rejected, {pos.receipts} receipts")
        if dry_run:
            return
        pos = pos_import.confirm(pos, importer)
        self.stdout.write(
            f"recorded {pos.recorded} ({pos.anonymous} anonymous), already in Kedang {pos.already_recorded}, "
            f"points differences {len(pos.differences)}"
        )
        if pos.report:
            self.stdout.write(f"report: {pos.report.path}")
