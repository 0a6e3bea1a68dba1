"""Sending a task to the broker without letting a broker outage fail the request.

The caller keeps the work in the database first (an import job, a daily run); if the
broker is down, ``enqueue`` logs it and returns False, and a periodic sweeper sends the
task once the broker is back. Workers take tasks late-acknowledged, so the work itself
must be idempotent anyway.
"""

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """``task.delay(*args)``; False when the broker cannot be reached."""
    try:
        task.apply_async(args=args, retry=True, retry_policy={"max_retries": 1, "interval_start": 0.2})
    except (OperationalError, OSError) as exc:
        logger.warning("broker unavailable, %s(%s) left for the sweeper: %s", task.name, args, exc.__class__.__name__)
        return False
    return True
