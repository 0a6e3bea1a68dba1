"""python manage.py import_customers FILE.xlsx --store CODE [--dry-run] [--file-wins]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from crm.models import Store
from customers.importing import services
from customers.importing.models import ImportStatus


class Command(BaseCommand):
    help = (
        "Import a store's Excel customer file: every row is checked first; rows that cannot be "
        "imported are listed in a report workbook written next to the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--store", required=True, help="code of the store the customers belong to")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
        parser.add_argument("--file-wins", action="store_true", help="the file's values replace Kedang's")
        parser.add_argument("--user", help="username recorded as the importer (default: none)")

    def handle(self, *args, file, store, dry_run=False, file_wins=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            store_obj = Store.objects.get(code=store)
        except Store.DoesNotExist:
            raise CommandError(f"No store with code {store!r}")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user {user!r}")
        try:
            with path.open("rb") as handle:
                job = services.start_import(
                    store=store_obj,
                    user=importer,
                    upload=handle,
                    name=path.name,
                    size=path.stat().st_size,
                    enqueue=False,
                )
        except services.FileRefused as refusal:
            raise CommandError(str(refusal))
        job = services.check(job.pk)
        if job.status == ImportStatus.REFUSED:
            raise CommandError(job.message)
        for warning in job.warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(
            f"{job.customer_rows} customer rows, {job.purchase_rows} purchase rows: "
            f"{job.new_customers} new customers, {job.known_customers} already in Kedang, "
            f"{job.rejected_rows} rows rejected"
        )
        if dry_run:
            from customers.importing.report import write_report

            write_report(job)
            job.save(update_fields=["report"])
            self._copy_report(job, path)
            self.stdout.write("Dry run: nothing was written.")
            return
        services.confirm(job, importer, file_wins=file_wins, enqueue=False)
        job = services.run(job.pk)
        self.stdout.write(
            self.style.SUCCESS(
                f"{job.created_count} customers created, {job.updated_count} updated, "
                f"{job.purchases_count} purchases recorded, {job.failed_rows} rows not imported"
            )
        )
        self._copy_report(job, path)

    def _copy_report(self, job, path: Path) -> None:
        if not job.report:
            return
        target = path.with_name(f"{path.stem}.report.xlsx")
        with job.report.open("rb") as source:
            target.write_bytes(source.read())
        self.stdout.write(f"Report of the rows not imported: {target}")
