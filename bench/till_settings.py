"""Production settings plus the bench's minimal view (``bench/till_bench.py`` only)."""

from crm.settings import *  # noqa: F403

ROOT_URLCONF = "bench.till_urls"
