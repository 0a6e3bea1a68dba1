from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crm.backup import BackupError, back_up


class Command(BaseCommand):
    help = "Write a consistent copy of the database into a folder and keep the newest N (see docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help=f"folder (default KEDANG_BACKUP_DIR, now {settings.KEDANG_BACKUP_DIR})")
        parser.add_argument(
            "--keep", type=int, help=f"copies kept (default KEDANG_BACKUP_KEEP, now {settings.KEDANG_BACKUP_KEEP})"
        )

    def handle(self, *args, **options):
        folder = Path(options["dir"]) if options["dir"] else settings.KEDANG_BACKUP_DIR
        keep = options["keep"] if options["keep"] is not None else settings.KEDANG_BACKUP_KEEP
        try:
            target = back_up(folder, keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written: {target}"))
