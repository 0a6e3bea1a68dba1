"""Celery tasks of the customers app: thin wrappers that take primary keys."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_import_task(job_id: int) -> None:
    """Read and check an uploaded customer workbook (writes no customer)."""
    from customers.importing import services

    services.check(job_id)


@shared_task
def requeue_imports_task() -> int:
    """Beat, every few minutes: queue again the imports stuck in checking or importing."""
    from customers.importing import services

    return services.requeue_stuck()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import_task(job_id: int) -> None:
    """Write a confirmed import; re-delivered after a lost worker, it resumes where it stopped."""
    from customers.importing import services

    services.run(job_id)
