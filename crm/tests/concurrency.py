"""Helpers for tests that race real database transactions against each other."""

import threading

from django.db import connections


def run_together(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released at the same moment.

    Returns each thread's result, or the exception it raised, in thread order. Each
    thread closes its own database connections, so PostgreSQL sees ``count`` sessions.
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # collected and asserted on by the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
