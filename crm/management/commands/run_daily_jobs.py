import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from crm.jobs import DailyJobsFailed, registered_jobs, run_daily_jobs


class Command(BaseCommand):
    help = "Run every daily job for a date (default: today in Asia/Shanghai). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD")
        parser.add_argument("--only", action="append", help="run only this job (repeatable)")
        parser.add_argument("--list", action="store_true", help="list the jobs and exit")

    def handle(self, *args, **options):
        if options["list"]:
            for job in registered_jobs():
                self.stdout.write(f"{job.order:>3} {job.name}")
            return
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from None
        names = {job.name for job in registered_jobs()}
        unknown = set(options["only"] or []) - names
        if unknown:
            raise CommandError(f"unknown job(s): {', '.join(sorted(unknown))}")
        try:
            results = run_daily_jobs(day, only=options["only"])
        except DailyJobsFailed as exc:
            self._print(day, exc.results)
            raise CommandError(f"{day}: failed: {', '.join(exc.failed)} (tracebacks in the log)") from None
        self._print(day, results)

    def _print(self, day, results: dict[str, dict]) -> None:
        for name, counts in results.items():
            summary = ", ".join(f"{key}={value}" for key, value in counts.items()) or "done"
            self.stdout.write(f"{day} {name}: {summary}")
