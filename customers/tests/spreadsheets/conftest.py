from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from customers.importing import services
from customers.importing.models import ImportJob


@pytest.fixture(autouse=True)
def _spreadsheet_urls(settings):
    """Use the project's URLs if they include the spreadsheet views, else a test urlconf."""
    try:
        reverse("spreadsheets:import_start")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "customers.tests.spreadsheets.urls"


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def run_import():
    """``run_import(path, store, user=None, dry_run=False, file_wins=False) -> ImportJob``,
    the way the command does it."""

    def run(path: Path, store, user=None, *, dry_run: bool = False, file_wins: bool = False) -> ImportJob:
        with open(path, "rb") as handle:
            job = services.start_import(
                store=store, user=user, upload=handle, name=path.name, size=path.stat().st_size, enqueue=False
            )
        job = services.check(job.pk)
        if dry_run or job.status != "checked":
            return job
        services.confirm(job, user, file_wins=file_wins, enqueue=False)
        return services.run(job.pk)

    return run
