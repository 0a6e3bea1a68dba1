"""Chinese formats with ISO first for inputs: an ``<input type="date">`` takes only
``YYYY-MM-DD``, and Django's zh_Hans default renders ``2026/10/18``, which leaves it blank.
Otherwise Django's own zh_Hans lists, in their order."""

from django.conf.locale.zh_Hans import formats as _django

DATE_INPUT_FORMATS = ["%Y-%m-%d", *[f for f in _django.DATE_INPUT_FORMATS if f != "%Y-%m-%d"]]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    *[f for f in _django.DATETIME_INPUT_FORMATS if f not in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")],
]
